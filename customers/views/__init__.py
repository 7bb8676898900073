"""Views of the customers app (thin: parse, call a selector or service, render)."""

from customers.views.contacts import (  # noqa: F401
    contact_create,
    contact_delete,
    contact_detail,
    contact_edit,
    contact_export,
    contact_list,
    customer_picker,
)
from customers.views.customers import (  # noqa: F401
    customer_bulk,
    customer_contact_create,
    customer_create,
    customer_detail,
    customer_duplicates,
    customer_edit,
    customer_export,
    customer_list,
)
from customers.views.dashboard import dashboard_widget_context  # noqa: F401
from customers.views.imports import (  # noqa: F401
    import_detail,
    import_mapping,
    import_progress,
    import_start,
    import_upload,
)
