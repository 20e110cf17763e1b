"""Time `manage.py generate --size county --seed 1` into a fresh SQLite database.

Each run migrates an empty database in a new temporary directory (``JICENG_DATA_DIR``), then
times the generate command in a subprocess. Prints each run, the median elapsed seconds, the
database size and the row counts. Informational only: it never fails on time.
"""

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120
TABLES = {
    "divisions": "divisions_division",
    "institutions": "institutions_institution",
    "staff": "workforce_staff",
    "households": "residents_household",
    "residents": "residents_resident",
    "users": "accounts_user",
    "vaccinations": "immunization_vaccination",
    "time slots": "immunization_timeslot",
}


@dataclass(frozen=True)
class Run:
    seconds: float
    megabytes: float
    counts: dict[str, int]


def run_once(size: str, seed: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as directory:
        environment = {**os.environ, "JICENG_DATA_DIR": directory}
        environment.pop("DATABASE_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=environment, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "generate", "--size", size, "--seed", str(seed)],
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        files = Path(directory).glob("jiceng.sqlite3*")  # the database and any WAL left over
        megabytes = sum(path.stat().st_size for path in files) / 1_000_000
        with closing(sqlite3.connect(Path(directory) / "jiceng.sqlite3")) as connection:
            counts = {
                label: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for label, table in TABLES.items()
            }
    return Run(seconds, megabytes, counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--size", choices=("small", "county"), default="county")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    runs: list[Run] = []
    for number in range(1, arguments.runs + 1):
        run = run_once(arguments.size, arguments.seed)
        runs.append(run)
        print(f"run {number}: {run.seconds:.1f} s", flush=True)
    median = statistics.median(run.seconds for run in runs)
    last = runs[-1]
    print(f"\ngenerate --size {arguments.size} --seed {arguments.seed}, SQLite")
    print(f"  elapsed (median of {len(runs)}): {median:.1f} s")
    if arguments.size == "county":
        verdict = "within" if median <= TARGET_SECONDS else "OVER"
        print(f"  target ≤ {TARGET_SECONDS} s: {verdict}")
    print(f"  database size: {last.megabytes:.1f} MB")
    for label, count in last.counts.items():
        print(f"  {label:<13} {count:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
