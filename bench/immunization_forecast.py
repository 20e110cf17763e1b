"""Time ``immunization.rules.forecast`` over synthetic children (PH-4; immunization-schedule.md).

Draws children aged 0–7 years on a fixed day, with dose histories that follow the schedule with
growing delays, stopped series and a few doses given too early, all from a seeded generator (the same children on
every run). Times the forecast of every child, reports the median of the runs in children per
second and the projected time for a county's children aged 0–6. Informational only: it never
fails on time.
"""

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from immunization.forecasts import MotherHbsag, ReceivedDose
from immunization.rules import forecast
from immunization.schedule_types import Schedule
from immunization.schedules import SCHEDULES

AS_OF = date(2026, 6, 30)
COUNTY_CHILDREN = 35_000
MOTHERS: tuple[MotherHbsag, ...] = ("negative", "positive", "unknown")


@dataclass(frozen=True)
class Child:
    birth_date: date
    doses: tuple[ReceivedDose, ...]
    je_product: str
    hepa_product: str
    mother_hbsag: MotherHbsag
    birth_weight_g: int


def _history(schedule: Schedule, draw: random.Random, child: Child) -> tuple[ReceivedDose, ...]:
    """Visits on the schedule's ages, late by a lag that grows from visit to visit (doses due at
    one age share a day); a series sometimes stops, and about 2 % of doses come a few days early."""
    cohort = schedule.catch_up.polio_cohort_born_on
    rules = sorted(
        (
            (rule, series.code)
            for series in schedule.series
            if not series.alternative_group or series.code in (child.je_product, child.hepa_product)
            for rule in series.doses
        ),
        key=lambda pair: pair[0].recommended_age.after(child.birth_date),
    )
    lags: dict[date, int] = {}
    stopped: set[str] = set()
    last_given: dict[str, date] = {}
    received = []
    for rule, series_code in rules:
        due_on = rule.recommended_age.after(child.birth_date)
        if due_on not in lags:
            lags[due_on] = max(lags.values(), default=0) + draw.choice((0, 0, 0, 3, 7, 14, 30, 90))
        if series_code in stopped or draw.random() < 0.04:
            stopped.add(series_code)
            continue
        given_on = due_on + timedelta(days=lags[due_on])
        previous = last_given.get(series_code)
        for interval in rule.intervals:
            if previous is not None and interval.back == 1 and interval.after_vaccine is None:
                given_on = max(given_on, interval.minimum.after(previous))
        if draw.random() < 0.02:
            given_on -= timedelta(days=draw.randint(1, 10))
        if given_on > AS_OF:
            continue
        vaccine = rule.vaccine
        if series_code == "Polio":
            is_ipv = rule.position == 1 or (rule.position == 2 and child.birth_date >= cohort)
            vaccine = "IPV" if is_ipv else "bOPV"
        last_given[series_code] = max(given_on, child.birth_date)
        received.append(ReceivedDose(vaccine, last_given[series_code]))
    return tuple(received)


def children(schedule: Schedule, count: int, seed: int) -> list[Child]:
    draw = random.Random(seed)
    drawn = []
    for _ in range(count):
        birth_date = AS_OF - timedelta(days=draw.randint(0, 7 * 365))
        child = Child(
            birth_date,
            (),
            "JE-L" if draw.random() < 0.85 else "JE-I",
            "HepA-L" if draw.random() < 0.85 else "HepA-I",
            draw.choices(MOTHERS, (0.95, 0.03, 0.02))[0],
            int(draw.gauss(3300, 500)),
        )
        drawn.append(replace(child, doses=_history(schedule, draw, child)))
    return drawn


def forecast_all(schedule: Schedule, drawn: list[Child]) -> Counter[str]:
    statuses: Counter[str] = Counter()
    for child in drawn:
        result = forecast(
            schedule,
            child.birth_date,
            AS_OF,
            child.doses,
            child.je_product,
            child.hepa_product,
            child.mother_hbsag,
            child.birth_weight_g,
        )
        statuses["with a dose due now"] += bool(result.due_now)
        statuses["invalid doses"] += len(result.invalid_doses)
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--schedule", choices=sorted(SCHEDULES), default="NIP-2021")
    args = parser.parse_args()
    schedule = SCHEDULES[args.schedule]
    drawn = children(schedule, args.children, args.seed)
    doses = sum(len(child.doses) for child in drawn)
    print(
        f"{len(drawn):,} children aged 0–7 on {AS_OF}, {doses:,} doses received, {schedule.version}"
    )
    seconds = []
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        statuses = forecast_all(schedule, drawn)
        seconds.append(time.perf_counter() - started)
        print(f"run {run}: {seconds[-1]:.2f} s")
    median = statistics.median(seconds)
    rate = len(drawn) / median
    print(f"median {median:.2f} s: {rate:,.0f} children/s, {1000 / rate:.2f} ms per child")
    print(
        f"projected for a county's {COUNTY_CHILDREN:,} children aged 0–6: {COUNTY_CHILDREN / rate:.1f} s"
    )
    print(", ".join(f"{label}: {count:,}" for label, count in statuses.items()))


if __name__ == "__main__":
    main()
