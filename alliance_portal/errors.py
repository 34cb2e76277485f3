"""Domain errors the services raise; each door (web, API, admin, task) turns them into its own answer."""


class ConflictError(Exception):
    """The record's state does not allow this (a transition not allowed, over-commitment): HTTP 409."""

    def __init__(self, message: str, *, code: str = "conflict", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
