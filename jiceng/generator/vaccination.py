"""Vaccination clinics for the demo county (PH-4): one per THC and CHSC, with four weeks of
sessions, time slots and a batch of every NIP vaccine, so booking works from the first minute."""

from datetime import date, time, timedelta

from immunization.models import ClinicSession, TimeSlot, VaccinationClinic, VaccineBatch
from immunization.schedules import VACCINES
from institutions.models import Institution

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
