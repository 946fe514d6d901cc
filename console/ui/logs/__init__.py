"""The parts of the Logs pane: filter, line rendering, the session buffer and the view."""
