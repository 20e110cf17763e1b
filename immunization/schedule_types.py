"""Types of the versioned schedule data (PH-4; immunization-schedule.md §1–§4)."""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property

from immunization.ages import Age


class Confidence(StrEnum):
    """How well a row was checked (spec header): U rows can be switched off."""

    VERIFIED = "V"
    SECONDARY = "C"
    UNVERIFIED = "U"


@dataclass(frozen=True)
class Interval:
    """Minimum time since an earlier dose: ``back`` doses earlier in the series, or, with
    ``after_vaccine``, since the last dose of another vaccine. ``maximum`` is the recommended
    upper bound (a window such as JE-I's 7–10 days), never a reason to restart."""

    minimum: Age
    citation: str
    confidence: Confidence = Confidence.VERIFIED
    back: int = 1
    maximum: Age | None = None
    after_vaccine: str | None = None
    switch: str | None = None


@dataclass(frozen=True)
class DoseRule:
    """One dose: its §1 number, its place in the series, ages and intervals."""

    vaccine: str
    number: int
    position: int
    recommended_age: Age
    minimum_age: Age
    complete_before: Age | None
    intervals: tuple[Interval, ...]
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    route_and_dose: str
    is_live_injectable: bool
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class Series:
    """Doses that count together (IPV and bOPV are one polio series). With ``alternative_group``
    the series is one product of a choice (JE-L or JE-I) and only the chosen one is forecast."""

    code: str
    vaccines: tuple[str, ...]
    doses: tuple[DoseRule, ...]
    citation: str
    names_by_position: bool = False
    alternative_group: str | None = None


@dataclass(frozen=True)
class CatchUp:
    """Parameters of the catch-up rules (§3–§4)."""

    age_limit: Age
    live_spacing: Interval
    polio_cohort_born_on: date
    polio_ipv_doses_from_cohort: int
    polio_ipv_doses_before_cohort: int
    mmr_cohort_born_on: date
    bcg_direct_before: Age
    bcg_ppd_before: Age
    meningococcal_a_before: Age
    dt_from_age: Age
    adult_dt_from_age: Age
    dt_primary: tuple[DoseRule, ...]
    booster_after_three: Interval
    booster_after_four: Interval
    hepb_four_doses_below_g: int
    hepb_four_doses: tuple[DoseRule, ...]
    low_birth_weight_below_g: int
    dtap_note: str | None = None


@dataclass(frozen=True)
class Schedule:
    """One edition of the schedule. U rules are on unless named in ``switched_off``."""

    version: str
    title: str
    effective_from: date | None
    vaccines: tuple[Vaccine, ...]
    series: tuple[Series, ...]
    catch_up: CatchUp
    switched_off: frozenset[str] = field(default_factory=frozenset)

    def vaccine(self, code: str) -> Vaccine:
        return self._by_code[code]

    @cached_property
    def _by_code(self) -> dict[str, Vaccine]:
        return {vaccine.code: vaccine for vaccine in self.vaccines}

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(vaccine.code for vaccine in self.vaccines)

    @cached_property
    def live_injectable(self) -> frozenset[str]:
        """MMR, JE-L, HepA-L: 28 days apart unless given the same day (§2)."""
        return frozenset(vaccine.code for vaccine in self.vaccines if vaccine.is_live_injectable)

    @property
    def switches(self) -> frozenset[str]:
        """Every U rule that can be switched off."""
        rules = [dose for series in self.series for dose in series.doses]
        rules += [*self.catch_up.dt_primary, *self.catch_up.hepb_four_doses]
        return frozenset(
            interval.switch for rule in rules for interval in rule.intervals if interval.switch
        )

    def with_switched_off(self, *names: str) -> "Schedule":
        unknown = set(names) - self.switches
        if unknown:
            raise ValueError(f"unknown switch {sorted(unknown)}; known: {sorted(self.switches)}")
        return replace(self, switched_off=self.switched_off | frozenset(names))

    def applies(self, interval: Interval) -> bool:
        return interval.switch is None or interval.switch not in self.switched_off
