"""Widgets, dialogs and messages of the Caches pane."""
