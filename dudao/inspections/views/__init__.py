"""Pages of the supervision loop, one module per workflow: ``visits``, ``rectifications`` and ``documents``."""
