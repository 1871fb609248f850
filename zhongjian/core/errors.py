"""Domain errors that views and the API turn into 4xx answers with a Chinese message."""


class DomainError(Exception):
    """A request that cannot be carried out; `message` is shown to the user as is."""

    status_code = 400

    def __init__(
        self, message: str, *, errors: list[str] | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.errors = [str(error) for error in errors or []]
        # The form field the refusal is about, so that a page can show it beside that field.
        self.field = field


class ValidationError(DomainError):
    status_code = 400


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
