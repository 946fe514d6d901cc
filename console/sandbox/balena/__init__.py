"""Stand-in for the balena API v7: fleets, devices, releases and device logs."""
