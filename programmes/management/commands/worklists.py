"""``jiceng worklists``: every work list of the county at once, counted (PH-3).

Counts only — names never go to stdout. ``--refresh`` first runs the day's set-based upkeep:
propose the newly eligible, close the enrolments of people who moved out, died or aged out, and
recompute every open enrolment's next contact.
"""

import json
from argparse import ArgumentParser
from dataclasses import asdict
from datetime import date
from time import perf_counter
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from programmes import services, worklists
from programmes.models import Enrolment
from programmes.worklists import BUCKETS, CountRow


class Command(BaseCommand):
    help = (
        "Count every work list of the county for a day: per bucket (due today, due this week, "
        "overdue, lost to follow-up, newly eligible), per village or per doctor. JSON is a list "
        "of objects with key, label, parent, counts and total."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="the day (default today)")
        parser.add_argument("--by", choices=("county", "village", "doctor"), default="county")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="first propose the newly eligible, close departures and recompute schedules",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today: date = options["date"] or timezone.localdate()
        if options["refresh"]:
            self._refresh(today)
        enrolments = Enrolment.objects.all()
        if options["by"] == "county":
            rows = [CountRow(None, "county", "", worklists.counts(enrolments, today))]
        else:
            rows = worklists.counts_by(enrolments, today, options["by"])
        if options["format"] == "json":
            payload = [{**asdict(row), "total": row.total} for row in rows]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        codes = [code for code, _label in BUCKETS]
        self.stdout.write(f"{today.isoformat()}  " + "  ".join(f"{c:>14}" for c in codes))
        for row in rows:
            values = "  ".join(f"{row.counts[c]:>14}" for c in codes)
            self.stdout.write(f"{row.parent} {row.label}  {values}  {row.total:>8}")

    def _refresh(self, today: date) -> None:
        started = perf_counter()
        closed = services.close_departed(today)
        proposals = services.propose_enrolments(today)
        changed = services.refresh_schedules(
            Enrolment.objects.filter(status=Enrolment.Status.ACTIVE), as_of=today
        )
        self.stderr.write(
            f"closed {closed}, proposed {proposals.total}, schedules changed {changed} "
            f"in {perf_counter() - started:.1f} s"
        )
