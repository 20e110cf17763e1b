from ninja import Schema

from jiceng.spreadsheets import ImportReport


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


class RejectionOut(Schema):
    """One rejected row of an imported file: where (row, column), what, and why."""

    row: int
    column: str
    value: str
    reason: str


class ImportReportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected_rows: int
    rejections: list[RejectionOut]


def import_report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected_rows=report.rejected_rows,
        rejections=[RejectionOut(**vars(rejection)) for rejection in report.rejections],
    )
