"""Vaccination for the demo county (PH-4): a clinic per THC and CHSC with four weeks of sessions,
time slots and a batch of every NIP vaccine, and the children's vaccination histories."""

from datetime import date, time, timedelta
from functools import cache

from django.db import connection

from immunization.actions import schedule_for
from immunization.models import (
    ClinicSession,
    TimeSlot,
    Vaccination,
    VaccinationClinic,
    VaccineBatch,
)
from immunization.rules import Forecast, forecast
from immunization.schedule_types import Vaccine
from immunization.schedules import VACCINES
from institutions.models import Institution
from jiceng.dates import years_before
from jiceng.generator.randomness import seeded
from jiceng.generator.storage import Row, insert_rows
from residents.models import Resident

ZERO = timedelta(0)
_VACCINATION_FIELDS = ("resident", "vaccine", "dose", "given_on", "site", "route")

CLINIC_WEEKDAYS = (1, 3)  # Tuesdays and Thursdays, as many township clinics open
SLOT_STARTS = (time(8, 30), time(9, 30), time(10, 30), time(14, 30), time(15, 30))
SLOT_CAPACITY = 8
WEEKS_AHEAD = 4
STOCK_PER_BATCH = 200


def create_vaccination_clinics(as_of: date) -> int:
    """Create the clinics and return how many; dates follow ``as_of`` so runs are repeatable."""
    centres = Institution.objects.filter(
        type__in=(Institution.Type.THC, Institution.Type.CHSC)
    ).order_by("code")
    clinics = VaccinationClinic.objects.bulk_create(
        [
            VaccinationClinic(institution=centre, name=f"{centre.name}预防接种门诊")
            for centre in centres
        ]
    )
    days = [
        as_of + timedelta(days=offset)
        for offset in range(1, WEEKS_AHEAD * 7 + 1)
        if (as_of + timedelta(days=offset)).weekday() in CLINIC_WEEKDAYS
    ]
    sessions = ClinicSession.objects.bulk_create(
        [
            ClinicSession(clinic=clinic, date=day, start_time=time(8, 0), end_time=time(16, 30))
            for clinic in clinics
            for day in days
        ]
    )
    TimeSlot.objects.bulk_create(
        [
            TimeSlot(
                session=session,
                starts_at=start,
                ends_at=time(start.hour + 1, start.minute),
                capacity=SLOT_CAPACITY,
            )
            for session in sessions
            for start in SLOT_STARTS
        ]
    )
    VaccineBatch.objects.bulk_create(
        [
            VaccineBatch(
                clinic=clinic,
                vaccine=vaccine.code,
                product_name=vaccine.name,
                manufacturer="演示生物制品有限公司",
                batch_number=f"{vaccine.code}-{as_of:%Y%m}-{clinic.pk:03d}",
                expires_on=as_of + timedelta(days=365),
                doses_in_stock=STOCK_PER_BATCH,
            )
            for clinic in clinics
            for vaccine in VACCINES
        ]
    )
    return len(clinics)


# How real records look: most children on time give or take a few days, some series stopped.
LATE_DAYS_MAX = 10
SERIES_STOP_CHANCE = 0.04
_ROUTES = {"IM": "IM", "ID": "ID", "SC": "SC", "oral": "oral"}


def _route_of(vaccine: Vaccine) -> str:
    return _ROUTES[vaccine.route_and_dose.split(",")[0].split(" ")[0].rstrip(":")]


@cache
def _routine_plan(birth_date: date) -> Forecast:
    """The on-time plan for a child born that day (children share birth dates: cache it)."""
    return forecast(schedule_for(birth_date), birth_date, birth_date, [])


def create_vaccination_histories(seed: int, as_of: date) -> int:
    """Give every child under 7 the routine doses due before ``as_of``, a few days late, with some
    series stopped part-way so work lists have overdue doses. Returns the doses written."""
    randomness = seeded(seed, "vaccinations")
    vaccines = {vaccine.code: vaccine for vaccine in VACCINES}
    children = (
        Resident.objects.filter(birth_date__gt=years_before(as_of, 7), birth_date__lte=as_of)
        .order_by("id")
        .values_list("id", "birth_date")
    )
    adapt_date = connection.ops.adapt_datefield_value
    rows: list[Row] = []
    for resident_id, birth_date in children.iterator(chunk_size=5_000):
        plan = _routine_plan(birth_date)
        late = timedelta(days=randomness.randint(0, LATE_DAYS_MAX))
        stopped: set[str] = set()
        for dose in plan.doses:
            if dose.recommended_date is None or dose.vaccine in stopped:
                continue
            given_on = dose.recommended_date + (
                late if dose.recommended_date > birth_date else ZERO
            )
            if given_on >= as_of:
                continue
            if randomness.random() < SERIES_STOP_CHANCE:
                stopped.add(dose.vaccine)
                continue
            route = _route_of(vaccines[dose.vaccine])
            rows.append((resident_id, dose.vaccine, dose.dose, adapt_date(given_on), "", route))
    # Rows, not model instances: half a million of those would cost more than the forecasts.
    insert_rows(Vaccination, _VACCINATION_FIELDS, rows)
    return len(rows)
