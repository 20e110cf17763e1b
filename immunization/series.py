"""Walking one series: count the valid doses, then project the missing ones (PH-4; spec §2–§3).

A planner (``immunization.catch_up``) says which dose comes next, given the valid doses so far and
the day it would be given; this module checks doses against its minimum age and intervals
(earliest date = max(minimum age, earlier dose + interval, live-vaccine spacing), spec guidance)
and never restarts a series (§3): only the missing doses are added.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from immunization.ages import Age
from immunization.forecasts import DoseForecast, DoseStatus, InvalidDose, MotherHbsag, ReceivedDose
from immunization.schedule_types import DoseRule, Interval, Schedule, Series

# No series of the schedule has more doses than this; a planner that goes on is a bug.
MAX_DOSES_PER_SERIES = 8


@dataclass(frozen=True)
class Child:
    birth_date: date
    as_of: date
    mother_hbsag: MotherHbsag
    birth_weight_g: int | None
    products: frozenset[str]


@dataclass(frozen=True)
class SeriesContext:
    """What a planner may read; ``notes`` collects its remarks (duplicates are dropped later)."""

    schedule: Schedule
    series: Series
    child: Child
    received: tuple[ReceivedDose, ...]
    notes: list[str]


@dataclass(frozen=True)
class Placed:
    """A dose given (and valid) or projected, in series order."""

    rule: DoseRule
    vaccine: str
    name: str
    on: date
    earliest: date
    is_given: bool


@dataclass(frozen=True)
class Constraint:
    """A lower bound: ``limit`` after the birth date or, with ``anchor``, after an earlier dose.
    The reason is written only for the few doses that break it."""

    earliest: date
    limit: Age
    citation: str
    anchor: str | None = None
    anchor_on: date | None = None

    @property
    def reason(self) -> str:
        if self.anchor is None:
            return f"before the minimum age of {self.limit} ({self.citation})"
        return f"less than {self.limit} after {self.anchor} on {self.anchor_on} ({self.citation})"


Planner = Callable[[SeriesContext, Sequence[Placed], date, bool], DoseRule | None]


def _anchor(
    context: SeriesContext, interval: Interval, history: Sequence[Placed], on: date
) -> tuple[date, str] | None:
    if interval.after_vaccine is not None:
        earlier = [
            dose.given_on
            for dose in context.received
            if dose.vaccine == interval.after_vaccine and dose.given_on <= on
        ]
        return (max(earlier), f"the last {interval.after_vaccine}") if earlier else None
    if len(history) < interval.back:
        return None
    placed = history[-interval.back]
    return placed.on, placed.name


def constraints(
    context: SeriesContext,
    rule: DoseRule,
    vaccine: str,
    history: Sequence[Placed],
    on: date,
    *,
    with_live_spacing: bool,
) -> list[Constraint]:
    """Every lower bound on the date of the dose ``rule`` (§1 minimum age, §2 intervals)."""
    birth_date = context.child.birth_date
    found = [Constraint(rule.minimum_age.after(birth_date), rule.minimum_age, rule.citation)]
    for interval in rule.intervals:
        anchor = (
            _anchor(context, interval, history, on) if context.schedule.applies(interval) else None
        )
        if anchor is not None:
            found.append(
                Constraint(
                    interval.minimum.after(anchor[0]),
                    interval.minimum,
                    interval.citation,
                    anchor[1],
                    anchor[0],
                )
            )
    live = context.schedule.live_injectable
    if with_live_spacing and vaccine in live:
        spacing = context.schedule.catch_up.live_spacing
        for dose in context.received:
            # The same day is allowed; this is the projection, so every dose is in the past.
            if dose.vaccine != vaccine and dose.given_on < on and dose.vaccine in live:
                found.append(
                    Constraint(
                        spacing.minimum.after(dose.given_on),
                        spacing.minimum,
                        spacing.citation,
                        dose.vaccine,
                        dose.given_on,
                    )
                )
    return found


def _name(series: Series, rule: DoseRule, vaccine: str, history: Sequence[Placed]) -> str:
    if series.names_by_position:
        return f"{vaccine}-{rule.position}"
    return f"{vaccine}-{1 + sum(placed.vaccine == vaccine for placed in history)}"


def _count_valid(
    context: SeriesContext, planner: Planner, doses: Sequence[ReceivedDose]
) -> tuple[list[Placed], list[InvalidDose]]:
    history: list[Placed] = []
    invalid: list[InvalidDose] = []
    for dose in doses:
        rule = planner(context, history, dose.given_on, False)
        if rule is None:
            context.notes.append(
                f"{dose.vaccine} on {dose.given_on} is not counted: the series was already "
                f"complete ({context.series.citation})"
            )
            continue
        bounds = constraints(
            context, rule, dose.vaccine, history, dose.given_on, with_live_spacing=False
        )
        binding = max(bounds, key=lambda bound: bound.earliest)
        if dose.given_on < binding.earliest:
            invalid.append(
                InvalidDose(
                    dose.vaccine,
                    dose.given_on,
                    f"given {binding.reason}; valid from {binding.earliest}: repeat the dose",
                )
            )
            continue
        name = _name(context.series, rule, dose.vaccine, history)
        history.append(Placed(rule, dose.vaccine, name, dose.given_on, binding.earliest, True))
    return history, invalid


def _window_note(context: SeriesContext, placed: Placed, history: Sequence[Placed]) -> None:
    """A catch-up window (JE-I 7–10 days, DT 1–2 months) that has passed: go on, never restart."""
    birth_date, as_of = context.child.birth_date, context.child.as_of
    for interval in placed.rule.intervals:
        if interval.maximum is None or len(history) < interval.back:
            continue
        anchor = history[-interval.back]
        # Only when the earlier dose was given under the same rule, not, say, DTaP in infancy.
        if (
            anchor.is_given
            and anchor.on >= placed.rule.minimum_age.after(birth_date)
            and placed.earliest <= as_of
            and interval.maximum.after(anchor.on) < as_of
        ):
            context.notes.append(
                f"{placed.name}: more than {interval.maximum} since {anchor.name}; give it now, "
                f"the series is not restarted ({interval.citation}; NIP21 §3)"
            )


def _earliest(context: SeriesContext, rule: DoseRule, planned: Sequence[Placed], on: date) -> date:
    bounds = constraints(context, rule, rule.vaccine, planned, on, with_live_spacing=True)
    return max(bound.earliest for bound in bounds)


def _project(context: SeriesContext, planner: Planner, history: list[Placed]) -> list[Placed]:
    """Add the missing doses. A dose that cannot be given yet follows the rules of the day it
    can: MPSV-A falling after 24 m is dropped, DTaP falling after 6 y becomes DT (§4)."""
    as_of = context.child.as_of
    planned = list(history)
    for _ in range(MAX_DOSES_PER_SERIES):
        rule = planner(context, planned, as_of, True)
        if rule is None:
            return planned
        earliest = _earliest(context, rule, planned, as_of)
        if earliest > as_of:
            later_rule = planner(context, planned, earliest, True)
            if later_rule is None:
                return planned
            if later_rule != rule:
                rule = later_rule
                earliest = max(earliest, _earliest(context, rule, planned, as_of))
        name = _name(context.series, rule, rule.vaccine, planned)
        placed = Placed(rule, rule.vaccine, name, max(earliest, as_of), earliest, False)
        _window_note(context, placed, planned)
        planned.append(placed)
    raise RuntimeError(f"the {context.series.code} planner did not stop")


def _deadlines(context: SeriesContext, planned: Sequence[Placed]) -> list[date | None]:
    """A dose's "complete before" date, or a later dose's if earlier: d1 cannot follow d3."""
    deadlines: list[date | None] = []
    later: date | None = None
    for placed in reversed(planned):
        age = placed.rule.complete_before
        own = age.after(context.child.birth_date) if age is not None else None
        later = min((day for day in (own, later) if day is not None), default=None)
        deadlines.append(later)
    return deadlines[::-1]


def _status(placed: Placed, deadline: date | None, as_of: date) -> DoseStatus:
    if placed.is_given:
        return DoseStatus.GIVEN
    if placed.earliest > as_of:
        return DoseStatus.NOT_YET_DUE
    if deadline is not None and as_of >= deadline:
        return DoseStatus.OVERDUE
    return DoseStatus.DUE


def run_series(
    context: SeriesContext, planner: Planner, doses: Sequence[ReceivedDose], *, is_forecast: bool
) -> tuple[list[DoseForecast], list[InvalidDose]]:
    """The series' doses with their status, and the doses that do not count (PH-4; §1–§4).

    ``doses`` are this series' doses in date order; with ``is_forecast`` false (a product not
    chosen, a person of 18 or more) the given doses are listed and the rest are not needed.
    """
    history, invalid = _count_valid(context, planner, doses)
    planned = _project(context, planner, history) if is_forecast else history
    birth_date, as_of = context.child.birth_date, context.child.as_of
    entries = [
        DoseForecast(
            placed.name,
            placed.vaccine,
            _status(placed, deadline, as_of),
            placed.earliest,
            placed.rule.recommended_age.after(birth_date)
            if placed.is_given
            else max(placed.rule.recommended_age.after(birth_date), placed.earliest),
            deadline,
            placed.on if placed.is_given else None,
            placed.rule.citation,
        )
        for placed, deadline in zip(planned, _deadlines(context, planned), strict=True)
    ]
    by_position = context.series.names_by_position
    used = {placed.rule.position if by_position else placed.name for placed in planned}
    for rule in context.series.doses:
        name = f"{rule.vaccine}-{rule.number}"
        if (rule.position if by_position else name) not in used:
            entries.append(
                DoseForecast(
                    name, rule.vaccine, DoseStatus.NOT_NEEDED, None, None, None, None, rule.citation
                )
            )
    return entries, invalid
