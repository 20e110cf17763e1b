"""Workforce rules as pure functions: dates and values in, results out (no ORM, no ``now()``)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# HR-12 (SXM-31): 15 consecutive or 25 cumulative years at township health centres.
CONSECUTIVE_YEARS = 15
CUMULATIVE_YEARS = 25
DAYS_PER_YEAR = 365.25

# HR-5 (SXI-15): every village doctor receives free training at least twice a year, two weeks
# in total.
TRAININGS_PER_YEAR = 2
TRAINING_DAYS_PER_YEAR = 14

Period = tuple[date, date | None]
"""A first and last day (inclusive); ``None`` as the last day means "still running"."""


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def merge_periods(periods: Iterable[Period], today: date) -> list[tuple[date, date]]:
    """Periods clipped to ``today`` and merged where they overlap or follow on the next day, so no
    day is counted twice and a move from one post to the next without a gap stays one run."""
    clipped = sorted((start, min(end or today, today)) for start, end in periods if start <= today)
    merged: list[tuple[date, date]] = []
    for start, end in clipped:
        if end < start:
            continue
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class GrassrootsService:
    """Years at township health centres (HR-12)."""

    longest_run_days: int
    cumulative_days: int
    longest_run_start: date | None
    longest_run_end: date | None
    consecutive_met: bool
    cumulative_met: bool

    @property
    def longest_run_years(self) -> float:
        return round(self.longest_run_days / DAYS_PER_YEAR, 1)

    @property
    def cumulative_years(self) -> float:
        return round(self.cumulative_days / DAYS_PER_YEAR, 1)

    @property
    def flagged(self) -> bool:
        """Flag for directed title evaluation (定向评价)."""
        return self.consecutive_met or self.cumulative_met


def township_service(
    periods: Iterable[Period],
    today: date,
    *,
    consecutive_years: int = CONSECUTIVE_YEARS,
    cumulative_years: int = CUMULATIVE_YEARS,
) -> GrassrootsService:
    """HR-12 (SXM-31): staff with 15 consecutive or 25 cumulative years at township health
    centres are flagged for directed title evaluation.

    ``periods`` are the person's posts at THCs and THC branches (any kind: home, or multi-site
    practice). Overlapping posts are not counted twice. A run is consecutive when each post
    starts no later than the day after the previous one ended; it meets the consecutive test
    when it reaches the same calendar day ``consecutive_years`` later. The cumulative test
    counts days: 25 years are ``floor(25 × 365.25)`` = 9,131 days.
    """
    runs = merge_periods(periods, today)
    lengths = [((end - start).days + 1, start, end) for start, end in runs]
    cumulative = sum(length for length, _, _ in lengths)
    consecutive_met = any(
        _add_years(start, consecutive_years) <= end + timedelta(days=1) for start, end in runs
    )
    longest = max(lengths, default=(0, None, None))
    return GrassrootsService(
        longest_run_days=longest[0],
        cumulative_days=cumulative,
        longest_run_start=longest[1],
        longest_run_end=longest[2],
        consecutive_met=consecutive_met,
        cumulative_met=cumulative >= int(cumulative_years * DAYS_PER_YEAR),
    )


@dataclass(frozen=True)
class TrainingYear:
    year: int
    count: int
    days: int

    @property
    def meets_hr5(self) -> bool:
        """HR-5 (SXI-15): at least twice a year, at least two weeks in total."""
        return self.count >= TRAININGS_PER_YEAR and self.days >= TRAINING_DAYS_PER_YEAR


def training_years(trainings: Iterable[tuple[date, date]]) -> list[TrainingYear]:
    """HR-5 (SXI-15): trainings and their days per calendar year, newest year first.

    A training belongs to the year it starts in; its days are inclusive (a one-day course is 1).
    """
    counts: dict[int, list[int]] = {}
    for start, end in trainings:
        entry = counts.setdefault(start.year, [0, 0])
        entry[0] += 1
        entry[1] += (end - start).days + 1
    return [
        TrainingYear(year=year, count=count, days=days)
        for year, (count, days) in sorted(counts.items(), reverse=True)
    ]


@dataclass(frozen=True)
class Obligation:
    """A directed-training (订单定向) graduate's service obligation (HR-1)."""

    ends_on: date
    days_remaining: int

    @property
    def ended(self) -> bool:
        return self.days_remaining <= 0


def obligation(ends_on: date | None, today: date) -> Obligation | None:
    """HR-1: days left of the service obligation (0 once it has ended); ``None`` without one.

    The end day itself is still within the obligation (1 day remaining on that day).
    """
    if ends_on is None:
        return None
    return Obligation(ends_on=ends_on, days_remaining=max((ends_on - today).days + 1, 0))
