"""The Databases pane's widgets: the list of databases and the catalog tree."""
