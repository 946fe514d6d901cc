"""Fleet Console: one terminal console for fleets, jobs, databases, caches and blobs."""

__version__ = "0.1.0"
