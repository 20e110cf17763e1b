"""Input and output schemas of the vaccination clinic API (PH-4)."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from immunization.decisions import ForecastDoseOut, ImmunizationForecastOut, InvalidDoseOut
from immunization.forecasts import Forecast

__all__ = [
    "AdverseEventIn",
    "AdverseEventOut",
    "AppointmentIn",
    "AppointmentOut",
    "CampaignIn",
    "CampaignOut",
    "ClinicOut",
    "ImmunizationForecastOut",
    "SlotOut",
    "VaccinationIn",
    "VaccinationOut",
    "forecast_out",
]


class ClinicOut(Schema):
    id: int
    name: str
    institution_id: int
    institution_name: str


class SlotOut(Schema):
    id: int
    clinic_id: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    capacity: int
    booked: int
    doses: list[str] = Field(description="doses valid on this date with stock at the clinic")


class AppointmentIn(Schema):
    resident_id: int
    slot_id: int
    doses: list[str] = Field(min_length=1, max_length=8, examples=[["HepB-2", "IPV-1"]])


class AppointmentOut(Schema):
    id: int
    resident_id: int
    slot_id: int
    date: dt.date
    starts_at: dt.time
    doses: list[str]
    status: str


class VaccinationIn(Schema):
    resident_id: int | None = Field(default=None, description="or appointment_id")
    appointment_id: int | None = None
    batch_id: int
    site: str = Field(default="", max_length=40)
    route: str = Field(pattern="^(IM|SC|ID|oral)$")
    given_on: dt.date


class VaccinationOut(Schema):
    id: int
    resident_id: int
    vaccine: str
    dose: str
    given_on: dt.date
    batch_number: str
    warnings: list[str]


class AdverseEventIn(Schema):
    vaccination_id: int
    onset_on: dt.date
    severity: str = Field(pattern="^(mild|moderate|severe)$")
    description: str = Field(min_length=1, max_length=4000)


class AdverseEventOut(Schema):
    id: int
    vaccination_id: int
    resident_id: int
    onset_on: dt.date
    severity: str
    description: str
    reported_at: dt.datetime


class CampaignIn(Schema):
    clinic_id: int
    vaccine: str = Field(examples=["MMR"], description="vaccine code, e.g. MMR")
    birth_from: dt.date
    birth_to: dt.date
    dates: list[dt.date] = Field(
        min_length=1, max_length=14, description="session dates, tried in this order"
    )


class CampaignOut(Schema):
    booked: int = Field(description="children booked")
    not_placed: int = Field(description="children due a dose who found no free slot")


def forecast_out(result: Forecast) -> ImmunizationForecastOut:
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
