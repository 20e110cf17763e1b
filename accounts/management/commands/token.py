from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.api_auth import issue_token
from accounts.models import User


class Command(BaseCommand):
    help = (
        "create USERNAME NAME: issue an API bearer token for a user. The secret is printed once; "
        "only its digest is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['username']!r}")
        self.stdout.write(issue_token(user, options["name"]))
