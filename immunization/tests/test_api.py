"""The vaccination API at /api/v1/immunization/ (PH-4): scope, booking rules, error shape."""

import pytest
from django.utils import timezone

from immunization.models import Appointment
from immunization.tests.factories import in_days, make_batch, make_clinic, make_infant, make_slot

# Until jiceng/api.py mounts the router, tests use a URLconf that mounts it at the same path.
pytestmark = pytest.mark.django_db
BASE = "/api/v1/immunization"


@pytest.fixture
def setting(county):
    clinic = make_clinic(county)
    batch = make_batch(clinic, "HepB")
    return clinic, make_slot(clinic, capacity=1), batch, make_infant(county)


def test_staff_list_clinics_and_free_slots(client, township_doctor, setting):
    clinic, slot, _batch, baby = setting
    client.force_login(township_doctor)
    assert [c["id"] for c in client.get(f"{BASE}/clinics").json()] == [clinic.pk]
    response = client.get(
        f"{BASE}/slots",
        {"resident_id": baby.pk, "clinic_id": clinic.pk, "from": in_days(0), "to": in_days(30)},
    )
    assert response.status_code == 200
    assert [(s["id"], s["doses"]) for s in response.json()] == [(slot.pk, ["HepB-1"])]


def test_book_then_cancel(client, township_doctor, setting):
    _clinic, slot, _batch, baby = setting
    client.force_login(township_doctor)
    booked = client.post(
        f"{BASE}/appointments",
        {"resident_id": baby.pk, "slot_id": slot.pk, "doses": ["HepB-1"]},
        content_type="application/json",
    )
    assert booked.status_code == 200, booked.json()
    assert booked.json()["status"] == "booked"
    cancelled = client.post(f"{BASE}/appointments/{booked.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_a_full_slot_is_refused_with_a_coded_error(client, township_doctor, county, setting):
    _clinic, slot, _batch, baby = setting
    client.force_login(township_doctor)
    for child in (baby, make_infant(county)):
        response = client.post(
            f"{BASE}/appointments",
            {"resident_id": child.pk, "slot_id": slot.pk, "doses": ["HepB-1"]},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json()["code"] == "slot_full"
    assert response.json()["field"] == "slot"


def test_an_invalid_dose_is_refused(client, township_doctor, setting):
    _clinic, slot, _batch, baby = setting
    client.force_login(township_doctor)
    response = client.post(
        f"{BASE}/appointments",
        {"resident_id": baby.pk, "slot_id": slot.pk, "doses": ["MMR-1"]},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "dose_not_valid_on_date")


def test_outsider_gets_404_for_a_child_and_an_appointment(
    client, township_doctor, outsider, setting
):
    clinic, slot, _batch, baby = setting
    client.force_login(township_doctor)
    booked = client.post(
        f"{BASE}/appointments",
        {"resident_id": baby.pk, "slot_id": slot.pk, "doses": ["HepB-1"]},
        content_type="application/json",
    ).json()
    client.force_login(outsider)
    assert client.get(f"{BASE}/residents/{baby.pk}/forecast").status_code == 404
    assert (
        client.get(f"{BASE}/slots", {"resident_id": baby.pk, "clinic_id": clinic.pk}).status_code
        == 404
    )
    response = client.post(f"{BASE}/appointments/{booked['id']}/cancel")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Appointment.objects.get(pk=booked["id"]).status == "booked"


def test_recording_a_dose_and_the_forecast_follow_the_history(client, township_doctor, setting):
    _clinic, _slot, batch, baby = setting
    client.force_login(township_doctor)
    response = client.post(
        f"{BASE}/vaccinations",
        {
            "resident_id": baby.pk,
            "batch_id": batch.pk,
            "site": "right thigh",
            "route": "IM",
            "given_on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["dose"] == "HepB-1"
    forecast = client.get(f"{BASE}/residents/{baby.pk}/forecast").json()
    assert next(d for d in forecast["doses"] if d["dose"] == "HepB-1")["status"] == "given"


def test_an_expired_batch_is_refused(client, township_doctor, setting):
    clinic, _slot, _batch, baby = setting
    old = make_batch(clinic, "HepB", expires_on=in_days(-1), batch_number="B-OLD")
    client.force_login(township_doctor)
    response = client.post(
        f"{BASE}/vaccinations",
        {
            "resident_id": baby.pk,
            "batch_id": old.pk,
            "route": "IM",
            "given_on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "batch_expired"
    assert "B-OLD" in response.json()["message"]


def test_a_parent_cannot_record_doses(client, resident_user, setting):
    _clinic, _slot, batch, baby = setting
    client.force_login(resident_user)
    response = client.post(
        f"{BASE}/vaccinations",
        {"resident_id": baby.pk, "batch_id": batch.pk, "route": "IM", "given_on": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 404
