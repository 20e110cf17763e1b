"""Clinics, slots, batches and infants for the vaccination tests."""

from datetime import date, time, timedelta

from django.utils import timezone

from immunization.models import ClinicSession, TimeSlot, VaccinationClinic, VaccineBatch
from jiceng.testing import County, ResidentFactory
from residents.models import Household, Resident


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_clinic(county: County, name: str = "米山镇预防接种门诊") -> VaccinationClinic:
    return VaccinationClinic.objects.create(institution=county.thc1, name=name)


def make_slot(
    clinic: VaccinationClinic,
    *,
    day: date | None = None,
    capacity: int = 5,
    starts_at: time = time(9, 0),
) -> TimeSlot:
    day = day or in_days(7)
    session, _created = ClinicSession.objects.get_or_create(
        clinic=clinic, date=day, defaults={"start_time": time(8, 0), "end_time": time(12, 0)}
    )
    ends_at = time(starts_at.hour, starts_at.minute + 30)
    return TimeSlot.objects.create(
        session=session, starts_at=starts_at, ends_at=ends_at, capacity=capacity
    )


def make_batch(
    clinic: VaccinationClinic,
    vaccine: str = "HepB",
    *,
    stock: int = 100,
    expires_on: date | None = None,
    batch_number: str = "202601001",
) -> VaccineBatch:
    return VaccineBatch.objects.create(
        clinic=clinic,
        vaccine=vaccine,
        product_name=f"{vaccine} vaccine",
        manufacturer="某生物制品公司",
        batch_number=batch_number,
        expires_on=expires_on or in_days(365),
        doses_in_stock=stock,
    )


def make_infant(
    county: County, *, household: Household | None = None, days_old: int = 60, name: str = "婴儿"
) -> Resident:
    """A baby in village A with no vaccination recorded: HepB-1 is overdue, so always valid."""
    return ResidentFactory.create(
        village=county.village_a,
        household=household,
        name=name,
        birth_date=timezone.localdate() - timedelta(days=days_old),
        relation_to_head=Resident.Relation.CHILD,
    )
