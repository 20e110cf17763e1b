"""What the benchmarks share: generating the county-size demo into a database, percentiles."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(environment: dict[str, str]) -> None:
    """Migrate, then ``generate --size county --seed 1`` into the database ``environment`` names
    (``JICENG_DATA_DIR`` for SQLite, or ``DATABASE_URL``)."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=environment, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate", "--size", "county", "--seed", "1"],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"generated the county in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
