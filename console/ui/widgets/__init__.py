"""Widgets the console's own panes are built from."""
