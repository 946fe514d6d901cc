"""Widgets and messages of the Blobs pane."""
