from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable ``code``, a message for people, and the field at fault."""

    code: str
    message: str
    field: str | None = None


# Declared on every operation, so clients see the error shape in the schema.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}
