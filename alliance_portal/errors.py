"""Domain errors the services raise; each door (web, API, admin, task) turns them into its own answer."""

from typing import Any

from django.utils.functional import Promise

StrOrPromise = str | Promise  # a gettext_lazy text is accepted where a message is


class ConflictError(Exception):
    """The record's state does not allow this (a transition not allowed, over-commitment): HTTP 409."""

    def __init__(self, message: str, *, code: str = "conflict", extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(Exception):
    """The actor may not do this (its organisation is not in good standing, its role is read-only, it is not the
    party the rule names): HTTP 403 in the API, the 403 page on the web, an error message in the admin.

    `message` is for people (translated); `code` for programs and logs."""

    def __init__(self, message: StrOrPromise, *, code: str = "not_allowed") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
