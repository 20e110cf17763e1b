"""Vaccination pages: staff clinic, booking and reminders; the parents' phone page (PH-4)."""

import pytest
from django.urls import reverse

from immunization.models import Appointment
from immunization.tests.factories import make_batch, make_clinic, make_infant, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(county):
    clinic = make_clinic(county)
    make_batch(clinic, "HepB", batch_number="HB-2026-07")
    return clinic


@pytest.fixture
def baby(county):
    return make_infant(county, household=county.resident_a.household, name="王小宝")


def test_clinic_page_shows_slots_and_batches(client, township_doctor, clinic):
    make_slot(clinic, capacity=4)
    client.force_login(township_doctor)
    page = client.get(reverse("immunization:clinic", args=[clinic.pk])).content.decode()
    assert "0 / 4" in page
    assert "HB-2026-07" in page


def test_staff_book_a_child_from_the_forecast_page(client, township_doctor, clinic, baby):
    slot = make_slot(clinic)
    client.force_login(township_doctor)
    url = reverse("immunization:book", args=[baby.pk])
    page = client.get(url).content.decode()
    assert "HepB-1" in page
    response = client.post(url, {"slot": slot.pk, "doses": ["HepB-1"], "action": "book"})
    assert response.status_code == 302
    assert Appointment.objects.get(resident=baby).slot == slot


def test_outsider_gets_404_on_the_booking_page(client, outsider, baby):
    client.force_login(outsider)
    assert client.get(reverse("immunization:book", args=[baby.pk])).status_code == 404


def test_reminder_list_names_overdue_children(client, township_doctor, baby):
    client.force_login(township_doctor)
    page = client.get(reverse("immunization:reminders")).content.decode()
    assert baby.name in page


def test_parent_books_and_cancels_on_the_phone_page(client, resident_user, clinic, baby):
    slot = make_slot(clinic, capacity=2)
    client.force_login(resident_user)
    url = reverse("immunization:family")
    page = client.get(url).content.decode()
    assert baby.name in page
    partial = client.get(url, {"child": baby.pk}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert f'value="{slot.pk}"' in partial.content.decode()
    client.post(url, {"child": baby.pk, "slot": slot.pk, "doses": ["HepB-1"], "action": "book"})
    appointment = Appointment.objects.get(resident=baby)
    slot.refresh_from_db()
    assert slot.booked == 1
    client.post(url, {"child": baby.pk, "appointment": appointment.pk, "action": "cancel"})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_parent_cannot_book_someone_elses_child(client, resident_user, county, clinic):
    other = make_infant(county, name="邻居家")
    slot = make_slot(clinic)
    client.force_login(resident_user)
    response = client.post(
        reverse("immunization:family"),
        {"child": other.pk, "slot": slot.pk, "doses": ["HepB-1"], "action": "book"},
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_staff_pages_are_not_for_residents(client, resident_user):
    client.force_login(resident_user)
    assert client.get(reverse("immunization:clinics")).status_code == 404
