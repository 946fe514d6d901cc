"""The parts of the SQL pane: running, streaming, filtering, database choice and saving.

``SqlPane`` (``console/ui/panes/sql.py``) is put together from them; see ``base``.
"""
