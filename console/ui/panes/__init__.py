"""The console's panes, in tab order, as ``module:Class`` (imported when the app starts)."""

PANES: tuple[str, ...] = (
    # one line per pane
    "console.ui.panes.fleets:FleetsPane",
    "console.ui.panes.devices:DevicesPane",
    "console.ui.panes.logs:LogsPane",
    "console.ui.panes.jobs:JobsPane",
    "console.ui.panes.databases:DatabasesPane",
    "console.ui.panes.sql:SqlPane",
    "console.ui.panes.blobs:BlobsPane",
    "console.ui.panes.caches:CachesPane",
)
