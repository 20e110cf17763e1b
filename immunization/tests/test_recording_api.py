"""The adverse-event and campaign API, and recording a booked dose (PH-4, JC-32)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from immunization import actions
from immunization.models import AdverseEvent, Appointment, Vaccination
from immunization.tests.factories import in_days, make_batch, make_clinic, make_infant, make_slot

pytestmark = pytest.mark.django_db
BASE = "/api/v1/immunization"


@pytest.fixture
def clinic(county):
    return make_clinic(county)


@pytest.fixture
def batch(clinic):
    return make_batch(clinic, "HepB", stock=10)


@pytest.fixture
def baby(county):
    return make_infant(county)


@pytest.fixture
def vaccination(township_doctor, batch, baby):
    return actions.record_vaccination(
        township_doctor, baby, batch, "right thigh", "IM", timezone.localdate()
    ).vaccination


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_recording_an_appointment_takes_stock_and_marks_it_attended(
    client, township_doctor, clinic, batch, baby
):
    appointment = actions.book_slot(
        township_doctor, baby, make_slot(clinic, day=in_days(0)), ["HepB-1"]
    )
    client.force_login(township_doctor)
    response = _post(
        client,
        "/vaccinations",
        {
            "appointment_id": appointment.pk,
            "batch_id": batch.pk,
            "route": "IM",
            "given_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 200, response.json()
    batch.refresh_from_db()
    appointment.refresh_from_db()
    assert (batch.doses_in_stock, appointment.status) == (9, Appointment.Status.ATTENDED)


def test_an_empty_batch_is_refused_with_the_field(client, township_doctor, clinic, baby):
    empty = make_batch(clinic, "HepB", stock=0, batch_number="B-EMPTY")
    client.force_login(township_doctor)
    response = _post(
        client,
        "/vaccinations",
        {
            "resident_id": baby.pk,
            "batch_id": empty.pk,
            "route": "IM",
            "given_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("no_stock", "batch")
    assert "B-EMPTY" in body["message"]
    assert not Vaccination.objects.exists()


def test_report_an_adverse_event(client, township_doctor, vaccination):
    client.force_login(township_doctor)
    response = _post(
        client,
        "/adverse-events",
        {
            "vaccination_id": vaccination.pk,
            "onset_on": str(timezone.localdate()),
            "severity": "moderate",
            "description": "发热 38.5℃",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    event = AdverseEvent.objects.get()
    assert (body["id"], body["severity"], body["resident_id"]) == (
        event.pk,
        "moderate",
        vaccination.resident_id,
    )
    assert AuditEntry.objects.filter(
        object_type=actions.ADVERSE_EVENT, object_id=str(event.pk), action="create"
    ).exists()


def test_an_onset_before_the_dose_is_refused_with_the_field(client, township_doctor, vaccination):
    client.force_login(township_doctor)
    response = _post(
        client,
        "/adverse-events",
        {
            "vaccination_id": vaccination.pk,
            "onset_on": str(timezone.localdate() - timedelta(days=1)),
            "severity": "mild",
            "description": "红肿",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("onset_before_vaccination", "onset_on")
    assert body["message"]
    assert not AdverseEvent.objects.exists()


def test_an_unknown_severity_is_refused_with_the_field(client, township_doctor, vaccination):
    client.force_login(township_doctor)
    response = _post(
        client,
        "/adverse-events",
        {
            "vaccination_id": vaccination.pk,
            "onset_on": str(timezone.localdate()),
            "severity": "fatal?",
            "description": "x",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "severity"


def test_outsider_and_parent_cannot_report(client, outsider, resident_user, vaccination):
    data = {
        "vaccination_id": vaccination.pk,
        "onset_on": str(timezone.localdate()),
        "severity": "mild",
        "description": "红肿",
    }
    for user in (outsider, resident_user):
        client.force_login(user)
        response = _post(client, "/adverse-events", data)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not AdverseEvent.objects.exists()


def test_campaign_books_children_in_scope_only(client, township_doctor, county, clinic, batch):
    slot = make_slot(clinic, capacity=1)
    first = make_infant(county, days_old=90, name="甲一")
    second = make_infant(county, days_old=80, name="甲二")
    theirs = make_infant(county, days_old=85, name="丙一")
    theirs.village = county.village_c
    theirs.save()
    client.force_login(township_doctor)
    response = _post(
        client,
        "/campaigns",
        {
            "clinic_id": clinic.pk,
            "vaccine": "HepB",
            "birth_from": str(in_days(-120)),
            "birth_to": str(in_days(-30)),
            "dates": [str(slot.session.date)],
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"booked": 1, "not_placed": 1}
    assert list(Appointment.objects.values_list("resident_id", flat=True)) == [first.pk]
    assert not Appointment.objects.filter(resident__in=[second.pk, theirs.pk]).exists()


def test_campaign_errors_name_the_field(client, township_doctor, clinic):
    client.force_login(township_doctor)
    data = {
        "clinic_id": clinic.pk,
        "vaccine": "HepB",
        "birth_from": str(in_days(-30)),
        "birth_to": str(in_days(-120)),
        "dates": [str(in_days(7))],
    }
    response = _post(client, "/campaigns", data)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "invalid_birth_range",
        "birth_to",
    )
    response = _post(client, "/campaigns", {**data, "birth_to": str(in_days(-1)), "vaccine": "XX"})
    assert (response.json()["code"], response.json()["field"]) == ("unknown_vaccine", "vaccine")
    response = _post(
        client, "/campaigns", {**data, "birth_to": str(in_days(-1)), "dates": [str(in_days(-1))]}
    )
    assert (response.json()["code"], response.json()["field"]) == ("date_in_past", "dates")
    assert not Appointment.objects.exists()


def test_campaign_is_not_for_village_doctors(client, village_doctor, clinic):
    data = {
        "clinic_id": clinic.pk,
        "vaccine": "HepB",
        "birth_from": str(in_days(-120)),
        "birth_to": str(in_days(-30)),
        "dates": [str(in_days(7))],
    }
    client.force_login(village_doctor)
    assert _post(client, "/campaigns", data).status_code == 404
