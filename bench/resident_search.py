"""Time the resident search box on a county-size database (PH-1, IT-4): p95 ≤ 50 ms.

Uses ``--data-dir`` (a ``JICENG_DATA_DIR`` holding a generated county), or generates
``--size county --seed 1`` into a temporary directory first. For a county-wide user (the county
health commission's demo login) and a village doctor, it draws ``--runs`` queries of each kind from
residents in that user's scope, then times each through the page's code path: the scoped search
(``residents.search.search_residents``, which writes the audit entry), the count and the first page
of 50 rows with village and township, materialised. Prints p50/p95/max per kind and user, and
with ``--explain`` the SQLite query plan of one query per kind. Informational: never fails on time.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
PAGE_SIZE = 50
KINDS: dict[str, Callable[[Any], str]] = {
    "name (hanzi prefix)": lambda r: r.name[:2],
    "full name (hanzi)": lambda r: r.name,
    "pinyin initials": lambda r: r.name_initials,
    "full pinyin prefix": lambda r: r.name_pinyin[: max(4, len(r.name_pinyin) - 2)],
    "ID number (18)": lambda r: r.citizen_id,
    "phone": lambda r: r.phone,
    "phone, last 4 digits": lambda r: r.phone[-4:],
    "household number": lambda r: r.household.number,
}


def generate(directory: str) -> None:
    environment = {**os.environ, "JICENG_DATA_DIR": directory}
    environment.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=environment, check=True)
    subprocess.run(
        [*manage, "generate", "--size", "county", "--seed", "1"],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(runs: int, seed: int, explain: bool) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    django.setup()

    from django.core.paginator import Paginator
    from django.db.models import Q

    from accounts import scope
    from accounts.models import Role, User
    from residents.search import search_residents

    users = {
        "county": User.objects.filter(role=Role.COUNTY_HEALTH).order_by("pk").first(),
        "village doctor": User.objects.filter(role=Role.VILLAGE_DOCTOR).order_by("pk").first(),
    }
    rng = random.Random(seed)
    print(f"{'user':<15} {'kind':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'rows':>7}  ok")
    for label, user in users.items():
        if user is None:
            print(f"{label}: no such demo user in this database", file=sys.stderr)
            continue
        in_scope = scope.residents_in_scope(user).filter(
            ~Q(phone=""), household__isnull=False, record_status="active"
        )
        ids = list(in_scope.values_list("pk", flat=True))
        sample = list(
            in_scope.filter(pk__in=[rng.choice(ids) for _ in range(runs)]).select_related(
                "household"
            )
        )
        samples = [rng.choice(sample) for _ in range(runs)]
        for kind, query_of in KINDS.items():
            timings: list[float] = []
            rows = 0
            for resident in samples:
                query = query_of(resident)
                started = time.perf_counter()
                residents = search_residents(
                    user, request=None, purpose="bench", query=query
                ).select_related("village__parent")
                page = Paginator(residents, PAGE_SIZE).get_page(1)
                materialised = list(page.object_list)
                rows += page.paginator.count
                timings.append((time.perf_counter() - started) * 1000)
                if (
                    not any(r.pk == resident.pk for r in materialised)
                    and page.paginator.count <= 50
                ):
                    raise SystemExit(f"{kind} {query!r} did not find resident {resident.pk}")
            p95 = percentile(timings, 0.95)
            print(
                f"{label:<15} {kind:<22} {statistics.median(timings):8.1f} {p95:8.1f} "
                f"{max(timings):8.1f} {rows / len(timings):7.0f}  "
                f"{'yes' if p95 <= TARGET_MS else 'NO'}"
            )
            if explain:
                plan = search_residents(
                    user, request=None, purpose="bench", query=query_of(samples[0])
                ).explain()
                print("    " + plan.replace("\n", "\n    "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a JICENG_DATA_DIR holding a generated county")
    parser.add_argument("--runs", type=int, default=200, help="queries per kind and user")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print one query plan per kind")
    arguments = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    if arguments.data_dir:
        os.environ["JICENG_DATA_DIR"] = arguments.data_dir
        run(arguments.runs, arguments.seed, arguments.explain)
        return
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        print(f"generating a county into {directory} …", file=sys.stderr)
        generate(directory)
        os.environ["JICENG_DATA_DIR"] = directory
        run(arguments.runs, arguments.seed, arguments.explain)


if __name__ == "__main__":
    main()
