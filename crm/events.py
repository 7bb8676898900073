"""Domain events, past tense, sent explicitly by services after the real change.

Senders never know who listens; listening apps connect one-line handlers in their
``receivers.py`` (connected in ``apps.py``). Receivers run inside the sender's transaction.
Every event is sent with keyword arguments only; the documented ones below are always present.
"""

from django.dispatch import Signal

# tenants
tenant_provisioned = Signal()  # tenant, admin_user; sent inside the new tenant's schema

# customers
customer_created = Signal()  # customer, user
customer_updated = Signal()  # customer, user, changed (list of field names)
customer_address_changed = Signal()  # customer
lead_converted = Signal()  # customer, user, project (may be None)
# The CSV import sends one event for all its rows instead of customer_created per row;
# the new customers' geocode_status is "pending".
# activity writes one system entry per import from it ("2,000 customers imported from file.csv").
customers_imported = Signal()  # customer_ids (list of int), user (may be None), job, contact_count
# A save changed custom fields marked "tracked" (customfields.services.tracked_changes gives
# ``changes``: [{"key", "old", "new"}] in stored shapes). entity: customer, contact, project or
# lead; record: the Customer, ContactPerson or SalesProject. Sent by the customers and sales
# services.
custom_fields_changed = Signal()  # entity, record, user, changes

# sales
project_created = Signal()  # project, user
project_phase_changed = Signal()  # project, user, from_phase, to_phase, change
project_owner_changed = Signal()  # project, user, from_owner, to_owner
project_won = Signal()  # project, user
project_lost = Signal()  # project, user, reason
project_reopened = Signal()  # project, user
alternative_closed = Signal()  # project, user, group, winner
