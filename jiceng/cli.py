"""The ``jiceng`` command. Every sub-command applies pending migrations first, on the database
that ``DATABASE_URL`` names (the SQLite file under ``JICENG_DATA_DIR`` by default)."""

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def _serve(host: str, port: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve

    from jiceng.wsgi import application

    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    _say(f"jiceng is serving on http://{host}:{port}/  (Ctrl+C stops it)")
    serve(application, host=host, port=port, threads=8, ident="jiceng")


def _demo(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from divisions.models import Division
    from jiceng.generator.demo_users import DEMO_PASSWORD, create_demo_users

    if args.regenerate or not Division.objects.exists():
        call_command("generate", size=args.size, seed=args.seed)
        logins = None
    else:
        _say("A county is already generated; use --regenerate to build it again.")
        logins = create_demo_users()
    if logins is not None:
        for login in logins:
            _say(f"  {login.username:<14} {login.role_label}")
    _say(f"\nDemo password for every login above: {DEMO_PASSWORD}")
    _say(f"Open http://{args.host}:{args.port}/ in a browser.\n")
    _serve(args.host, args.port)


def _decide(rule: str) -> int:
    """Exit 0 with the decision, or 2 with the API's error object, both as JSON on stdout."""
    import json

    from django.utils import timezone

    from jiceng.decisions import run_decision
    from jiceng.errors import DomainError

    try:
        payload = json.loads(sys.stdin.read() or "null")
        result: dict[str, object] = run_decision(rule, payload, today=timezone.localdate())
        status = 0
    except json.JSONDecodeError as error:
        result = {"code": "invalid_json", "message": str(error), "field": None}
        status = 2
    except DomainError as error:
        result = {"code": error.code, "message": error.message, "field": error.field}
        status = 2
    _say(json.dumps(result, ensure_ascii=False))
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiceng", description="基层 jiceng command line")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate a demo county if needed, then serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--size", choices=("small", "county"), default="small")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--regenerate", action="store_true", help="replace the existing county")

    serve = commands.add_parser("serve", help="serve the platform with waitress")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    generate = commands.add_parser("generate", help="generate a synthetic county")
    generate.add_argument("--size", choices=("small", "county"), default="small")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--county", help="6-digit county code from the shipped divisions")

    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser("verify", help="check the hash chain; name the first broken entry")

    token = commands.add_parser("token", help="API tokens for machine clients")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it once")
    create.add_argument("username")
    create.add_argument("name", help="what the token is for")

    decide = commands.add_parser(
        "decide", help="run a decision rule: JSON on stdin, JSON on stdout (as the API)"
    )
    decide.add_argument("rule", help="e.g. citizen-id")

    check = commands.add_parser(
        "check", help="run the county's policy pack: every compliance check and target"
    )
    check.add_argument("--pack", help="a pack code such as cn/shanxi/jincheng")
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument("--as-of", help="judge as on this day (YYYY-MM-DD)")

    worklists = commands.add_parser(
        "worklists", help="count every work list of the county (due, overdue, lost, eligible)"
    )
    worklists.add_argument("--date", help="the day (YYYY-MM-DD), default today")
    worklists.add_argument("--by", choices=("county", "village", "doctor"), default="county")
    worklists.add_argument("--format", choices=("table", "json"), default="table")
    worklists.add_argument(
        "--refresh", action="store_true", help="propose, close and recompute schedules first"
    )

    indicators = commands.add_parser(
        "indicators", help="the programme indicators (numerator, denominator, rate) for a period"
    )
    indicators.add_argument("--period", required=True, help="2025, 2025Q1, 2025-03 or a..b")
    indicators.add_argument(
        "--level",
        choices=("county", "township", "village", "institution", "team"),
        default="county",
    )
    indicators.add_argument("--format", choices=("table", "json"), default="table")

    residents = commands.add_parser("residents", help="resident records")
    residents_commands = residents.add_subparsers(dest="residents_command", required=True)
    dedupe = residents_commands.add_parser(
        "dedupe", help="write likely duplicate pairs of a roster file (or against the database)"
    )
    dedupe.add_argument("--input", required=True, help="roster file, .csv or .xlsx")
    dedupe.add_argument("--output", required=True, help="CSV file for the candidate pairs")
    dedupe.add_argument(
        "--against-database", action="store_true", help="link against the live residents"
    )
    dedupe.add_argument("--threshold", type=float, default=0.5, help="lowest probability written")
    scan = residents_commands.add_parser(
        "scan", help="queue likely duplicates among live residents for review"
    )
    scan.add_argument("--threshold", type=float, default=0.5)
    import_ = residents_commands.add_parser("import", help="import a resident roster as a user")
    import_.add_argument("file")
    import_.add_argument("--user", required=True)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup()
    from django.core.management import call_command, execute_from_command_line

    if args.command == "demo":
        _demo(args)
    elif args.command == "serve":
        _serve(args.host, args.port)
    elif args.command == "generate":
        options = {"size": args.size, "seed": args.seed}
        if args.county:
            options["county"] = args.county
        call_command("generate", **options)
    elif args.command == "audit":
        call_command("audit", args.audit_command)
    elif args.command == "token":
        call_command("token", args.token_command, args.username, args.name)
    elif args.command == "decide":
        return _decide(args.rule)
    elif args.command == "check":
        options = {"format": args.format}
        if args.pack:
            options["pack"] = args.pack
        if args.as_of:
            options["as_of"] = date.fromisoformat(args.as_of)
        call_command("compliance", **options)
    elif args.command == "worklists":
        options = {"by": args.by, "format": args.format, "refresh": args.refresh}
        if args.date:
            options["date"] = date.fromisoformat(args.date)
        call_command("worklists", **options)
    elif args.command == "indicators":
        from django.core.management.base import CommandError

        try:
            call_command("indicators", period=args.period, level=args.level, format=args.format)
        except CommandError as error:
            sys.stderr.write(f"jiceng indicators: {error}\n")
            return 2
    elif args.command == "residents" and args.residents_command == "dedupe":
        call_command(
            "dedupe_residents",
            input=args.input,
            output=args.output,
            against_database=args.against_database,
            threshold=args.threshold,
        )
    elif args.command == "residents" and args.residents_command == "scan":
        call_command("scan_duplicates", threshold=args.threshold)
    elif args.command == "residents":
        call_command("import_residents", args.file, user=args.user)
    elif args.command == "manage":
        execute_from_command_line(["jiceng manage", *args.arguments])
    return 0


if __name__ == "__main__":
    sys.exit(main())
