"""``jiceng indicators``: the programme indicators of the county for a period (PH-2, §5)."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from programmes.indicators import (
    AUDIT_OBJECT,
    LEVELS,
    Level,
    PeriodError,
    compute,
    parse_period,
)


class Command(BaseCommand):
    help = (
        "Print every programme indicator of public-health-services.md §5 for a period (2025, "
        "2025Q1, 2025-03 or 2025-01-01..2025-06-30) at a level, with numerator, denominator and "
        "rate (%). JSON is a list of objects with code, name, numerator_definition, "
        "denominator_definition, citation, confidence and rows of level, key, label, "
        "numerator, denominator and rate."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--period", required=True, help="2025, 2025Q1, 2025-03 or a..b")
        parser.add_argument("--level", choices=tuple(LEVELS), default=Level.COUNTY)
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except PeriodError as error:
            raise CommandError(error.message) from None
        level = options["level"]
        audit.record(
            None,
            "list",
            AUDIT_OBJECT,
            purpose="indicators",
            detail={"period": period.label, "level": level, "indicators": "all"},
        )
        results = compute(period, level)
        if options["format"] == "json":
            printed = [result.as_json(level) for result in results]
            self.stdout.write(json.dumps(printed, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{period.start.isoformat()} – {period.end.isoformat()} · {level}")
        for result in results:
            indicator = result.indicator
            self.stdout.write(
                f"\n{indicator.code}  {indicator.name}  [{indicator.citation}; "
                f"{indicator.confidence}]"
            )
            self.stdout.write(f"  = {indicator.numerator_definition()}")
            self.stdout.write(f"  ÷ {indicator.denominator_definition()}")
            for row in result.rows:
                rate = "—" if row.rate is None else f"{row.rate:.1f} %"
                self.stdout.write(
                    f"    {row.label:<16} {row.numerator:>9,} / {row.denominator:>9,}  {rate:>8}"
                )
