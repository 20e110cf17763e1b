"""Time the supervision checks (SUP-7) on a county-size database.

Generates ``--size county`` (≈ 500,000 residents, 1,300 staff, 312 institutions) into a temporary
SQLite directory unless ``--data-dir`` names one that already holds a generated county, then runs
every rule of each pack ``--runs`` times in process and prints, per rule, the median time, and the
median for the whole pack (what the dashboard computes on each visit). Informational only: it
never fails on time.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKS = ("cn/shanxi/jincheng", "cn/shandong/weihai/wendeng")


def _generate(directory: str) -> None:
    environment = {**os.environ, "JICENG_DATA_DIR": directory}
    environment.pop("DATABASE_URL", None)
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


def _measure(runs: int) -> None:
    import django

    django.setup()
    from supervision.catalogue import RULES
    from supervision.checks.common import Context
    from supervision.engine import run_rule, validate_pack
    from supervision.packs import load_pack, the_county
    from workforce.models import Staff

    county = the_county()
    assert county is not None
    print(f"county {county.name}: {county.population:,} residents, {Staff.objects.count():,} staff")
    context = Context(county=county, today=date.today())  # noqa: DTZ011 — local day is fine here
    for code in PACKS:
        pack = load_pack(code)
        validate_pack(pack)
        print(f"\n{code}: {len(pack.rules)} rules, median of {runs} runs")
        totals = []
        per_rule: dict[str, list[float]] = {rule: [] for rule in RULES if rule in pack.rules}
        for _ in range(runs):
            run_started = time.perf_counter()
            for rule_id in per_rule:
                started = time.perf_counter()
                result = run_rule(rule_id, pack, context)
                per_rule[rule_id].append(time.perf_counter() - started)
            totals.append(time.perf_counter() - run_started)
        for rule_id, seconds in per_rule.items():
            print(f"  {rule_id:<9} {statistics.median(seconds) * 1000:8.1f} ms")
        print(
            f"  whole pack {statistics.median(totals) * 1000:8.1f} ms  (last result: {result.id})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", help="a JICENG_DATA_DIR holding a generated county")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    sys.path.insert(0, str(ROOT))
    if arguments.data_dir:
        os.environ["JICENG_DATA_DIR"] = arguments.data_dir
        os.environ.pop("DATABASE_URL", None)
        _measure(arguments.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        _generate(directory)
        os.environ["JICENG_DATA_DIR"] = directory
        os.environ.pop("DATABASE_URL", None)
        _measure(arguments.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
