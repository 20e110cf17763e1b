"""Booking, cancelling and recording doses: the rules each action enforces (PH-4, JC-32)."""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import AuditEntry
from immunization import actions
from immunization.models import Appointment, TimeSlot, Vaccination, VaccineBatch
from immunization.queries import offerable_slots, reminder_list
from immunization.tests.factories import in_days, make_batch, make_clinic, make_infant, make_slot
from jiceng.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(county):
    clinic = make_clinic(county)
    make_batch(clinic, "HepB")
    return clinic


def test_booking_takes_a_place_and_is_audited(county, township_doctor, clinic):
    slot = make_slot(clinic, capacity=2)
    baby = make_infant(county)
    appointment = actions.book_slot(township_doctor, baby, slot, ["HepB-1"])
    slot.refresh_from_db()
    assert slot.booked == 1
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.session_id == slot.session_id
    assert AuditEntry.objects.filter(
        object_type=actions.APPOINTMENT, object_id=str(appointment.pk), action="create"
    ).exists()


def test_booking_refuses_a_full_slot(county, township_doctor, clinic):
    slot = make_slot(clinic, capacity=1)
    actions.book_slot(township_doctor, make_infant(county), slot, ["HepB-1"])
    with pytest.raises(DomainError) as refused:
        actions.book_slot(township_doctor, make_infant(county), slot, ["HepB-1"])
    assert (refused.value.code, refused.value.field) == ("slot_full", "slot")
    slot.refresh_from_db()
    assert slot.booked == 1


def test_booking_refuses_a_dose_not_valid_on_the_slot_date(county, township_doctor, clinic):
    make_batch(clinic, "MMR")
    with pytest.raises(DomainError) as refused:
        actions.book_slot(township_doctor, make_infant(county), make_slot(clinic), ["MMR-1"])
    assert (refused.value.code, refused.value.field) == ("dose_not_valid_on_date", "doses")
    assert "MMR-1" in refused.value.message


def test_booking_refuses_a_dose_without_stock(county, township_doctor, clinic):
    with pytest.raises(DomainError) as refused:
        actions.book_slot(township_doctor, make_infant(county), make_slot(clinic), ["BCG-1"])
    assert (refused.value.code, refused.value.field) == ("no_stock", "doses")


def test_a_batch_expiring_before_the_slot_is_not_stock(county, township_doctor):
    clinic = make_clinic(county)
    make_batch(clinic, "HepB", expires_on=in_days(3))
    with pytest.raises(DomainError) as refused:
        actions.book_slot(township_doctor, make_infant(county), make_slot(clinic), ["HepB-1"])
    assert refused.value.code == "no_stock"


def test_a_child_is_booked_once_per_session(county, township_doctor, clinic):
    baby = make_infant(county)
    actions.book_slot(township_doctor, baby, make_slot(clinic), ["HepB-1"])
    later = make_slot(clinic, starts_at=time(10, 0))
    with pytest.raises(DomainError) as refused:
        actions.book_slot(township_doctor, baby, later, ["HepB-1"])
    assert refused.value.code == "already_booked"


def test_cancelling_gives_the_place_back_once(county, township_doctor, clinic):
    slot = make_slot(clinic, capacity=1)
    appointment = actions.book_slot(township_doctor, make_infant(county), slot, ["HepB-1"])
    actions.cancel_appointment(township_doctor, appointment)
    slot.refresh_from_db()
    assert slot.booked == 0
    with pytest.raises(DomainError) as refused:
        actions.cancel_appointment(township_doctor, appointment)
    assert refused.value.code == "not_booked"
    slot.refresh_from_db()
    assert slot.booked == 0


def test_the_database_refuses_more_bookings_than_places(clinic):
    slot = make_slot(clinic, capacity=1)
    with pytest.raises(IntegrityError):
        TimeSlot.objects.filter(pk=slot.pk).update(booked=2)


def test_recording_a_dose_takes_it_from_stock_and_marks_attendance(county, township_doctor, clinic):
    baby = make_infant(county)
    slot = make_slot(clinic)
    appointment = actions.book_slot(township_doctor, baby, slot, ["HepB-1"])
    batch = VaccineBatch.objects.get(clinic=clinic, vaccine="HepB")
    recorded = actions.record_vaccination(
        township_doctor, appointment, batch, "left thigh", "IM", timezone.localdate()
    )
    assert recorded.vaccination.dose == "HepB-1"
    assert recorded.warnings == []
    batch.refresh_from_db()
    assert batch.doses_in_stock == 99
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED


def test_an_expired_batch_is_refused_with_its_number_and_date(county, township_doctor):
    clinic = make_clinic(county)
    batch = make_batch(
        clinic, "HepB", expires_on=timezone.localdate() - timedelta(days=1), batch_number="B-OLD"
    )
    with pytest.raises(DomainError) as refused:
        actions.record_vaccination(
            township_doctor, make_infant(county), batch, "left arm", "IM", timezone.localdate()
        )
    assert (refused.value.code, refused.value.field) == ("batch_expired", "batch")
    assert "B-OLD" in refused.value.message
    assert batch.expires_on.isoformat() in refused.value.message
    assert not Vaccination.objects.exists()


def test_an_empty_batch_is_refused(county, township_doctor):
    batch = make_batch(make_clinic(county), "HepB", stock=0)
    with pytest.raises(DomainError) as refused:
        actions.record_vaccination(
            township_doctor, make_infant(county), batch, "left arm", "IM", timezone.localdate()
        )
    assert refused.value.code == "no_stock"
    assert not Vaccination.objects.exists()


def test_a_dose_too_soon_is_recorded_with_a_warning(county, township_doctor, clinic):
    baby = make_infant(county, days_old=10)
    batch = VaccineBatch.objects.get(clinic=clinic, vaccine="HepB")
    today = timezone.localdate()
    actions.record_vaccination(township_doctor, baby, batch, "arm", "IM", today - timedelta(5))
    recorded = actions.record_vaccination(township_doctor, baby, batch, "arm", "IM", today)
    assert recorded.warnings


def test_an_adverse_event_cannot_start_before_the_dose(county, township_doctor, clinic):
    batch = VaccineBatch.objects.get(clinic=clinic, vaccine="HepB")
    recorded = actions.record_vaccination(
        township_doctor, make_infant(county), batch, "arm", "IM", timezone.localdate()
    )
    with pytest.raises(DomainError):
        actions.record_adverse_event(
            township_doctor,
            recorded.vaccination,
            timezone.localdate() - timedelta(days=1),
            "fever",
            "mild",
        )
    event = actions.record_adverse_event(
        township_doctor, recorded.vaccination, timezone.localdate(), "fever 38.5", "mild"
    )
    assert event.severity == "mild"


def test_offerable_slots_are_free_with_a_valid_dose_in_stock(county, township_doctor, clinic):
    baby = make_infant(county)
    free = make_slot(clinic, capacity=1)
    full = make_slot(clinic, capacity=1, day=in_days(8))
    actions.book_slot(township_doctor, make_infant(county), full, ["HepB-1"])
    offered = offerable_slots(township_doctor, baby, clinic, in_days(0), in_days(30))
    assert [offer.slot.pk for offer in offered] == [free.pk]
    assert offered[0].doses == ["HepB-1"]


def test_reminder_list_names_booked_and_overdue_children(county, township_doctor, clinic):
    slot = make_slot(clinic)
    booked = make_infant(county, name="预约")
    actions.book_slot(township_doctor, booked, slot, ["HepB-1"])
    reminders = {r.resident.pk: r for r in reminder_list(township_doctor, slot.session.date)}
    assert reminders[booked.pk].appointments
    assert "HepB-1" in reminders[booked.pk].overdue
    assert county.resident_a.pk not in reminders


def test_campaign_books_children_in_scope_into_free_slots(
    county, township_doctor, outsider, clinic
):
    make_slot(clinic, capacity=2)
    babies = [make_infant(county, name=f"婴{i}") for i in range(3)]
    result = actions.plan_campaign(
        township_doctor,
        clinic,
        timezone.localdate() - timedelta(days=365),
        timezone.localdate(),
        "HepB",
        [in_days(7)],
    )
    assert (result.booked, result.not_placed) == (2, 1)
    assert Appointment.objects.filter(resident__in=babies).count() == 2
    assert actions.plan_campaign(
        outsider, clinic, babies[0].birth_date, timezone.localdate(), "HepB", [in_days(7)]
    ) == actions.CampaignResult(0, 0)


def test_a_booked_session_is_not_offered_again(county, township_doctor, clinic):
    baby = make_infant(county)
    booked = make_slot(clinic)
    make_slot(clinic, starts_at=time(10, 0))
    other_day = make_slot(clinic, day=in_days(9))
    actions.book_slot(township_doctor, baby, booked, ["HepB-1"])
    offered = offerable_slots(township_doctor, baby, clinic, in_days(0), in_days(30))
    assert [offer.slot.pk for offer in offered] == [other_day.pk]


def test_a_child_who_moved_out_or_died_leaves_the_reminder_list_from_that_date(
    county, township_doctor
):
    today = timezone.localdate()
    stays = make_infant(county, name="在册")
    moved = make_infant(county, name="迁出")
    moved.record_status = "moved_out"
    moved.status_date = today - timedelta(days=3)
    moved.save()
    leaving = make_infant(county, name="下月迁出")
    leaving.record_status = "moved_out"
    leaving.status_date = today + timedelta(days=30)
    leaving.save()
    on_list = {r.resident.pk for r in reminder_list(township_doctor, today)}
    assert stays.pk in on_list
    assert moved.pk not in on_list
    assert leaving.pk in on_list  # still here until the date recorded
