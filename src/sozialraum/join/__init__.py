"""Joining indicator tables to planning areas, and rolling them up the hierarchy."""

from sozialraum.join.report import JoinReport
from sozialraum.join.rollup import RollupResult, rollup, rollup_hierarchy
from sozialraum.join.tables import JoinResult, join_table, join_tables

__all__ = [
    "JoinReport",
    "JoinResult",
    "RollupResult",
    "join_table",
    "join_tables",
    "rollup",
    "rollup_hierarchy",
]
