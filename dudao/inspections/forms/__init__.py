"""Forms of the supervision loop, one module per workflow: ``visits`` and ``rectifications``."""
