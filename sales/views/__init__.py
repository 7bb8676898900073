"""The pages of the sales app, one module per screen: ``kanban`` (the process view), ``list`` (the
list view and its bulk actions), ``export`` (CSV), ``detail`` (create, detail, edit, buying
center), ``move`` (the move dialog, owner, reopen), ``groups`` (project groups and competing
offers) and ``tenant`` (the lead function switch); ``common`` holds what they share."""

from sales.views.detail import *  # noqa: F403 (the names in detail.__all__)
from sales.views.export import *  # noqa: F403 (the names in export.__all__)
from sales.views.groups import *  # noqa: F403 (the names in groups.__all__)
from sales.views.kanban import *  # noqa: F403 (the names in kanban.__all__)
from sales.views.list import *  # noqa: F403 (the names in list.__all__)
from sales.views.move import *  # noqa: F403 (the names in move.__all__)
from sales.views.tenant import *  # noqa: F403 (the names in tenant.__all__)
