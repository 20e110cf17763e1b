"""The programme pages for doctors (PH-2, PH-8): the resident's programmes and chronic disease
path, the enrolment page, the visit form with its live assessment, and scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEntry, Role
from jiceng.testing import ResidentFactory, StaffFactory, make_user
from programmes import services
from programmes.models import Enrolment, PathEvent, Programme, Visit
from residents.models import HistoryItem

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def make_enrolment(resident, programme, *, days_ago=30, status="active", **facts):
    """An enrolment ``days_ago`` days old, with its next contact computed by the services."""
    start = TODAY - timedelta(days=days_ago)
    enrolment = Enrolment.objects.create(
        resident=resident,
        programme=programme,
        status=status,
        proposed_on=start,
        enrolled_on=start if status == "active" else None,
        **facts,
    )
    services.refresh_schedules(Enrolment.objects.filter(pk=enrolment.pk))
    enrolment.refresh_from_db()
    return enrolment


def add_visit(enrolment, days_ago, classification, *, contact="followup", **readings):
    return Visit.objects.create(
        enrolment=enrolment,
        resident=enrolment.resident,
        programme=enrolment.programme,
        contact=contact,
        date=TODAY - timedelta(days=days_ago),
        classification=classification,
        **readings,
    )


@pytest.fixture
def htn(county):
    """Hypertension of 王秀英 (66, village A), enrolled a month ago."""
    return make_enrolment(county.resident_a, Programme.HYPERTENSION, diagnosis_icd10="I10")


def visit_data(**changes):
    return {"contact": "followup", "date": str(TODAY), "way": "clinic", **changes}


# The resident record ------------------------------------------------------------------------


def test_resident_page_shows_programmes_path_and_enrol_choices(
    sign_in, county, village_doctor, htn
):
    PathEvent.objects.create(
        resident=county.resident_a, condition="hypertension", stage="screened",
        date=TODAY - timedelta(days=90), sbp=152, dbp=96,
    )  # fmt: skip
    page = sign_in(village_doctor).get(reverse("residents:detail", args=[county.resident_a.pk]))
    body = page.content.decode()
    assert 'id="programmes"' in body
    assert reverse("programmes:enrolment", args=[htn.pk]) in body
    assert "under management" in body
    assert "152/96 mmHg" in body  # the screening on the path
    assert "enrolled" in body
    assert reverse("programmes:enrol", args=[county.resident_a.pk]) in body
    assert '<option value="hypertension">' not in body  # already open: not offered again
    assert AuditEntry.objects.filter(object_type="programmes.enrolment", action="read").exists()


def test_the_resident_sees_no_programme_section_on_their_own_record(
    sign_in, county, resident_user, htn
):
    body = (
        sign_in(resident_user)
        .get(reverse("residents:detail", args=[county.resident_a.pk]))
        .content.decode()
    )
    assert 'id="programmes"' not in body


def test_enrolling_from_the_page_computes_the_first_contact(sign_in, county, village_doctor):
    client = sign_in(village_doctor)
    url = reverse("programmes:enrol", args=[county.resident_a.pk]) + "?programme=diabetes"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"programme": "diabetes", "on_date": str(TODAY), "diagnosis_icd10": "E11"}
    )
    enrolment = Enrolment.objects.get(resident=county.resident_a, programme="diabetes")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:enrolment", args=[enrolment.pk])
    assert enrolment.status == "active"
    assert (enrolment.next_contact, enrolment.next_due_on) == ("followup", TODAY + timedelta(14))
    assert enrolment.institution == county.clinic_a


def test_an_ineligible_enrolment_is_refused_with_the_reason(sign_in, county, village_doctor):
    client = sign_in(village_doctor)
    url = reverse("programmes:enrol", args=[county.child_a.pk])
    response = client.post(
        url, {"programme": "hypertension", "on_date": str(TODAY), "diagnosis_icd10": "I10"}
    )
    assert response.status_code == 400
    assert "This programme enrols people aged 35 and over" in response.content.decode()
    assert not Enrolment.objects.exists()


# The enrolment page -----------------------------------------------------------------------


def test_enrolment_page_masks_the_id_and_lists_every_child_contact(
    sign_in, county, township_doctor
):
    child = make_enrolment(county.child_a, Programme.CHILD, days_ago=2000)
    body = (
        sign_in(township_doctor)
        .get(reverse("programmes:enrolment", args=[child.pk]))
        .content.decode()
    )
    citizen_id = county.child_a.citizen_id
    assert citizen_id not in body
    assert citizen_id[:3] + "*" * 11 + citizen_id[-4:] in body
    for label in ("newborn home visit", "full-month check", "36-month check", "6-year check"):
        assert label in body
    assert "missed" in body
    assert "next contact" in body


def test_a_proposed_enrolment_is_confirmed_with_a_doctor(sign_in, county, village_doctor):
    doctor = StaffFactory.create(institution=county.clinic_a)
    proposal = make_enrolment(county.resident_a, Programme.ELDERLY, status="proposed")
    client = sign_in(village_doctor)
    page = client.get(reverse("programmes:enrolment", args=[proposal.pk])).content.decode()
    assert reverse("programmes:confirm", args=[proposal.pk]) in page
    response = client.post(
        reverse("programmes:confirm", args=[proposal.pk]),
        {"on_date": str(TODAY), "doctor": doctor.pk},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.doctor, proposal.next_contact) == (
        "active",
        doctor,
        "annual_check",
    )


def test_declining_needs_a_note_and_exiting_a_reason(sign_in, county, village_doctor, htn):
    client = sign_in(village_doctor)
    proposal = make_enrolment(county.resident_a, Programme.ELDERLY, status="proposed")
    assert client.post(reverse("programmes:decline", args=[proposal.pk]), {}).status_code == 400
    client.post(reverse("programmes:decline", args=[proposal.pk]), {"note": "refused"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.exit_note) == ("declined", "refused")
    url = reverse("programmes:exit", args=[htn.pk])
    refused = client.post(url, {"exited_on": str(TODAY)})
    assert refused.status_code == 400
    assert "exit_reason" in refused.context["exit_form"].errors
    client.post(url, {"exit_reason": "moved_out", "exited_on": str(TODAY), "note": "to Taiyuan"})
    htn.refresh_from_db()
    assert (htn.status, htn.exit_reason, htn.next_contact) == ("exited", "moved_out", "")


# The visit form and its live assessment ------------------------------------------------------


def test_preview_of_180_over_100_advises_urgent_referral(sign_in, village_doctor, htn):
    response = sign_in(village_doctor).post(
        reverse("programmes:visit_preview", args=[htn.pk]),
        visit_data(sbp="180", dbp="100"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # the partial alone
    assert "Urgent referral" in body
    assert "follow up within 2 weeks" in body
    assert (TODAY + timedelta(days=14)).isoformat() in body


def test_second_consecutive_uncontrolled_visit_is_referred(sign_in, village_doctor, htn):
    add_visit(htn, 14, "uncontrolled", sbp=156, dbp=94)
    body = (
        sign_in(village_doctor)
        .post(reverse("programmes:visit_preview", args=[htn.pk]), visit_data(sbp="158", dbp="95"))
        .content.decode()
    )
    assert "Referral" in body
    assert "Urgent referral" not in body
    assert "Refer to a higher-level hospital and follow up within 2 weeks." in body
    assert "The previous visit was off target too." in body


def test_a_first_uncontrolled_visit_is_revisited_in_two_weeks(sign_in, village_doctor, htn):
    add_visit(htn, 14, "controlled", sbp=132, dbp=82)
    body = (
        sign_in(village_doctor)
        .post(reverse("programmes:visit_preview", args=[htn.pk]), visit_data(sbp="158", dbp="95"))
        .content.decode()
    )
    assert "uncontrolled" in body
    assert "Referral" not in body
    assert "Adjust the medication and re-visit within 2 weeks." in body


def test_preview_names_a_reading_out_of_range_and_waits_for_the_rest(sign_in, village_doctor, htn):
    body = (
        sign_in(village_doctor)
        .post(reverse("programmes:visit_preview", args=[htn.pk]), visit_data(sbp="400"))
        .content.decode()
    )
    assert "Systolic BP must be between 60 and 300 mmHg." in body
    assert "This field is required" not in body
    assert "Enter the readings to see" in body


def test_saving_a_visit_classifies_on_the_server_and_moves_the_next_contact(
    sign_in, village_doctor, htn
):
    before = htn.next_due_on
    client = sign_in(village_doctor)
    url = reverse("programmes:visit", args=[htn.pk])
    page = client.get(url).content.decode()
    assert 'hx-post="' + reverse("programmes:visit_preview", args=[htn.pk]) in page
    assert 'value="followup" selected' in page
    response = client.post(
        url,
        visit_data(sbp="132", dbp="84", weight_kg="60", height_cm="160", classification="unstable"),
        follow=True,
    )
    visit = Visit.objects.get(enrolment=htn)
    htn.refresh_from_db()
    assert (visit.classification, visit.referral, visit.urgent_referral) == (
        "controlled", False, False,
    )  # fmt: skip
    assert visit.data["bmi"] == 23.4
    assert visit.recorded_by == village_doctor
    assert htn.last_visit_on == TODAY
    assert htn.next_due_on == TODAY + timedelta(days=91) != before
    assert visit.next_due_on == htn.next_due_on
    assert response.redirect_chain[-1][0] == reverse("programmes:enrolment", args=[htn.pk])
    assert f"Next visit by {htn.next_due_on.isoformat()}." in response.content.decode()


def test_a_refused_visit_shows_the_errors_and_the_assessment_without_javascript(
    sign_in, village_doctor, htn
):
    response = sign_in(village_doctor).post(
        reverse("programmes:visit", args=[htn.pk]),
        visit_data(sbp="182", dbp="95", date=str(TODAY + timedelta(days=2))),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The visit date is in the future." in body
    assert not Visit.objects.exists()


def test_an_urgent_visit_is_saved_as_such(sign_in, village_doctor, htn):
    sign_in(village_doctor).post(
        reverse("programmes:visit", args=[htn.pk]),
        visit_data(sbp="150", dbp="92", symptoms=["severe_headache"]),
    )
    visit = Visit.objects.get(enrolment=htn)
    assert (visit.classification, visit.urgent_referral, visit.referral) == (
        "uncontrolled", True, True,
    )  # fmt: skip
    assert visit.data["symptoms"] == ["severe_headache"]


def test_closed_enrolments_take_no_visits(sign_in, county, village_doctor):
    closed = make_enrolment(county.resident_a, Programme.ELDERLY, status="proposed")
    response = sign_in(village_doctor).get(reverse("programmes:visit", args=[closed.pk]))
    assert response.status_code == 302


# Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["enrolment", "visit", "visit_preview"])
def test_outside_the_scope_an_enrolment_does_not_exist(sign_in, outsider, htn, name):
    client = sign_in(outsider)
    url = reverse(f"programmes:{name}", args=[htn.pk])
    response = client.post(url, visit_data()) if name == "visit_preview" else client.get(url)
    assert response.status_code == 404


def test_residents_have_no_programme_pages(sign_in, county, resident_user, htn):
    client = sign_in(resident_user)
    assert client.get(reverse("programmes:enrolment", args=[htn.pk])).status_code == 404
    enrol = reverse("programmes:enrol", args=[county.resident_a.pk]) + "?programme=elderly"
    assert client.get(enrol).status_code == 404


def test_other_village_residents_cannot_be_enrolled(sign_in, county, outsider):
    url = reverse("programmes:enrol", args=[county.resident_a.pk]) + "?programme=elderly"
    assert sign_in(outsider).get(url).status_code == 404


def test_readers_may_look_but_not_record(sign_in, county, htn):
    cdc = make_user("cdc", Role.CDC, division=county.county)
    client = sign_in(cdc)
    assert client.get(reverse("programmes:enrolment", args=[htn.pk])).status_code == 200
    assert client.get(reverse("programmes:visit", args=[htn.pk])).status_code == 403


# The chronic disease path (PH-8) -----------------------------------------------------------


def test_three_high_days_make_suspected_hypertension_then_refer_and_confirm(
    sign_in, county, township_doctor
):
    resident = county.resident_b  # 李建国, 66, village B (township 1)
    client = sign_in(township_doctor)
    for days_ago in (20, 10):
        PathEvent.objects.create(
            resident=resident, condition="hypertension", stage="screened",
            date=TODAY - timedelta(days=days_ago), sbp=150, dbp=95,
        )  # fmt: skip
    screening = reverse("programmes:screening", args=[resident.pk])
    response = client.post(
        screening, {"date": str(TODAY), "sbp": "148", "dbp": "96", "fpg_mmol_l": "5.2"}, follow=True
    )
    body = response.content.decode()
    assert "Suspected hypertension (high on 3 different days)" in body
    assert "Fasting glucose screening: normal." in body
    assert PathEvent.objects.filter(resident=resident, stage="suspected").count() == 1
    assert "Refer to confirm" in body

    path = reverse("programmes:path_step", args=[resident.pk])
    client.post(path, {"condition": "hypertension", "stage": "referred", "date": str(TODAY)})
    response = client.post(
        path, {"condition": "hypertension", "stage": "confirmed", "date": str(TODAY)}
    )
    enrolment = Enrolment.objects.get(resident=resident, programme="hypertension")
    assert response["Location"] == reverse("programmes:enrolment", args=[enrolment.pk])
    assert (enrolment.status, enrolment.reason, enrolment.diagnosis_icd10) == (
        "active", "diagnosis", "I10",
    )  # fmt: skip
    assert HistoryItem.objects.filter(resident=resident, icd10="I10", kind="disease").exists()
    stages = list(
        PathEvent.objects.filter(resident=resident, condition="hypertension")
        .order_by("date", "id")
        .values_list("stage", flat=True)
    )
    assert stages == ["screened", "screened", "screened", "suspected", "referred", "confirmed"]

    body = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    timeline = body[body.index('id="chronic-path"') :]
    order = [timeline.index(word) for word in ("suspected", "referred to confirm",
                                                "diagnosis confirmed", "enrolled")]  # fmt: skip
    assert order == sorted(order)


def test_a_step_that_does_not_follow_the_path_is_refused(sign_in, county, village_doctor):
    response = sign_in(village_doctor).post(
        reverse("programmes:path_step", args=[county.resident_a.pk]),
        {"condition": "diabetes", "stage": "confirmed", "date": str(TODAY)},
        follow=True,
    )
    assert "This step does not follow the path" in response.content.decode()
    assert not PathEvent.objects.exists()


def test_high_glucose_is_suspected_diabetes(sign_in, county, village_doctor):
    sign_in(village_doctor).post(
        reverse("programmes:screening", args=[county.resident_a.pk]),
        {"date": str(TODAY), "fpg_mmol_l": "7.4"},
    )
    assert list(
        PathEvent.objects.order_by("id").values_list("condition", "stage", "fpg_mmol_l")
    ) == [("diabetes", "screened", 7.4), ("diabetes", "suspected", None)]


PROGRAMME_VISITS = [
    ("baby", Programme.CHILD, {}, {"contact": "m6", "child_weight_kg": "8.1",
                                      "child_length_cm": "68"}),
    ("resident_a", Programme.MATERNAL, {"lmp_date": TODAY - timedelta(weeks=18)},
     {"contact": "antenatal_2", "gestational_weeks": "18", "sbp": "118", "dbp": "76"}),
    ("resident_a", Programme.ELDERLY, {}, {"contact": "annual_check", "sbp": "150",
                                          "dbp": "88", "fpg_mmol_l": "7.3"}),
    ("resident_a", Programme.DIABETES, {}, {"sbp": "130", "dbp": "80", "fpg_mmol_l": "17.0"}),
    ("resident_a", Programme.SMD, {}, {"risk_level": "3", "psychotic_symptoms": "none",
                                      "insight": "recovered", "social_function": "good"}),
    ("resident_a", Programme.TB, {"tb_phase": "intensive", "tb_supervisor": "family_member"},
     {"contact": "first_home", "tb_phase": "intensive", "tb_supervisor": "family_member"}),
]  # fmt: skip


@pytest.mark.parametrize(("who", "programme", "facts", "readings"), PROGRAMME_VISITS)
def test_every_programme_has_its_visit_form_preview_and_save(
    sign_in, county, village_doctor, who, programme, facts, readings
):
    resident = (
        ResidentFactory.create(village=county.village_a, birth_date=TODAY - timedelta(days=185))
        if who == "baby"
        else getattr(county, who)
    )
    enrolment = make_enrolment(resident, programme, days_ago=20, **facts)
    client = sign_in(village_doctor)
    assert client.get(reverse("programmes:visit", args=[enrolment.pk])).status_code == 200
    data = visit_data(**readings)
    preview = client.post(reverse("programmes:visit_preview", args=[enrolment.pk]), data)
    assert "assessment__next" in preview.content.decode()
    saved = client.post(reverse("programmes:visit", args=[enrolment.pk]), data)
    assert saved.status_code == 302, saved.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.last_visit_on == TODAY
    assert enrolment.next_due_on is not None
    page = client.get(reverse("programmes:enrolment", args=[enrolment.pk]))
    assert page.status_code == 200
