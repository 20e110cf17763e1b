"""``manage.py import_staff FILE``: import a staff roster (.xlsx or .csv) for the whole county
(HR-1). Good rows are imported; rejected rows are listed, and written to ``--report`` as xlsx."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiceng.spreadsheets import SpreadsheetError, report_xlsx
from workforce import roster


class Command(BaseCommand):
    help = (
        "Import a staff roster (.xlsx or .csv) keyed by staff number; re-importing changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--report", type=Path, help="Write the rejected rows to this .xlsx file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            report = roster.import_file(path.read_bytes(), path.name, user=None)
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        for rejection in report.rejections:
            self.stderr.write(
                f"row {rejection.row}, {rejection.column}: {rejection.reason} ({rejection.value!r})"
            )
        if options["report"] is not None:
            options["report"].write_bytes(report_xlsx(report))
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, rejected rows {report.rejected_rows}"
        )
