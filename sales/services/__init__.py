"""Every write of the sales app, in two modules re-exported here (``from sales import services``):

- ``projects``: processes, sales projects and leads, moves with their rules;
- ``groups``: project groups, the alternatives rule (winning one closes the others), competing
  offers, and the two flags that keep totals and the conflicts list cheap.
"""

from sales.services.groups import *  # noqa: F403 (the names in groups.__all__)
from sales.services.projects import *  # noqa: F403 (the names in projects.__all__)
