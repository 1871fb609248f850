"""Domain errors that services raise and the web and API layers turn into 4xx responses."""


class DomainError(Exception):
    """A business rule refused the operation; `message` is shown to the user as it is."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])


class ValidationError(DomainError):
    """The input breaks a rule (400)."""


class NotFound(DomainError):
    """The object does not exist or lies outside the caller's scope (404)."""


class PermissionDenied(DomainError):
    """The caller may not do this (403)."""


class Conflict(DomainError):
    """The object's current state does not allow the operation (409)."""
