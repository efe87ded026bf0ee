def register(router) -> None:
    """Registers the finding and rectification viewsets (filled in with the rectification API)."""
