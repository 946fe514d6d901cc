"""The ``:diff`` screen: one view on two profiles side by side (see ``console.diff``)."""

from console.ui.diff.opening import diff_screen
from console.ui.diff.screen import DiffScreen
from console.ui.diff.table import DiffTable

__all__ = ["DiffScreen", "DiffTable", "diff_screen"]
