"""Staff pages for recording doses, adverse events and emergency campaigns (PH-4, JC-32)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from immunization import actions
from immunization.models import AdverseEvent, Appointment, Vaccination
from immunization.tests.factories import in_days, make_batch, make_clinic, make_infant, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(county):
    return make_clinic(county)


@pytest.fixture
def batch(clinic):
    return make_batch(clinic, "HepB", stock=10, batch_number="HB-2026-07")


@pytest.fixture
def baby(county):
    return make_infant(county, household=county.resident_a.household, name="王小宝")


@pytest.fixture
def appointment(township_doctor, clinic, batch, baby):
    slot = make_slot(clinic, day=in_days(0))
    return actions.book_slot(township_doctor, baby, slot, ["HepB-1"])


def _record_data(batch, **changes):
    data = {
        "dose": "HepB-1",
        "batch": batch.pk,
        "site": "right thigh",
        "route": "IM",
        "given_on": str(timezone.localdate()),
    }
    return {**data, **changes}


def test_clinic_page_links_each_booked_appointment_to_recording(
    client, township_doctor, clinic, appointment
):
    client.force_login(township_doctor)
    page = client.get(reverse("immunization:clinic", args=[clinic.pk])).content.decode()
    assert appointment.resident.name in page
    assert reverse("immunization:record_appointment", args=[appointment.pk]) in page


def test_recording_an_appointment_takes_stock_and_marks_it_attended(
    client, township_doctor, clinic, batch, appointment
):
    old = make_batch(clinic, "HepB", expires_on=in_days(-1), batch_number="B-OLD")
    client.force_login(township_doctor)
    url = reverse("immunization:record_appointment", args=[appointment.pk])
    page = client.get(url).content.decode()
    assert "HB-2026-07" in page
    assert "B-OLD" not in page  # only usable batches are offered
    response = client.post(url, _record_data(batch))
    assert response.status_code == 302
    assert response["Location"] == reverse("immunization:clinic", args=[clinic.pk])
    batch.refresh_from_db()
    appointment.refresh_from_db()
    assert batch.doses_in_stock == 9
    assert appointment.status == Appointment.Status.ATTENDED
    vaccination = Vaccination.objects.get(resident=appointment.resident)
    assert (vaccination.dose, vaccination.batch, vaccination.appointment) == (
        "HepB-1",
        batch,
        appointment,
    )
    assert old.vaccinations.count() == 0


def test_an_expired_batch_shows_the_error_on_the_field_and_changes_nothing(
    client, township_doctor, clinic, appointment
):
    old = make_batch(clinic, "HepB", stock=5, expires_on=in_days(-1), batch_number="B-OLD")
    client.force_login(township_doctor)
    url = reverse("immunization:record_appointment", args=[appointment.pk])
    response = client.post(url, _record_data(old))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "B-OLD" in errors["batch"][0]
    assert "B-OLD" in response.content.decode()
    old.refresh_from_db()
    appointment.refresh_from_db()
    assert old.doses_in_stock == 5
    assert appointment.status == Appointment.Status.BOOKED
    assert not Vaccination.objects.exists()


def test_an_empty_batch_shows_the_error_on_the_field(client, township_doctor, clinic, baby):
    empty = make_batch(clinic, "HepB", stock=0, batch_number="B-EMPTY")
    client.force_login(township_doctor)
    response = client.post(reverse("immunization:record", args=[baby.pk]), _record_data(empty))
    assert response.status_code == 200
    assert "B-EMPTY" in response.context["form"].errors["batch"][0]
    assert not Vaccination.objects.exists()


def test_recording_for_a_resident_warns_when_the_dose_does_not_count(
    client, township_doctor, clinic, county
):
    ipv = make_batch(clinic, "IPV", batch_number="IPV-01")
    baby = make_infant(county, days_old=70)
    client.force_login(township_doctor)
    url = reverse("immunization:record", args=[baby.pk])
    assert "IPV-1" in dict(client.get(url).context["form"].fields["dose"].choices)
    too_young = baby.birth_date + timedelta(days=10)
    response = client.post(
        url, _record_data(ipv, dose="IPV-1", given_on=str(too_young)), follow=True
    )
    assert response.status_code == 200
    levels = [message.level_tag for message in response.context["messages"]]
    assert levels == ["success", "warning"]
    assert Vaccination.objects.get(resident=baby).given_on == too_young


def test_outsider_gets_404_on_the_record_pages(client, outsider, baby, appointment):
    client.force_login(outsider)
    assert client.get(reverse("immunization:record", args=[baby.pk])).status_code == 404
    url = reverse("immunization:record_appointment", args=[appointment.pk])
    assert client.get(url).status_code == 404


def test_adverse_event_is_saved_and_audited(client, township_doctor, batch, baby):
    recorded = actions.record_vaccination(
        township_doctor, baby, batch, "left arm", "IM", timezone.localdate()
    )
    client.force_login(township_doctor)
    book = client.get(reverse("immunization:book", args=[baby.pk])).content.decode()
    url = reverse("immunization:adverse_event", args=[recorded.vaccination.pk])
    assert url in book
    response = client.post(
        url,
        {"onset_on": str(timezone.localdate()), "severity": "mild", "description": "发热 38.2℃"},
    )
    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert (event.vaccination, event.severity) == (recorded.vaccination, "mild")
    assert AuditEntry.objects.filter(
        object_type=actions.ADVERSE_EVENT, object_id=str(event.pk), action="create"
    ).exists()


def test_adverse_event_errors_are_shown_on_the_fields(client, township_doctor, batch, baby):
    recorded = actions.record_vaccination(
        township_doctor, baby, batch, "", "IM", timezone.localdate()
    )
    client.force_login(township_doctor)
    url = reverse("immunization:adverse_event", args=[recorded.vaccination.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        url, {"onset_on": str(yesterday), "severity": "mild", "description": "红肿"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["onset_on"]
    response = client.post(url, {"onset_on": str(timezone.localdate()), "severity": "mild"})
    assert response.context["form"].errors["description"]
    assert not AdverseEvent.objects.exists()


def test_outsider_gets_404_on_the_adverse_event_page(
    client, township_doctor, outsider, batch, baby
):
    recorded = actions.record_vaccination(
        township_doctor, baby, batch, "", "IM", timezone.localdate()
    )
    client.force_login(outsider)
    url = reverse("immunization:adverse_event", args=[recorded.vaccination.pk])
    assert client.get(url).status_code == 404


def test_campaign_books_children_in_scope_only(client, township_doctor, county, clinic, batch):
    slot = make_slot(clinic, capacity=1)
    first = make_infant(county, days_old=90, name="甲一")
    second = make_infant(county, days_old=80, name="甲二")
    theirs = make_infant(county, days_old=85, name="丙一")
    theirs.village = county.village_c
    theirs.save()
    client.force_login(township_doctor)
    clinics = client.get(reverse("immunization:clinics")).content.decode()
    assert reverse("immunization:campaign") in clinics
    response = client.post(
        reverse("immunization:campaign"),
        {
            "clinic": clinic.pk,
            "vaccine": "HepB",
            "birth_from": str(in_days(-120)),
            "birth_to": str(in_days(-30)),
            "dates": f"{slot.session.date}",
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.booked, result.not_placed) == (1, 1)
    assert list(Appointment.objects.values_list("resident_id", flat=True)) == [first.pk]
    assert not Appointment.objects.filter(resident__in=[second.pk, theirs.pk]).exists()


def test_campaign_form_refuses_bad_dates(client, township_doctor, clinic):
    client.force_login(township_doctor)
    response = client.post(
        reverse("immunization:campaign"),
        {
            "clinic": clinic.pk,
            "vaccine": "HepB",
            "birth_from": str(in_days(-30)),
            "birth_to": str(in_days(-120)),
            "dates": "2026-13-01",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"dates", "birth_to"}
    assert response.context["result"] is None


def test_campaign_page_is_not_for_village_doctors(client, village_doctor):
    client.force_login(village_doctor)
    assert client.get(reverse("immunization:campaign")).status_code == 404
