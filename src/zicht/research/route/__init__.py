"""Each victim's route through reflection period, COSM, residence, shelter or housing
and aid (issue 15 item 3), and the shelter tables of seed 003 §3.4-3.5.

``route_tables(store)`` and ``shelter_tables(store)`` return ungated ``TableSpec``s;
``zicht linked`` runs them when the route sources are in the extract.
"""

from zicht.research.route.model import (
    OUTCOMES,
    PAIRS,
    STAGES,
    TimeToStage,
    route_persons,
    time_to_stage,
)
from zicht.research.route.shelter import shelter_tables
from zicht.research.route.tables import ROUTE_SOURCES, route_tables

__all__ = ["OUTCOMES", "PAIRS", "ROUTE_SOURCES", "STAGES", "TimeToStage", "route_persons",
           "route_tables", "shelter_tables", "time_to_stage"]
