"""What goes into and comes out of a forecast (PH-4; immunization-schedule.md §1–§4)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

MotherHbsag = Literal["negative", "positive", "unknown"]


class DoseStatus(StrEnum):
    GIVEN = "given"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_YET_DUE = "not_yet_due"
    NOT_NEEDED = "not_needed"


@dataclass(frozen=True)
class ReceivedDose:
    vaccine: str
    given_on: date


@dataclass(frozen=True)
class DoseForecast:
    """One dose of the child's schedule. ``complete_before_date`` is the dose's own "complete
    before" age (§1) or, if earlier, that of a later dose of its series, which it must precede."""

    dose: str
    vaccine: str
    status: DoseStatus
    earliest_date: date | None
    recommended_date: date | None
    complete_before_date: date | None
    given_on: date | None
    citation: str


@dataclass(frozen=True)
class InvalidDose:
    """A dose that does not count and must be repeated (§2 intervals, §1 minimum ages)."""

    vaccine: str
    given_on: date
    reason: str


@dataclass(frozen=True)
class Forecast:
    schedule: str
    birth_date: date
    as_of: date
    doses: tuple[DoseForecast, ...]
    invalid_doses: tuple[InvalidDose, ...]
    notes: tuple[str, ...]

    @property
    def due_now(self) -> tuple[str, ...]:
        """Every dose that may validly be given on ``as_of``: due or overdue."""
        return tuple(
            dose.dose for dose in self.doses if dose.status in (DoseStatus.DUE, DoseStatus.OVERDUE)
        )

    def dose(self, name: str) -> DoseForecast:
        return next(dose for dose in self.doses if dose.dose == name)
