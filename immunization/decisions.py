"""Decisions offered by the immunization app: ``immunization-forecast`` (PH-4, JC-32; spec §1–§4)."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from immunization.forecasts import DoseStatus, MotherHbsag
from immunization.rules import ReceivedDose, forecast
from immunization.schedules import SCHEDULES, VACCINES
from jiceng.decisions import Decision

VACCINE_CODES = tuple(vaccine.code for vaccine in VACCINES)


class ReceivedDoseIn(Schema):
    vaccine: str = Field(
        description="vaccine code", json_schema_extra={"enum": list(VACCINE_CODES)}
    )
    date: dt.date

    @field_validator("vaccine")
    @classmethod
    def _known_vaccine(cls, value: str) -> str:
        if value not in VACCINE_CODES:
            raise ValueError(f"unknown vaccine code {value!r}; known: {', '.join(VACCINE_CODES)}")
        return value


def _invalid(location: tuple[str | int, ...], value: object, message: str) -> ValidationError:
    """A validation error that names its field, raised from a validator of the whole input."""
    error = PydanticCustomError("invalid_date", message)
    details = InitErrorDetails(type=error, loc=location, input=value)
    return ValidationError.from_exception_data("ImmunizationForecastIn", [details])


class ImmunizationForecastIn(Schema):
    schedule: Literal["NIP-2021", "NIP-2025"] = "NIP-2021"
    birth_date: dt.date
    as_of: dt.date = Field(description="the day of the forecast")
    doses_received: list[ReceivedDoseIn] = Field(default_factory=list)
    je_product: Literal["JE-L", "JE-I"] = "JE-L"
    hepa_product: Literal["HepA-L", "HepA-I"] = "HepA-L"
    mother_hbsag: MotherHbsag = Field(
        default="negative", description="also a boolean: true = positive, false = negative"
    )
    birth_weight_g: int | None = Field(default=None, gt=0, lt=10_000)

    @field_validator("mother_hbsag", mode="before")
    @classmethod
    def _from_boolean(cls, value: object) -> object:
        if isinstance(value, bool):
            return "positive" if value else "negative"
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ImmunizationForecastIn":
        if self.as_of < self.birth_date:
            raise _invalid(("as_of",), self.as_of, "as_of is before the birth date")
        for index, dose in enumerate(self.doses_received):
            if not self.birth_date <= dose.date <= self.as_of:
                raise _invalid(
                    ("doses_received", index, "date"),
                    dose.date,
                    "the dose date must be between the birth date and as_of",
                )
        return self


class ForecastDoseOut(Schema):
    dose: str
    vaccine: str
    status: DoseStatus
    earliest_date: dt.date | None
    recommended_date: dt.date | None
    complete_before_date: dt.date | None


class InvalidDoseOut(Schema):
    vaccine: str
    date: dt.date
    reason: str


class ImmunizationForecastOut(Schema):
    schedule: str
    due_now: list[str]
    doses: list[ForecastDoseOut]
    invalid_doses: list[InvalidDoseOut]
    notes: list[str]


def decide_forecast(payload: ImmunizationForecastIn, today: dt.date) -> ImmunizationForecastOut:
    """Forecast on ``payload.as_of``, not on ``today``: the caller says which day it asks about."""
    result = forecast(
        SCHEDULES[payload.schedule],
        payload.birth_date,
        payload.as_of,
        [ReceivedDose(dose.vaccine, dose.date) for dose in payload.doses_received],
        je_product=payload.je_product,
        hepa_product=payload.hepa_product,
        mother_hbsag=payload.mother_hbsag,
        birth_weight_g=payload.birth_weight_g,
    )
    return ImmunizationForecastOut(
        schedule=result.schedule,
        due_now=list(result.due_now),
        doses=[
            ForecastDoseOut(
                dose=dose.dose,
                vaccine=dose.vaccine,
                status=dose.status,
                earliest_date=dose.earliest_date,
                recommended_date=dose.recommended_date,
                complete_before_date=dose.complete_before_date,
            )
            for dose in result.doses
        ],
        invalid_doses=[
            InvalidDoseOut(vaccine=dose.vaccine, date=dose.given_on, reason=dose.reason)
            for dose in result.invalid_doses
        ],
        notes=list(result.notes),
    )


DECISIONS = [
    Decision(
        name="immunization-forecast",
        summary="Forecast a child's NIP vaccinations: doses due, overdue and to catch up",
        citation="PH-4",
        input_schema=ImmunizationForecastIn,
        output_schema=ImmunizationForecastOut,
        decide=decide_forecast,
    )
]
