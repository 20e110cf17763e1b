from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from institutions.roster import MissingColumnsError, import_roster
from jiceng.spreadsheets import SpreadsheetError, report_xlsx


class Command(BaseCommand):
    help = (
        "Import an institution roster (.xlsx or .csv, ORG-1/MED-8): create or update every good "
        "row by institution code in one transaction and list every rejected row with its column "
        "and reason. Importing the same file again changes nothing. Exits with status 1 if any "
        "row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="username written to the audit log as the importer")
        parser.add_argument("--dry-run", action="store_true", help="check the file, save nothing")
        parser.add_argument("--report", type=Path, help="write the rejections to this .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user named {options['user']!r}")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            report = import_roster(data, path.name, user=user, dry_run=options["dry_run"])
        except (SpreadsheetError, MissingColumnsError) as error:
            raise CommandError(str(error)) from error
        for rejection in report.rejections:
            self.stderr.write(
                f"row {rejection.row}, {rejection.column} {rejection.value!r}: {rejection.reason}"
            )
        if options["report"]:
            options["report"].write_bytes(report_xlsx(report))
        prefix = "dry run: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, rejected rows {report.rejected_rows}"
        )
        if report.rejections:
            raise SystemExit(1)
