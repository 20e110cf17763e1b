"""Village doctor subsidies (HR-9), pure: rates from the county's policy pack, people and clinics
as plain values in, a breakdown with citations out.

- SXI-24: subsidies computed per service population use max(population, 800) (the floor is the
  pack's ``subsidy.population_floor``; Wendeng has none).
- SXM-36: post subsidy, public-health subsidy, essential-drug subsidy, general consultation fee.
- WD-8: at least 200 yuan a month post allowance for graduate (大学生乡村医生) and 镇聘村用
  village doctors.
- WD-10: 10,000 yuan a year operating funds per integrated (一体化管理) village clinic.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
MONTHS = 12

PUBLIC_HEALTH = "subsidy.public_health_per_person_year"
ESSENTIAL_DRUG = "subsidy.essential_drug_per_person_year"
POST = "subsidy.post_per_month"
CONSULTATION_FEE = "subsidy.consultation_fee_per_visit"
POPULATION_FLOOR = "subsidy.population_floor"
GRADUATE_ALLOWANCE = "subsidy.graduate_post_allowance_per_month"
CLINIC_OPERATING = "subsidy.integrated_clinic_operating_per_year"

ALLOWANCE_HIRE_ROUTES = frozenset({"graduate", "town_village"})
"""WD-8: hire routes with the post allowance: graduate village doctors and 镇聘村用."""


@dataclass(frozen=True)
class SubsidyRates:
    """The county's subsidy rates in yuan (HR-9), read from its policy pack."""

    public_health_per_person_year: Decimal
    essential_drug_per_person_year: Decimal
    post_per_month: Decimal
    consultation_fee_per_visit: Decimal
    population_floor: int
    graduate_post_allowance_per_month: Decimal
    integrated_clinic_operating_per_year: Decimal


def _number(params: Mapping[str, Any], key: str) -> Decimal:
    value = params[key]  # KeyError names the missing key
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{key} must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{key} must be a number, not {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{key} must be a number of at least 0, not {value!r}")
    return number


def rates_from_parameters(params: Mapping[str, Any]) -> SubsidyRates:
    """The rates from a pack's dotted parameters; a missing key raises ``KeyError`` naming it,
    a value that is not a non-negative number ``ValueError``."""
    floor = _number(params, POPULATION_FLOOR)
    if floor != floor.to_integral_value():
        raise ValueError(f"{POPULATION_FLOOR} must be a whole number, not {floor}")
    return SubsidyRates(
        public_health_per_person_year=_number(params, PUBLIC_HEALTH),
        essential_drug_per_person_year=_number(params, ESSENTIAL_DRUG),
        post_per_month=_number(params, POST),
        consultation_fee_per_visit=_number(params, CONSULTATION_FEE),
        population_floor=int(floor),
        graduate_post_allowance_per_month=_number(params, GRADUATE_ALLOWANCE),
        integrated_clinic_operating_per_year=_number(params, CLINIC_OPERATING),
    )


@dataclass(frozen=True)
class DoctorIn:
    staff_id: int
    name: str
    clinic_id: int
    hire_route: str


@dataclass(frozen=True)
class ClinicIn:
    clinic_id: int
    name: str
    population: int
    """Sum of the resident population of the divisions the clinic serves."""
    integrated: bool
    """Under integrated township-village management (一体化管理): the clinic has a managing
    institution."""


@dataclass(frozen=True)
class Line:
    """One component of a doctor's subsidy. ``amount`` is ``None`` when it cannot be computed
    from what is recorded (consultation fees need visit counts)."""

    key: str
    rate: Decimal
    basis: Decimal
    amount: Decimal | None
    citation: tuple[str, ...]


@dataclass(frozen=True)
class DoctorSubsidy:
    doctor: DoctorIn
    clinic: ClinicIn
    service_population: Decimal
    subsidised_population: Decimal
    floor_applied: bool
    lines: tuple[Line, ...]

    @property
    def total(self) -> Decimal:
        """The recorded components (consultation fees are not yet recorded)."""
        return sum((line.amount for line in self.lines if line.amount is not None), Decimal(0))

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


@dataclass(frozen=True)
class ClinicFunds:
    clinic: ClinicIn
    doctors: int
    operating_funds: Decimal
    citation: tuple[str, ...] = ("WD-10",)


@dataclass(frozen=True)
class Breakdown:
    rates: SubsidyRates
    doctors: tuple[DoctorSubsidy, ...]
    clinics: tuple[ClinicFunds, ...]
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def doctor_total(self) -> Decimal:
        return sum((doctor.total for doctor in self.doctors), Decimal(0))

    @property
    def clinic_total(self) -> Decimal:
        return sum((clinic.operating_funds for clinic in self.clinics), Decimal(0))

    @property
    def grand_total(self) -> Decimal:
        return self.doctor_total + self.clinic_total


LINE_KEYS = ("public_health", "essential_drug", "post", "graduate_allowance", "consultation_fee")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def doctor_subsidy(
    doctor: DoctorIn, clinic: ClinicIn, doctors_at_clinic: int, rates: SubsidyRates
) -> DoctorSubsidy:
    """HR-9 for one village doctor.

    Service population = the clinic's served population ÷ its village doctors; subsidised
    population = max(service population, floor) (SXI-24). Public-health and essential-drug
    subsidies = rate × subsidised population (SXI-24, SXM-36); post subsidy = 12 × monthly rate
    (SXM-36); the WD-8 allowance = 12 × monthly rate for graduate and 镇聘村用 hires only;
    consultation fees = rate × visits, not computed until visits are recorded (SXM-36, WD-8).
    """
    service = _money(Decimal(clinic.population) / Decimal(max(doctors_at_clinic, 1)))
    floor = Decimal(rates.population_floor)
    subsidised = max(service, floor)
    months = Decimal(MONTHS)
    allowance_due = doctor.hire_route in ALLOWANCE_HIRE_ROUTES
    lines = (
        Line(
            "public_health",
            rates.public_health_per_person_year,
            subsidised,
            _money(rates.public_health_per_person_year * subsidised),
            ("SXI-24", "SXM-36"),
        ),
        Line(
            "essential_drug",
            rates.essential_drug_per_person_year,
            subsidised,
            _money(rates.essential_drug_per_person_year * subsidised),
            ("SXI-24", "SXM-36"),
        ),
        Line(
            "post", rates.post_per_month, months, _money(rates.post_per_month * months), ("SXM-36",)
        ),
        Line(
            "graduate_allowance",
            rates.graduate_post_allowance_per_month,
            months if allowance_due else Decimal(0),
            _money(rates.graduate_post_allowance_per_month * months)
            if allowance_due
            else Decimal("0.00"),
            ("WD-8",),
        ),
        Line(
            "consultation_fee",
            rates.consultation_fee_per_visit,
            Decimal(0),
            None,
            ("SXM-36", "WD-8"),
        ),
    )
    return DoctorSubsidy(
        doctor=doctor,
        clinic=clinic,
        service_population=service,
        subsidised_population=subsidised,
        floor_applied=service < floor,
        lines=lines,
    )


def breakdown(
    doctors: Iterable[DoctorIn], clinics: Iterable[ClinicIn], rates: SubsidyRates
) -> Breakdown:
    """HR-9 for every village doctor and clinic given; clinic operating funds (WD-10) per
    integrated clinic, not per doctor. Totals per line key, over the doctors."""
    by_clinic = {clinic.clinic_id: clinic for clinic in clinics}
    doctor_list = [doctor for doctor in doctors if doctor.clinic_id in by_clinic]
    per_clinic: dict[int, int] = {}
    for doctor in doctor_list:
        per_clinic[doctor.clinic_id] = per_clinic.get(doctor.clinic_id, 0) + 1
    results = tuple(
        doctor_subsidy(doctor, by_clinic[doctor.clinic_id], per_clinic[doctor.clinic_id], rates)
        for doctor in doctor_list
    )
    funds = tuple(
        ClinicFunds(
            clinic=clinic,
            doctors=per_clinic.get(clinic.clinic_id, 0),
            operating_funds=_money(rates.integrated_clinic_operating_per_year)
            if clinic.integrated
            else Decimal("0.00"),
        )
        for clinic in by_clinic.values()
    )
    totals = {
        key: sum((result.line(key).amount or Decimal(0) for result in results), Decimal("0.00"))
        for key in LINE_KEYS
        if key != "consultation_fee"
    }
    return Breakdown(rates=rates, doctors=results, clinics=funds, totals=totals)
