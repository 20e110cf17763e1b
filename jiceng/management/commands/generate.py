import json
from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiceng.generator.county import DEFAULT_COUNTY, GenerationResult, generate_county
from jiceng.generator.demo_users import DEMO_PASSWORD
from jiceng.generator.layout import COUNTY_RESIDENTS, SMALL_RESIDENTS, Size
from jiceng.generator.source import GenerationError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Replace the generated county with a new synthetic one: real divisions of the county, "
        "institutions per JC-6, staff, households and residents with the 2020 census age-sex "
        "structure, and one demo login per role. The same --seed and --as-of always give the "
        f"same rows. --size county has about {COUNTY_RESIDENTS:,} residents; --size small "
        f"about {SMALL_RESIDENTS:,} in two streets and three towns. Then family doctor teams, "
        "diagnoses on the record, key-population enrolments with their visit histories, the "
        "chronic disease path and health education. Before generating, demo users, programme "
        "records, residents, households, staff, institutions and divisions are deleted; the audit "
        "log is never touched. Each county has deliberate gaps for the compliance checks "
        "(a village without a clinic, a street without a CHSC, recorded exceptions); they are "
        "printed as JSON at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=[size.value for size in Size], default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--county",
            default=DEFAULT_COUNTY,
            help="6-digit county code from jiceng/data/divisions (default 140581, 高平市)",
        )
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="reference day for ages and dates, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = Size(options["size"])
        try:
            result = generate_county(
                size=size,
                seed=options["seed"],
                as_of=options["as_of"] or timezone.localdate(),
                county_code=options["county"],
                progress=size == Size.COUNTY,
            )
        except GenerationError as error:
            raise CommandError(str(error)) from error
        self._summary(result)

    def _summary(self, result: GenerationResult) -> None:
        write = self.stdout.write
        write(
            f"Generated {result.county_name} ({result.county_code}), size {result.size}, "
            f"seed {result.seed}, as of {result.as_of.isoformat()}, "
            f"in {result.elapsed_seconds:.1f} s"
        )
        levels = ", ".join(f"{count} {level}" for level, count in result.divisions_by_level.items())
        write(f"  divisions:    {levels}")
        types = ", ".join(f"{count} {kind}" for kind, count in result.institutions_by_type.items())
        write(f"  institutions: {types}")
        write(f"  staff:        {result.staff:,}")
        write(f"  households:   {result.households:,}")
        write(f"  residents:    {result.residents:,}")
        programmes = result.programmes
        write(f"  teams:        {programmes.teams:,} family doctor teams")
        diagnoses = ", ".join(f"{count:,} {name}" for name, count in programmes.diagnoses.items())
        write(f"  diagnoses:    {diagnoses}")
        write("  enrolments:")
        for programme, statuses in programmes.enrolments.items():
            counts = ", ".join(f"{count:,} {status}" for status, count in statuses.items())
            write(f"    {programme:<13} {counts}")
        visits = ", ".join(f"{count:,} {name}" for name, count in programmes.visits.items())
        write(f"  visits:       {programmes.visit_total:,} ({visits})")
        write(f"  path events:  {programmes.path_events:,}")
        write(f"  education:    {programmes.education_activities:,} activities")
        steps = ", ".join(
            f"{step} {seconds:.1f} s" for step, seconds in result.step_seconds.items()
        )
        write(f"  steps:        {steps}")
        write(f"\nDemo logins (password {DEMO_PASSWORD}):")
        for login in result.demo_logins:
            write(f"  {login.username:<13} {login.role_label:<40} {login.scope}")
        summary = {
            "county": result.county_code,
            "size": str(result.size),
            "seed": result.seed,
            "as_of": result.as_of.isoformat(),
            "divisions": result.divisions_by_level,
            "institutions": result.institutions_by_type,
            "staff": result.staff,
            "households": result.households,
            "residents": result.residents,
            "programmes": {
                "teams": result.programmes.teams,
                "diagnoses": result.programmes.diagnoses,
                "enrolments": result.programmes.enrolments,
                "visits": result.programmes.visits,
                "path_events": result.programmes.path_events,
                "education_activities": result.programmes.education_activities,
            },
            "elapsed_seconds": result.elapsed_seconds,
            "step_seconds": result.step_seconds,
            "deliberate_gaps": result.gaps,
            "registry_gaps": result.registry_gaps,
        }
        write("\nSummary (JSON):")
        write(json.dumps(summary, ensure_ascii=False, indent=2))
