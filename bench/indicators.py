"""Time the programme indicators (PH-2, §5) on a county-size database against a SQL floor.

The database: SQLite under ``--data-dir`` (a ``JICENG_DATA_DIR`` holding ``generate --size county
--seed 1``; generated into a temporary directory when not given), or the PostgreSQL database that
``DATABASE_URL`` names (migrated, and generated into if it holds no residents). If it has no
programme enrolments yet, a seeded synthetic year of them is added first (hypertension, diabetes,
severe mental disorders, the elderly, children, mothers, tuberculosis, with their visits) and kept,
so the next run reuses it.

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
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
TARGET_RATIO = 2.0
BATCH = 5_000


def generate(environment: dict[str, str]) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=environment, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate", "--size", "county", "--seed", "1"],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"generated the county in {time.perf_counter() - started:.1f} s", flush=True)


# --- A synthetic year of programme data -------------------------------------------------------


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


CHILD_CONTACTS = (
    ("newborn", 5), ("m1", 30), ("m3", 91), ("m6", 182), ("m8", 243), ("m12", 365),
    ("m18", 548), ("m24", 730), ("m30", 913), ("m36", 1095), ("y4", 1461), ("y5", 1826),
    ("y6", 2191),
)  # fmt: skip


def synthesise(year: int, seed: int) -> None:
    """Enrolments and visits for every programme, about as often as a county has them."""
    from django.db import transaction

    from institutions.models import Institution
    from programmes.models import Enrolment, Visit
    from residents.models import Resident

    rng = random.Random(seed)
    start, end = date(year, 1, 1), date(year, 12, 31)
    served = Institution.served_divisions.through.objects.filter(
        division__level="township", institution__type__in=("thc", "chsc")
    ).values_list("division_id", "institution_id")
    centre_of_township: dict[int | None, int] = dict(served)
    people = (
        Resident.objects.filter(merged_into__isnull=True, record_status="active")
        .order_by("pk")
        .values_list("pk", "birth_date", "sex", "village__parent_id")
    )
    enrolments: list[Enrolment] = []
    planned: list[list[tuple[Any, ...]]] = []  # visits of enrolments[i]: (contact, day, fields)

    def enrol(
        resident: int, township: int | None, programme: str, on: date, **fields: Any
    ) -> list[Any]:
        enrolments.append(
            Enrolment(
                resident_id=resident,
                programme=programme,
                status=fields.pop("status", "active"),
                proposed_on=on,
                enrolled_on=on,
                institution_id=centre_of_township.get(township),
                reason_detail="bench",
                **fields,
            )
        )
        visits: list[tuple[Any, ...]] = []
        planned.append(visits)
        return visits

    def followups(
        visits: list[Any], since: date, until: date, make: Callable[[], dict[str, Any]]
    ) -> None:
        count = rng.choices((0, 1, 2, 3, 4, 5), weights=(8, 7, 10, 15, 45, 15))[0]
        days = sorted(_day(rng, since, until) for _ in range(count))
        for index, day in enumerate(days):
            last = index == len(days) - 1
            contact = "annual_check" if last and rng.random() < 0.3 else "followup"
            visits.append((contact, day, make() if rng.random() > 0.08 else {}))

    def blood_pressure() -> dict[str, Any]:
        sbp = max(90, min(220, round(rng.gauss(138, 15))))
        return {"sbp": sbp, "dbp": max(50, min(sbp - 20, round(rng.gauss(84, 10))))}

    def glucose() -> dict[str, Any]:
        return {"fpg_mmol_l": round(max(3.0, min(25.0, rng.gauss(7.0, 1.6))), 1)}

    for resident, born, sex, township in people.iterator(chunk_size=10_000):
        age = _age(born, end)
        for programme, chance, make in (
            ("hypertension", min(0.35, 0.04 + 0.004 * (age - 35)), blood_pressure),
            ("diabetes", min(0.15, 0.02 + 0.002 * (age - 35)), glucose),
        ):
            if age >= 35 and rng.random() < chance:
                on = _day(rng, date(2012, 1, 1), date(year, 11, 30))
                until, fields = end, {}
                if rng.random() < 0.05:
                    until = _day(rng, start, end)
                    fields = {"status": "exited", "exited_on": until, "exit_reason": "other"}
                visits = enrol(resident, township, programme, on, **fields)
                followups(visits, max(on, start), until, make)
        if age >= 18 and rng.random() < 0.005:
            visits = enrol(resident, township, "smd", _day(rng, date(2015, 1, 1), end))
            followups(visits, max(enrolments[-1].enrolled_on or start, start), end, dict)
        if age >= 65 and rng.random() < 0.9:
            visits = enrol(resident, township, "elderly", _day(rng, date(2015, 1, 1), end))
            if rng.random() < 0.7:
                visits.append(("annual_check", _day(rng, start, end), blood_pressure()))
        if born > date(year - 7, 1, 1):
            visits = enrol(resident, township, "child", born)
            for contact, offset in CHILD_CONTACTS:
                due = born + timedelta(days=offset)
                if start <= due <= end + timedelta(days=10) and rng.random() < 0.85:
                    visits.append((contact, due + timedelta(days=rng.randint(0, 10)), {}))
        if sex == "female" and 20 <= age <= 40 and rng.random() < 0.012:
            delivered = _day(rng, start, end)
            lmp = delivered - timedelta(days=280 + rng.randint(-10, 10))
            registered = lmp + timedelta(days=rng.randint(40, 110))
            discharged = delivered + timedelta(days=rng.randint(1, 5))
            ended = delivered + timedelta(days=42)
            visits = enrol(
                resident,
                township,
                "maternal",
                registered,
                status="exited" if ended <= end else "active",
                exited_on=ended if ended <= end else None,
                exit_reason="episode_ended" if ended <= end else "",
                lmp_date=lmp,
                delivery_date=delivered,
                discharge_date=discharged if rng.random() < 0.85 else None,
            )
            visits.append(("antenatal_1", registered, {}))
            for number, week in ((2, 18), (3, 23), (4, 32), (5, 38)):
                if rng.random() < 0.9:
                    visits.append((f"antenatal_{number}", lmp + timedelta(weeks=week), {}))
            if rng.random() < 0.85:
                visits.append(("postpartum", discharged + timedelta(days=rng.randint(1, 35)), {}))
            if rng.random() < 0.7:
                visits.append(("day42", ended, {}))
        if age >= 15 and rng.random() < 0.0006:
            on = _day(rng, date(year - 1, 7, 1), end)
            fields = {"tb_doses_planned": 180}
            if on + timedelta(days=180) <= end:
                fields.update(
                    status="exited",
                    exited_on=on + timedelta(days=180),
                    exit_reason=rng.choices(
                        ("treatment_completed", "cured", "other"), weights=(70, 25, 5)
                    )[0],
                    tb_doses_taken=rng.randint(140, 180),
                )
            visits = enrol(resident, township, "tb", on, **fields)
            if rng.random() < 0.9:
                visits.append(("first_home", on + timedelta(days=rng.randint(0, 6)), {}))
            for month in range(1, 7):
                visits.append(("tb_visit", on + timedelta(days=30 * month), {}))

    with transaction.atomic():
        created = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        rows = [
            Visit(
                enrolment_id=enrolment.pk,
                resident_id=enrolment.resident_id,
                programme=enrolment.programme,
                contact=contact,
                date=day,
                **fields,
            )
            for enrolment, visits in zip(created, planned, strict=True)
            for contact, day, fields in visits
        ]
        Visit.objects.bulk_create(rows, batch_size=BATCH)
    print(f"added {len(created):,} enrolments and {len(rows):,} visits for {year}", flush=True)


# --- The floor: one hand-written SQL query per indicator ---------------------------------------


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


def measure(year: int, runs: int, seed: int) -> int:
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
        synthesise(year, seed)
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
    parser.add_argument("--seed", type=int, default=1, help="of the synthetic programme data")
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
        return measure(arguments.year, arguments.runs, arguments.seed)
    if arguments.data_dir:
        os.environ["JICENG_DATA_DIR"] = arguments.data_dir
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
            env=dict(os.environ),
            check=True,
        )
        return measure(arguments.year, arguments.runs, arguments.seed)
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        print(f"generating a county into {directory} …", file=sys.stderr)
        environment = {**os.environ, "JICENG_DATA_DIR": directory}
        generate(environment)
        os.environ["JICENG_DATA_DIR"] = directory
        return measure(arguments.year, arguments.runs, arguments.seed)


if __name__ == "__main__":
    sys.exit(main())
