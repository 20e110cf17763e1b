"""The programme records API (PH-2, PH-6): shapes, the house error format, scope and roles."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from jiceng.testing import ResidentFactory, make_user
from programmes.models import EducationActivity, Enrolment, Programme, Visit
from programmes.tests.test_record_pages import add_visit, make_enrolment

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programmes/records"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def htn(county):
    return make_enrolment(county.resident_a, Programme.HYPERTENSION, diagnosis_icd10="I10")


def post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_an_enrolment_comes_with_its_schedule_and_visits(sign_in, village_doctor, htn):
    add_visit(htn, 10, "controlled", sbp=130, dbp=80)
    body = sign_in(village_doctor).get(f"{BASE}/enrolments/{htn.pk}").json()
    assert body["programme"] == "hypertension"
    assert body["status"] == "active"
    assert "*" in body["citizen_id"]
    assert body["schedule"][0]["status"] == "done"
    assert body["schedule"][-1]["status"] == "next"
    assert body["visits"][0]["sbp"] == 130
    assert body["visits"][0]["classification_label"] == "controlled"


def test_a_residents_enrolments_list_masks_the_id(sign_in, county, village_doctor, htn):
    make_enrolment(county.resident_a, Programme.ELDERLY, status="proposed")
    rows = sign_in(village_doctor).get(f"{BASE}/residents/{county.resident_a.pk}/enrolments").json()
    assert [row["programme"] for row in rows] == ["elderly", "hypertension"]
    assert county.resident_a.citizen_id not in str(rows)
    assert rows[1]["next_contact"] == "followup"
    assert rows[1]["next_contact_label"] == "follow-up visit"


def test_enrol_checks_eligibility_on_the_programme_field(sign_in, county, village_doctor):
    client = sign_in(village_doctor)
    refused = post(
        client,
        f"/residents/{county.child_a.pk}/enrolments",
        {"programme": "diabetes", "on_date": str(TODAY), "diagnosis_icd10": "E11"},
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "programme"
    assert refused.json()["message"].startswith("This programme enrols people aged 35 and over")
    accepted = post(
        client,
        f"/residents/{county.resident_a.pk}/enrolments",
        {"programme": "diabetes", "on_date": str(TODAY), "diagnosis_icd10": "E11"},
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["next_contact"] == "followup"
    again = post(
        client,
        f"/residents/{county.resident_a.pk}/enrolments",
        {"programme": "diabetes", "on_date": str(TODAY), "diagnosis_icd10": "E11"},
    )
    assert (again.status_code, again.json()["code"]) == (400, "already_enrolled")


def test_a_visit_is_classified_on_the_server_and_returns_the_next_contact(
    sign_in, village_doctor, htn
):
    response = post(
        sign_in(village_doctor),
        f"/enrolments/{htn.pk}/visits",
        {"sbp": 182, "dbp": 95, "classification": "controlled"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["classification"], body["urgent_referral"], body["referral"]) == (
        "uncontrolled", True, True,
    )  # fmt: skip
    assert body["advice"][0].startswith("Urgent referral")
    assert body["next_due"]["due_on"] == str(TODAY + timedelta(days=14))
    assert body["visit"]["contact"] == "followup"
    assert body["visit"]["urgent_referral"] is True
    htn.refresh_from_db()
    assert htn.next_due_on == TODAY + timedelta(days=14)


def test_a_visit_out_of_range_is_refused_on_the_field(sign_in, village_doctor, htn):
    response = post(sign_in(village_doctor), f"/enrolments/{htn.pk}/visits", {"sbp": 40, "dbp": 30})
    assert response.status_code == 400
    assert response.json() == {
        "code": "out_of_range",
        "message": "Systolic BP must be between 60 and 300 mmHg.",
        "field": "sbp",
    }
    missing = post(sign_in(village_doctor), f"/enrolments/{htn.pk}/visits", {"sbp": 140})
    assert missing.json()["field"] == "dbp"
    assert not Visit.objects.exists()


def test_the_tb_phase_change_moves_the_visit_interval(sign_in, county, township_doctor):
    tb = make_enrolment(
        county.resident_b, Programme.TB, days_ago=40, tb_phase="intensive",
        tb_supervisor="family_member", diagnosis_icd10="A15",
    )  # fmt: skip
    add_visit(tb, 35, "", contact="first_home")
    body = post(
        sign_in(township_doctor),
        f"/enrolments/{tb.pk}/visits",
        {"contact": "tb_visit", "tb_phase": "continuation", "tb_supervisor": "family_member",
         "doses_missed": 1},
    ).json()  # fmt: skip
    assert body["next_due"]["due_on"] == str(TODAY + timedelta(days=30))
    tb.refresh_from_db()
    assert tb.tb_phase == "continuation"


def test_confirm_decline_and_exit(sign_in, county, village_doctor, htn):
    client = sign_in(village_doctor)
    proposal = make_enrolment(county.resident_a, Programme.ELDERLY, status="proposed")
    assert post(client, f"/enrolments/{proposal.pk}/confirm", {}).json()["status"] == "active"
    again = post(client, f"/enrolments/{proposal.pk}/confirm", {})
    assert (again.status_code, again.json()["code"], again.json()["field"]) == (
        400, "not_proposed", "status",
    )  # fmt: skip
    neighbour = ResidentFactory(village=county.village_a, name="赵大爷")
    other = make_enrolment(neighbour, Programme.ELDERLY, status="proposed")
    declined = post(client, f"/enrolments/{other.pk}/decline", {"note": "lives in the city"})
    assert declined.json()["status"] == "declined"
    bad_exit = post(client, f"/enrolments/{htn.pk}/exit", {"reason": "bored"})
    assert (bad_exit.status_code, bad_exit.json()["field"]) == (400, "reason")
    closed = post(client, f"/enrolments/{htn.pk}/exit", {"reason": "deceased"})
    assert (closed.json()["status"], closed.json()["exit_reason"]) == ("exited", "deceased")


def test_outside_the_scope_nothing_exists(sign_in, county, outsider, resident_user, htn):
    for user in (outsider, resident_user):
        client = sign_in(user)
        assert client.get(f"{BASE}/enrolments/{htn.pk}").json()["code"] == "not_found"
        response = post(client, f"/enrolments/{htn.pk}/visits", {"sbp": 130, "dbp": 80})
        assert response.status_code == 404
    assert (
        sign_in(outsider).get(f"{BASE}/residents/{county.resident_a.pk}/enrolments").status_code
        == 404
    )


def test_readers_get_403_on_changes(sign_in, county, htn):
    cdc = make_user("cdc", Role.CDC, division=county.county)
    client = sign_in(cdc)
    assert client.get(f"{BASE}/enrolments/{htn.pk}").status_code == 200
    response = post(client, f"/enrolments/{htn.pk}/visits", {"sbp": 130, "dbp": 80})
    assert (response.status_code, response.json()["code"]) == (403, "not_allowed")
    assert not Visit.objects.exists()
    assert Enrolment.objects.get(pk=htn.pk).last_visit_on is None


def test_education_is_listed_and_recorded(sign_in, county, village_doctor, outsider):
    client = sign_in(village_doctor)
    created = post(
        client,
        "/education",
        {"institution_id": county.clinic_a.pk, "kind": "lecture", "topic": "高血压防治",
         "audience": "hypertension", "place": "甲村村委会", "date": str(TODAY), "attendance": 35},
    )  # fmt: skip
    assert created.status_code == 200, created.json()
    activity_id = created.json()["id"]
    assert [row["id"] for row in client.get(f"{BASE}/education").json()] == [activity_id]
    changed = post(
        client,
        f"/education/{activity_id}",
        {**created.json(), "attendance": 40, "institution_id": county.clinic_a.pk},
    )
    assert changed.json()["attendance"] == 40
    future = post(
        client,
        "/education",
        {"institution_id": county.clinic_a.pk, "kind": "lecture", "topic": "x", "place": "y",
         "date": str(TODAY + timedelta(days=3))},
    )  # fmt: skip
    assert (future.status_code, future.json()["field"]) == (400, "date")
    elsewhere = post(
        client,
        "/education",
        {"institution_id": county.clinic_c.pk, "kind": "lecture", "topic": "x", "place": "y",
         "date": str(TODAY)},
    )  # fmt: skip
    assert elsewhere.json()["field"] == "institution_id"
    assert sign_in(outsider).get(f"{BASE}/education").json() == []
    assert post(sign_in(outsider), f"/education/{activity_id}", created.json()).status_code == 404
    assert EducationActivity.objects.get().recorded_by == village_doctor
