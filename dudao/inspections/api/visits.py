def register(router) -> None:
    """Registers the visit viewsets (filled in with the visit API)."""
