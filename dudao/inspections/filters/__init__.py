"""Filters of the supervision loop lists, one module per workflow: ``visits`` and ``rectifications``."""
