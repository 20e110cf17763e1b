"""``jiceng check``: run the county's policy pack and print every check and target (SUP-7)."""

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supervision.engine import run_pack
from supervision.packs import PackError, available_packs


class Command(BaseCommand):
    help = (
        "Run every check and target of the county's policy pack (or --pack) and print status, "
        "value, threshold, citation and failing entities. JSON is a list of objects with id, "
        "kind, status, value, threshold, citation and failing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pack", help=f"one of: {', '.join(available_packs())}")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--as-of", type=date.fromisoformat, help="judge as on this day")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pack, results = run_pack(
                pack_code=options["pack"], today=options["as_of"] or timezone.localdate()
            )
        except PackError as error:
            raise CommandError(str(error)) from None
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(f"{pack.name} ({pack.code})")
        width = max((len(r.id) for r in results), default=5)
        for r in results:
            value = r.display or "—"
            line = (
                f"{r.id:<{width}}  {r.status:<15}  {value:>9}  {r.threshold}  "
                f"[{', '.join(r.citation)}]"
            )
            if r.progress is not None:
                track = "on track" if r.progress.on_track else "off track"
                line += f"  due {r.progress.deadline.isoformat()} ({track})"
            self.stdout.write(line)
            for entity in r.failing:
                self.stdout.write(f"    ✗ {entity.name}: {entity.reason}")
        failing = sum(1 for r in results if r.status == "fail")
        self.stdout.write(f"{len(results)} rules: {failing} fail")
