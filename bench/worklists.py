"""Time the work lists (PH-3) on a county-size database, each against its floor.

Uses ``--data-dir`` (a ``JICENG_DATA_DIR`` holding a generated county) or, with ``DATABASE_URL``
set, that PostgreSQL database; otherwise it generates ``--size county --seed 1`` into a temporary
SQLite directory first (with ``--generate``, into the ``DATABASE_URL`` database too). Then:

1. **every work list of the county at once**: the rows of every bucket for every village, as the
   county health commission's scope reaches them (``programmes.worklists.table``: the rows the
   Excel export writes, as values), against one hand-written SQL statement returning the same
   (enrolment, bucket) rows in the same order — the floor;
2. **one village doctor's work list page**: ``GET /programmes/worklist/`` through the whole Django
   stack (session, scope, audit entry, counts, the first page of 50, template) for a village doctor
   of ``--villages`` villages drawn at random, ``--runs`` requests, against the single SQL that
   returns that village's bucketed rows;
3. **the supervisors' counts**: per village for the whole county, against one ``GROUP BY``.

It prints medians, p95 and the ratio to the floor, and checks that ours and the floor return the
same rows. Informational: it never fails on time.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from county import ROOT, generate, percentile  # bench/county.py, beside this script

PAGE_TARGET_MS = 100.0
ALL_TARGET_S = 5.0


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    timings: list[float] = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return timings, result


FLOOR_SQL = """
SELECT e.id,
  CASE
    WHEN e.status = 'proposed' THEN 'newly_eligible'
    WHEN e.status = 'active' AND ({lost}) THEN 'lost'
    WHEN e.status = 'active' AND e.window_end < %(today)s THEN 'overdue'
    WHEN e.status = 'active' AND e.window_end >= %(today)s AND e.next_due_on <= %(today)s
      THEN 'due_today'
    WHEN e.status = 'active' AND e.window_end >= %(today)s AND e.next_due_on > %(today)s
      AND e.next_due_on <= %(week)s THEN 'due_this_week'
  END AS bucket,
  r.name, r.phone, r.citizen_id, v.name, e.next_contact, e.next_due_on, e.window_end, s.name
FROM programmes_enrolment e
JOIN residents_resident r ON r.id = e.resident_id
JOIN divisions_division v ON v.id = r.village_id
LEFT JOIN workforce_staff s ON s.id = e.doctor_id
WHERE (e.status = 'proposed' OR (e.status = 'active' AND e.next_due_on <= %(week)s))
  AND (r.record_status = 'active' OR r.status_date > %(today)s)
  AND r.merged_into_id IS NULL {village}
ORDER BY e.next_due_on, v.code, r.name, e.id
"""

FLOOR_COUNTS_SQL = """
SELECT r.village_id, bucket, COUNT(*) FROM (
  SELECT e.resident_id,
    CASE
      WHEN e.status = 'proposed' THEN 'newly_eligible'
      WHEN e.status = 'active' AND ({lost}) THEN 'lost'
      WHEN e.status = 'active' AND e.window_end < %(today)s THEN 'overdue'
      WHEN e.status = 'active' AND e.next_due_on <= %(today)s THEN 'due_today'
      WHEN e.status = 'active' AND e.next_due_on <= %(week)s THEN 'due_this_week'
    END AS bucket
  FROM programmes_enrolment e
  WHERE e.status = 'proposed' OR (e.status = 'active' AND e.next_due_on <= %(week)s)
) b
JOIN residents_resident r ON r.id = b.resident_id
WHERE (r.record_status = 'active' OR r.status_date > %(today)s) AND r.merged_into_id IS NULL
GROUP BY r.village_id, bucket
"""


def floor_parameters(today: date) -> tuple[str, dict[str, Any]]:
    from programmes.models import Programme
    from programmes.rules import lost_after_days

    parameters: dict[str, Any] = {"today": today, "week": today + timedelta(days=6)}
    lost = []
    for programme in Programme.values:
        parameters[f"lost_{programme}"] = today - timedelta(days=lost_after_days(programme))
        lost.append(f"(e.programme = '{programme}' AND e.window_end < %(lost_{programme})s)")
    return " OR ".join(lost), parameters


def floor_rows(today: date, village_id: int | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    lost, parameters = floor_parameters(today)
    village = ""
    if village_id is not None:
        village = "AND r.village_id = %(village)s"
        parameters["village"] = village_id
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL.format(lost=lost, village=village), parameters)
        return list(cursor.fetchall())


def floor_counts(today: date) -> list[tuple[Any, ...]]:
    from django.db import connection

    lost, parameters = floor_parameters(today)
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_COUNTS_SQL.format(lost=lost), parameters)
        return list(cursor.fetchall())


def report(label: str, ours: list[float], floor: list[float], unit: str = "s") -> None:
    scale = 1000.0 if unit == "ms" else 1.0
    ours_median, floor_median = statistics.median(ours), statistics.median(floor)
    print(
        f"{label:<38} ours {ours_median * scale:9.3f} {unit} (p95 {percentile(ours, 0.95) * scale:9.3f})"
        f"   floor {floor_median * scale:9.3f} {unit} (p95 {percentile(floor, 0.95) * scale:9.3f})"
        f"   ratio {ours_median / floor_median:5.2f}×"
    )


def run(runs: int, page_runs: int, villages: int, seed: int, today: date | None) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    django.setup()

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, User
    from institutions.models import Institution
    from programmes import access, worklists
    from programmes.models import Enrolment
    from programmes.worklists import Filters

    day = today or timezone.localdate()  # the demo county is generated as of today
    print(
        f"{connection.vendor}: {Enrolment.objects.count():,} enrolments, day {day.isoformat()}",
        flush=True,
    )
    county_user = User.objects.filter(role=Role.COUNTY_HEALTH).order_by("pk").first()
    assert county_user is not None, "no county health commission user: generate with demo users"

    def every_list() -> list[tuple[Any, ...]]:
        return worklists.table(access.enrolments_in_scope(county_user), day, Filters())

    ours_times, ours_rows = timed(every_list, runs)
    floor_times, floor_result = timed(lambda: floor_rows(day), runs)
    same = [(row[0], row[1]) for row in ours_rows] == [(r[0], r[1]) for r in floor_result]
    print(
        f"every work list of the county: {len(ours_rows):,} rows {dict(Counter(r[1] for r in ours_rows))}"
    )
    report("every work list at once", ours_times, floor_times)
    print(
        f"  same rows as the floor: {'yes' if same else 'NO'};  target ≤ {ALL_TARGET_S} s: "
        f"{'yes' if statistics.median(ours_times) <= ALL_TARGET_S else 'NO'}"
    )

    def ours_counts() -> list[worklists.CountRow]:
        return worklists.counts_by(access.enrolments_in_scope(county_user), day, "village")

    count_times, count_rows = timed(ours_counts, runs)
    floor_count_times, floor_count_rows = timed(lambda: floor_counts(day), runs)
    ours_cells = {(row.key, b): n for row in count_rows for b, n in row.counts.items() if n}
    floor_cells = {(v, b): n for v, b, n in floor_count_rows if b is not None}
    report("counts per village (supervisors)", count_times, floor_count_times)
    print(f"  same counts as the floor: {'yes' if ours_cells == floor_cells else 'NO'}")

    rng = random.Random(seed)
    clinics = list(
        Institution.objects.filter(type=Institution.Type.VILLAGE_CLINIC).select_related("division")
    )
    chosen = rng.sample(clinics, min(villages, len(clinics)))
    users = [
        User.objects.create_user(
            username=f"bench_worklist_{index}",
            password=None,
            role=Role.VILLAGE_DOCTOR,
            institution=clinic,
            division=clinic.division,
        )
        for index, clinic in enumerate(chosen)
    ]
    try:
        clients = []
        for user in users:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            clients.append((user, client))
        page_times: list[float] = []
        query_times: list[float] = []
        floor_page_times: list[float] = []
        sizes: list[int] = []
        for index in range(page_runs):
            user, client = clients[index % len(clients)]
            started = time.perf_counter()
            response = client.get("/programmes/worklist/", {"date": day.isoformat()})
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            mine = access.enrolments_in_scope(user)
            started = time.perf_counter()
            sizes.append(sum(worklists.counts(mine, day).values()))
            list(worklists.items(mine, day, Filters())[:50])
            query_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            floor_result = floor_rows(day, user.division_id)
            floor_page_times.append(time.perf_counter() - started)
            if len(floor_result) != sizes[-1]:
                print(
                    f"  MISMATCH for village {user.division_id}: page {sizes[-1]}, floor {len(floor_result)}"
                )
        print(
            f"village doctors' pages: {len(users)} villages, {statistics.median(sizes):.0f} people listed (median)"
        )
        report("one village doctor's work list page", page_times, floor_page_times, "ms")
        report("  of which its queries (counts, page)", query_times, floor_page_times, "ms")
        p95 = percentile(page_times, 0.95) * 1000
        print(
            f"  p95 {p95:.1f} ms; target ≤ {PAGE_TARGET_MS:.0f} ms: {'yes' if p95 <= PAGE_TARGET_MS else 'NO'}"
        )
    finally:
        User.objects.filter(username__startswith="bench_worklist_").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a JICENG_DATA_DIR holding a generated county")
    parser.add_argument("--generate", action="store_true", help="generate into DATABASE_URL first")
    parser.add_argument("--runs", type=int, default=5, help="runs of the county-wide measures")
    parser.add_argument("--page-runs", type=int, default=200, help="page requests")
    parser.add_argument("--villages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", type=date.fromisoformat, help="the day (default: today)")
    arguments = parser.parse_args()

    def measure() -> None:
        run(arguments.runs, arguments.page_runs, arguments.villages, arguments.seed, arguments.date)

    if os.environ.get("DATABASE_URL"):
        if arguments.generate:
            generate(dict(os.environ))
        measure()
        return
    if arguments.data_dir:
        os.environ["JICENG_DATA_DIR"] = arguments.data_dir
        measure()
        return
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        environment = {**os.environ, "JICENG_DATA_DIR": directory}
        print(f"generating a county into {directory} …", file=sys.stderr)
        generate(environment)
        os.environ["JICENG_DATA_DIR"] = directory
        measure()


if __name__ == "__main__":
    main()
