"""Errors with stable codes. Every API error is ``{"code", "message", "field"}``."""


class DomainError(Exception):
    """A rule or state refused a request. ``code`` is stable; ``message`` is for people."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
