"""Time the programme indicators (PH-2, §5) on a county-size database against a SQL floor.

The database: SQLite under ``--data-dir`` (a ``JICENG_DATA_DIR`` holding ``generate --size county
--seed 1``; generated into a temporary directory when not given), or the PostgreSQL database that
``DATABASE_URL`` names (migrated, and generated into if it holds no residents). The county
generator gives every eligible person their enrolments and several years of visits.

Then, ``--runs`` times after one warm-up: the full indicator set at county level in process
(``programmes.indicators.compute``, what the dashboard and ``jiceng indicators`` run), and for each
indicator our query and a hand-written single SQL query computing the same numbers (the floor),
one after the other. Prints the median ms of each, the ratio, and whether both give the same
numerator and denominator (a mismatch is printed and makes the exit status 1), then the full set
at every other level. Targets: the whole set ≤ 10 s, each indicator within 2× of its floor.
Informational on time: it never fails on time.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from county import ROOT, generate  # bench/county.py, beside this script

TARGET_SECONDS = 10.0
TARGET_RATIO = 2.0
BATCH = 5_000


def floor_queries(vendor: str) -> dict[str, str]:
    """County-level numerator and denominator per indicator, in plain SQL for ``vendor``: the
    fastest of the forms tried (correlated subqueries beat joins to grouped visits and window
    functions on SQLite; a join to a grouped visit count took 42 s on a database without
    statistics)."""
    if vendor == "sqlite":

        def month(x: str) -> str:
            return f"(CAST(strftime('%%Y', {x}) AS INTEGER) * 12 + CAST(strftime('%%m', {x}) AS INTEGER))"

        def plus(x: str, days: int) -> str:
            return f"date({x}, '+{days} days')"

        def age(born: str, on: str) -> str:
            return (
                f"(strftime('%%Y', {on}) - strftime('%%Y', {born})"
                f" - (strftime('%%m-%%d', {on}) < strftime('%%m-%%d', {born})))"
            )

        scan = "+"  # a wide range of birth dates: scan the table rather than walk the index
    else:

        def month(x: str) -> str:
            return f"(EXTRACT(YEAR FROM {x})::int * 12 + EXTRACT(MONTH FROM {x})::int)"

        def plus(x: str, days: int) -> str:
            return f"({x} + {days})"

        def age(born: str, on: str) -> str:
            return f"EXTRACT(YEAR FROM age({on}::timestamp, {born}::timestamp))::int"

        scan = ""

    live = "r.merged_into_id IS NULL AND (r.record_status = 'active' OR r.status_date >= %(s)s)"
    usual = "r.residence_status IN ('permanent', 'migrant')"
    present_visit = "(r.record_status = 'active' OR v.date <= r.status_date)"

    def population(where: str, visit: str) -> str:
        return f"""
            SELECT COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM programmes_visit v
                       WHERE v.resident_id = r.id AND {present_visit} AND {visit})),
                   COUNT(*)
            FROM residents_resident r
            WHERE {live} AND {where}"""

    def per_delivery(visit: str) -> str:
        return f"""
            SELECT COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM programmes_visit v WHERE v.enrolment_id = e.id AND {visit})),
                   COUNT(*)
            FROM programmes_enrolment e JOIN residents_resident r ON r.id = e.resident_id
            WHERE e.programme = 'maternal' AND e.status IN ('active', 'exited')
              AND r.merged_into_id IS NULL
              AND e.delivery_date BETWEEN %(s)s AND %(e)s
              AND (r.record_status = 'active' OR r.status_date >= e.delivery_date)"""

    managed_rows = """
            FROM programmes_enrolment e JOIN residents_resident r ON r.id = e.resident_id
            WHERE e.programme = '{programme}' AND e.status IN ('active', 'exited')
              AND r.merged_into_id IS NULL AND e.enrolled_on IS NOT NULL
              AND e.enrolled_on <= %(e)s AND (e.exited_on IS NULL OR e.exited_on >= %(s)s)
              AND (r.record_status = 'active'
                   OR (r.status_date >= %(s)s AND r.status_date >= e.enrolled_on))"""
    required_visit = """v.enrolment_id = e.id AND v.contact IN ('followup', 'annual_check')
                         AND v.date BETWEEN %(s)s AND %(e)s
                         AND (r.record_status = 'active' OR v.date <= r.status_date)"""

    def required_visits(programme: str) -> str:
        first = "CASE WHEN e.enrolled_on > %(s)s THEN e.enrolled_on ELSE %(s)s END"
        last = (
            "CASE WHEN e.exited_on < %(e)s AND (r.record_status = 'active' OR "
            "r.status_date >= e.exited_on) THEN e.exited_on "
            "WHEN r.record_status <> 'active' AND r.status_date < %(e)s THEN r.status_date "
            "ELSE %(e)s END"
        )
        return f"""
            SELECT COUNT(*) FILTER (WHERE
                       (SELECT COUNT(*) FROM programmes_visit v WHERE {required_visit}) * 3
                       >= {month(last)} - {month(first)} + 1),
                   COUNT(*)
            {managed_rows.format(programme=programme)}"""

    def latest(programme: str, recorded: str, on_target: str) -> str:
        return f"""
            SELECT COUNT(*) FILTER (WHERE (
                       SELECT CASE WHEN {on_target} THEN 1 ELSE 0 END
                       FROM programmes_visit v WHERE {required_visit} AND {recorded}
                       ORDER BY v.date DESC, v.id DESC LIMIT 1) = 1),
                   COUNT(*)
            {managed_rows.format(programme=programme)}"""

    return {
        "record_filing": f"""
            SELECT COUNT(*) FILTER (WHERE r.completeness >= %(completeness)s), COUNT(*)
            FROM residents_resident r
            WHERE {live} AND {scan}r.birth_date <= %(e)s AND {usual}""",
        "record_use": population(f"{scan}r.birth_date <= %(e)s", "v.date BETWEEN %(s)s AND %(e)s"),
        "newborn_visit": population(
            f"r.birth_date BETWEEN %(s)s AND %(e)s AND {usual}",
            "v.programme = 'child' AND v.contact = 'newborn' AND v.date >= r.birth_date "
            f"AND v.date <= {plus('r.birth_date', 28)}",
        ),
        "child_health_management": population(
            f"{scan}r.birth_date > %(child_born_after)s AND {scan}r.birth_date <= %(e)s AND {usual}",
            "v.programme = 'child' AND v.date BETWEEN %(s)s AND %(e)s",
        ),
        "early_pregnancy_registration": per_delivery(
            f"v.contact = 'antenatal_1' AND v.date < {plus('e.lmp_date', 91)}"
        ),
        "postpartum_visit": per_delivery(
            "v.contact = 'postpartum' AND v.date >= COALESCE(e.discharge_date, e.delivery_date) "
            f"AND v.date <= {plus('COALESCE(e.discharge_date, e.delivery_date)', 28)}"
        ),
        "elderly_health_management": population(
            f"{scan}r.birth_date <= %(elderly_born_by)s AND {usual}",
            "v.programme = 'elderly' AND v.contact = 'annual_check' "
            "AND v.date BETWEEN %(s)s AND %(e)s",
        ),
        "htn_standard_management": required_visits("hypertension"),
        "htn_bp_control": latest(
            "hypertension",
            "v.sbp IS NOT NULL AND v.dbp IS NOT NULL",
            f"v.dbp < 90 AND (v.sbp < 140 OR (v.sbp < 150 AND {age('r.birth_date', 'v.date')} >= 65))",
        ),
        "dm_standard_management": required_visits("diabetes"),
        "dm_glucose_control": latest("diabetes", "v.fpg_mmol_l IS NOT NULL", "v.fpg_mmol_l < 7.0"),
        "smd_standard_management": required_visits("smd"),
        "tb_management": f"""
            SELECT COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM programmes_visit v
                       WHERE v.enrolment_id = e.id AND v.contact = 'first_home'
                         AND v.date >= e.enrolled_on AND v.date <= {plus("e.enrolled_on", 3)})),
                   COUNT(*)
            FROM programmes_enrolment e JOIN residents_resident r ON r.id = e.resident_id
            WHERE e.programme = 'tb' AND e.status IN ('active', 'exited')
              AND r.merged_into_id IS NULL AND e.enrolled_on BETWEEN %(s)s AND %(e)s
              AND (r.record_status = 'active' OR r.status_date >= e.enrolled_on)""",
        "tb_regular_medication": """
            SELECT COUNT(*) FILTER (WHERE e.tb_doses_planned > 0
                                      AND e.tb_doses_taken * 1000 >= e.tb_doses_planned * 900),
                   COUNT(*)
            FROM programmes_enrolment e JOIN residents_resident r ON r.id = e.resident_id
            WHERE e.programme = 'tb' AND e.status = 'exited'
              AND e.exit_reason IN ('treatment_completed', 'cured')
              AND r.merged_into_id IS NULL AND e.exited_on BETWEEN %(s)s AND %(e)s
              AND (r.record_status = 'active' OR r.status_date >= e.exited_on)""",
    }


# --- Measuring --------------------------------------------------------------------------------


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def measure(year: int, runs: int) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    django.setup()
    from django.db import connection, transaction

    from jiceng.dates import years_before
    from programmes.indicators import DEFAULTS, INDICATORS, LEVELS, Level, compute, parse_period
    from programmes.models import Enrolment, Visit
    from residents.models import Resident

    if not Enrolment.objects.exists():
        raise SystemExit("no programme enrolments here: generate the county with this version")
    period = parse_period(str(year))
    print(
        f"{connection.vendor}: {Resident.objects.count():,} residents, "
        f"{Enrolment.objects.count():,} enrolments, {Visit.objects.count():,} visits; "
        f"period {period.label}, median of {runs} runs after a warm-up",
        flush=True,
    )
    parameters: dict[str, Any] = {
        "s": period.start,
        "e": period.end,
        "completeness": DEFAULTS.record_min_completeness,
        "child_born_after": years_before(period.start, 7),
        "elderly_born_by": years_before(period.end, DEFAULTS.elderly_age),
    }
    floors = floor_queries(connection.vendor)

    def floor(code: str) -> tuple[int, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL jit = off")  # as compute() does: the same footing
            cursor.execute(floors[code], parameters)
            numerator, denominator = cursor.fetchone()
        return int(numerator or 0), int(denominator or 0)

    def ours(code: str) -> tuple[int, int]:
        [result] = compute(period, Level.COUNTY, codes=[code])
        return result.rows[0].numerator, result.rows[0].denominator

    ours_ms: dict[str, list[float]] = {i.code: [] for i in INDICATORS}
    floor_ms: dict[str, list[float]] = {i.code: [] for i in INDICATORS}
    full_ms: list[float] = []
    answers: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}
    for run in range(runs + 1):
        for indicator in INDICATORS:
            ours_time, ours_value = _timed(partial(ours, indicator.code))
            floor_time, floor_value = _timed(partial(floor, indicator.code))
            answers[indicator.code] = (ours_value, floor_value)
            if run:
                ours_ms[indicator.code].append(ours_time)
                floor_ms[indicator.code].append(floor_time)
        full_time, _results = _timed(lambda: compute(period, Level.COUNTY))
        if run:
            full_ms.append(full_time)

    mismatches = 0
    print(f"\n{'indicator':<30} {'ours ms':>9} {'floor ms':>9} {'ratio':>6}  numbers")
    for indicator in INDICATORS:
        mine = statistics.median(ours_ms[indicator.code])
        best = statistics.median(floor_ms[indicator.code])
        (numerator, denominator), expected = answers[indicator.code]
        same = (numerator, denominator) == expected
        mismatches += not same
        verdict = "same" if same else f"MISMATCH: floor {expected[0]:,}/{expected[1]:,}"
        ratio = mine / best if best else float("inf")
        print(
            f"{indicator.code:<30} {mine:9.1f} {best:9.1f} {ratio:5.2f}{'' if ratio <= TARGET_RATIO else '!'}"
            f"  {numerator:,}/{denominator:,} {verdict}"
        )
    total_floor = sum(statistics.median(values) for values in floor_ms.values())
    full = statistics.median(full_ms)
    print(
        f"\nfull set, county: {full:,.0f} ms (sum of floors {total_floor:,.0f} ms, ratio "
        f"{full / total_floor:.2f}); target ≤ {TARGET_SECONDS:.0f} s: "
        f"{'within' if full <= TARGET_SECONDS * 1000 else 'OVER'}"
    )
    for level in LEVELS:
        if level == Level.COUNTY:
            continue
        timings = [_timed(partial(compute, period, level))[0] for _ in range(runs)]
        print(f"full set, {level}: {statistics.median(timings):,.0f} ms")
    return 1 if mismatches else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a JICENG_DATA_DIR holding a generated county (SQLite)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        environment = dict(os.environ)
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
            env=environment,
            check=True,
        )
        check = "from residents.models import Resident; print(Resident.objects.exists())"
        found = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", check],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        if found.stdout.strip().splitlines()[-1:] != ["True"]:  # after the auto-import notice
            generate(environment)
        return measure(arguments.year, arguments.runs)
    if arguments.data_dir:
        os.environ["JICENG_DATA_DIR"] = arguments.data_dir
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
            env=dict(os.environ),
            check=True,
        )
        return measure(arguments.year, arguments.runs)
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        print(f"generating a county into {directory} …", file=sys.stderr)
        environment = {**os.environ, "JICENG_DATA_DIR": directory}
        generate(environment)
        os.environ["JICENG_DATA_DIR"] = directory
        return measure(arguments.year, arguments.runs)


if __name__ == "__main__":
    sys.exit(main())
