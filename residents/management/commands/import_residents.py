"""Import a resident roster (.xlsx or .csv) as a given user, within that user's scope."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from jiceng.spreadsheets import SpreadsheetError
from residents import roster


class Command(BaseCommand):
    help = (
        "Import residents from FILE as USER (whose scope decides which villages may be used). "
        "Refused rows are listed with row, column and reason; possible duplicates of people on "
        "record wait in the review queue; importing the same file again changes nothing. "
        "Exits 1 if any row was refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username of the importing user")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        try:
            report = roster.import_file(path.read_bytes(), path.name, user=user, request=None)
        except (OSError, SpreadsheetError) as error:
            raise CommandError(str(error)) from None
        for rejection in report.rejections:
            self.stderr.write(
                f"row {rejection.row}, {rejection.column} ({rejection.value!r}): {rejection.reason}"
            )
        self.stdout.write(
            f"created {report.created}, already on record {report.unchanged}, waiting for review "
            f"{report.queued}, flagged IDs {report.flagged}, refused rows {report.rejected_rows}"
        )
        if report.rejections:
            raise SystemExit(1)
