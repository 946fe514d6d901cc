"""Widgets of the Jobs pane: state summary, state chart, job and batch-job tables, dialogs."""
