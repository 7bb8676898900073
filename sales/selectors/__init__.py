"""Every read the sales views need, in modules re-exported here (``from sales import selectors``):
``projects`` (processes, phases, projects, the dashboard's), ``totals`` (every pipeline sum),
``kanban`` (the board), ``groups`` (project groups) and ``conflicts`` (competing offers).
The import order is one-way: kanban, groups, conflicts -> projects -> totals."""

from sales.selectors.conflicts import *  # noqa: F403 (the names in conflicts.__all__)
from sales.selectors.groups import *  # noqa: F403 (the names in groups.__all__)
from sales.selectors.kanban import *  # noqa: F403 (the names in kanban.__all__)
from sales.selectors.projects import *  # noqa: F403 (the names in projects.__all__)
from sales.selectors.totals import *  # noqa: F403 (the names in totals.__all__)
