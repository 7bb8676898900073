"""The pages of the sales app: ``projects`` (kanban, list, create, detail, move dialog, bulk
actions, for sales projects and leads) and ``groups`` (project groups and competing offers)."""

from sales.views.groups import *  # noqa: F403 (the names in groups.__all__)
from sales.views.projects import *  # noqa: F403 (the names in projects.__all__)
