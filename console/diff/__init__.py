"""Staging beside production: one view (a query, a device filter, the jobs summary) compared
across two profiles, each through its own ``Clients`` registry. No Textual here: the CLI's
``diff`` and the TUI's ``:diff`` screen both run ``DiffJob`` and show its ``Comparison``.
"""

from console.diff.model import DIFFER, ONLY_A, ONLY_B, SAME, Comparison, Row, Side, delta
from console.diff.request import DEVICES, JOBS_SUMMARY, KINDS, SQL, DiffRequest
from console.diff.run import DiffJob
from console.diff.tally import DEFAULT_LIMIT
from console.diff.values import NULL, canonical, display, json_value, same

__all__ = [
    "DEFAULT_LIMIT",
    "DEVICES",
    "DIFFER",
    "JOBS_SUMMARY",
    "KINDS",
    "NULL",
    "ONLY_A",
    "ONLY_B",
    "SAME",
    "SQL",
    "Comparison",
    "DiffJob",
    "DiffRequest",
    "Row",
    "Side",
    "canonical",
    "delta",
    "display",
    "json_value",
    "same",
]
