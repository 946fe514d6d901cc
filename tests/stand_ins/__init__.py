"""Tiny stand-ins for testing the sandbox machinery itself (run via FLEET_CONSOLE_STAND_INS)."""
