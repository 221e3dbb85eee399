"""What a signed-in page's query count depends on besides the page itself."""


def session_queries(settings) -> int:
    """The query reading the session: none with Redis (cached_db sessions), one from the database."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
