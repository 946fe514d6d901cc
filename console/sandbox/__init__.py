"""Local stand-ins for the remote services, for trying the console and for tests.

Nothing here imports the clients in ``console.backends``: if both sides shared
a bug, a test would pass and prove nothing.
"""
