from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import audit


class Command(BaseCommand):
    help = (
        "verify: walk the audit log's hash chain from the first entry and report the first entry "
        "whose content or link to its predecessor does not match (IT-4). Exits 1 if broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} entries checked")
            return
        raise CommandError(
            f"audit chain broken at entry {result.first_broken_id}: {result.reason} "
            f"({result.checked} entries before it are intact)"
        )
