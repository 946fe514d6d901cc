"""Widgets and dialogs of the Fleets and Devices panes (they never build URLs)."""
