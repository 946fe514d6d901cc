"""Since last look: what changed in a pane since the operator last saw it.

Pure functions, no Textual: a pane's previous look (``console.profiles.last_look``)
and the data it has now go in; the changes, the row marks and a one-line summary come
out. ``devices`` compares device states, ``jobs`` counts per state, ``logs`` the
last line read per device.
"""
