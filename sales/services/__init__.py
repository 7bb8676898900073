"""Every write of the sales app, in modules re-exported here (``from sales import services``):

- ``processes``: default processes and phases, the lead function switch;
- ``projects``: sales projects and leads (create, update, move, reopen, bulk, parking, contacts);
- ``groups``: project groups and competing offers;
- ``moves``: the rules of a move on a locked row, including the alternatives rule;
- ``locking``: the row locks in the one order all writers share, the version check;
- ``flags``: the two stored flags that keep totals and the conflicts list cheap, the cache
  generation;
- ``rollups``: the rebuild of the customers' open project count and pipeline value (sales owns
  them).

The import order is one-way: projects and groups -> moves -> locking, flags, processes.
"""

from sales.services.flags import *  # noqa: F403 (the names in flags.__all__)
from sales.services.groups import *  # noqa: F403 (the names in groups.__all__)
from sales.services.locking import *  # noqa: F403 (the names in locking.__all__)
from sales.services.moves import *  # noqa: F403 (the names in moves.__all__)
from sales.services.processes import *  # noqa: F403 (the names in processes.__all__)
from sales.services.projects import *  # noqa: F403 (the names in projects.__all__)
from sales.services.rollups import *  # noqa: F403 (the names in rollups.__all__)
