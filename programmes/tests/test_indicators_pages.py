"""The programme indicators dashboard, its charts, the Excel export and the API (PH-2, §5): the
same numbers as ``programmes.indicators``, within each persona's area, 404 for the rest."""

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.api_auth import issue_token
from accounts.models import AuditEntry, Role
from jiceng.testing import ResidentFactory, make_user
from programmes.indicators import GROUPS, INDICATORS
from programmes.models import Enrolment, Programme, Visit

PAGE = reverse("programmes:indicators")


@pytest.fixture
def patients(county):
    """Village A: a regular and an irregular hypertension patient; village C: a regular one."""

    def patient(village, months):
        resident = ResidentFactory.create(village=village, birth_date=date(1970, 1, 1))
        enrolment = Enrolment.objects.create(
            resident=resident,
            programme=Programme.HYPERTENSION,
            status=Enrolment.Status.ACTIVE,
            proposed_on=date(2020, 1, 1),
            enrolled_on=date(2020, 1, 1),
        )
        for month in months:
            Visit.objects.create(
                enrolment=enrolment,
                resident=resident,
                programme=Programme.HYPERTENSION,
                contact="followup",
                date=date(2025, month, 1),
                sbp=130,
                dbp=80,
            )

    patient(county.village_a, (2, 5, 8, 11))
    patient(county.village_a, (3,))
    patient(county.village_c, (1, 4, 7, 10))
    return county


def _htn_rows(page):
    """The (label, numerator, denominator) rows of the hypertension management table."""
    section = page.split('id="indicator-htn_standard_management"')[1].split("<h3")[0]
    cells = [cell.split(">", 1)[1].split("</td>")[0].strip() for cell in section.split("<td")[1:]]
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 4)]


def test_county_officer_sees_every_indicator_with_its_definition(patients, county_officer, sign_in):
    response = sign_in(county_officer).get(PAGE, {"period": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in INDICATORS:
        assert f'id="indicator-{indicator.code}"' in page
        assert indicator.numerator_definition() in page
    assert "PH-2; BPHS3 §5" in page
    assert _htn_rows(page) == [("高平市", "2", "3")]
    for group in GROUPS:
        assert reverse("programmes:indicators_chart", args=[group]) in page


def test_level_selector_groups_the_rows(patients, county_officer, sign_in):
    page = sign_in(county_officer).get(PAGE, {"period": "2025", "level": "village"})
    assert _htn_rows(page.content.decode()) == [
        ("甲村", "1", "2"),
        ("乙村", "0", "0"),
        ("丙村", "1", "1"),
    ]


def test_village_doctor_sees_only_their_village(patients, village_doctor, sign_in):
    page = sign_in(village_doctor).get(PAGE, {"period": "2025", "level": "village"})
    assert _htn_rows(page.content.decode()) == [("甲村", "1", "2")]


def test_township_doctor_sees_their_townships_villages(patients, township_doctor, sign_in):
    page = sign_in(township_doctor).get(PAGE, {"period": "2025", "level": "township"})
    assert _htn_rows(page.content.decode()) == [("米山镇", "1", "2")]


def test_the_current_year_is_the_default_period(patients, county_officer, sign_in):
    response = sign_in(county_officer).get(PAGE)
    assert response.status_code == 200
    assert response.context["period"].start == date(timezone.localdate().year, 1, 1)


def test_a_bad_period_is_shown_on_the_form(county_officer, sign_in):
    response = sign_in(county_officer).get(PAGE, {"period": "2025Q9"})
    assert response.status_code == 400
    assert "2025Q9" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_chart_is_an_svg_loading_nothing_from_elsewhere(
    patients, county_officer, sign_in, group
):
    response = sign_in(county_officer).get(
        reverse("programmes:indicators_chart", args=[group]), {"period": "2025"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith(("<?xml", "<svg"))
    assert '<script type="text/javascript" xlink:href' not in svg
    assert "kozea.github.io" not in svg


def test_chart_draws_the_rates_of_its_group(patients, county_officer, sign_in):
    svg = (
        sign_in(county_officer)
        .get(reverse("programmes:indicators_chart", args=["chronic"]), {"period": "2025"})
        .content.decode()
    )
    assert "66.7 %" in svg  # 2 of 3 managed per specification
    assert "高平市" in svg


def test_unknown_chart_is_404_and_bad_period_400(county_officer, sign_in):
    client = sign_in(county_officer)
    assert client.get(reverse("programmes:indicators_chart", args=["nope"])).status_code == 404
    bad = client.get(reverse("programmes:indicators_chart", args=["chronic"]), {"period": "x"})
    assert bad.status_code == 400


def test_excel_export_has_a_row_per_indicator_and_level_row(patients, county_officer, sign_in):
    response = sign_in(county_officer).get(
        PAGE, {"period": "2025", "level": "township", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * len(INDICATORS)  # header, then two townships per indicator
    htn = [row for row in rows[1:] if row[0] == "htn_standard_management"]
    assert [(row[4], row[5], row[6]) for row in htn] == [("米山镇", 1, 2), ("三甲镇", 1, 1)]
    entry = AuditEntry.objects.filter(object_type="programmes.indicator").latest("pk")
    assert (entry.user_id_value, entry.action) == (county_officer.pk, "export")


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.SPECIALIST])
def test_residents_and_specialists_get_404(county, role, sign_in):
    user = make_user(f"u_{role}", role, institution=county.thc1, resident=county.resident_a)
    client = sign_in(user)
    assert client.get(PAGE).status_code == 404
    assert client.get(reverse("programmes:indicators_chart", args=["chronic"])).status_code == 404


def test_staff_without_an_area_get_404(county, sign_in):
    assert sign_in(make_user("nobody", Role.TOWNSHIP_STAFF)).get(PAGE).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- API --------------------------------------------------------------------------------------


def _api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'indicators')}")


def test_api_returns_definitions_and_rows(patients, township_doctor):
    response = _api(township_doctor).get(
        "/api/v1/programmes/indicators", {"period": "2025", "level": "village"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["start"], body["end"], body["level"]) == (
        "2025",
        "2025-01-01",
        "2025-12-31",
        "village",
    )
    found = {item["code"]: item for item in body["indicators"]}
    assert list(found) == [indicator.code for indicator in INDICATORS]
    htn = found["htn_standard_management"]
    assert htn["citation"] == "PH-2; BPHS3 §5"
    assert htn["confidence"] == "V"
    assert [(r["label"], r["numerator"], r["denominator"], r["rate"]) for r in htn["rows"]] == [
        ("甲村", 1, 2, 50.0),
        ("乙村", 0, 0, None),
    ]


def test_api_refuses_a_bad_period_on_the_period_field(county_officer):
    response = _api(county_officer).get("/api/v1/programmes/indicators", {"period": "2025-13"})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid_period", "period")


def test_api_refuses_a_bad_level_and_a_missing_period(county_officer):
    client = _api(county_officer)
    bad_level = client.get("/api/v1/programmes/indicators", {"period": "2025", "level": "x"})
    assert (bad_level.status_code, bad_level.json()["field"]) == (422, "level")
    missing = client.get("/api/v1/programmes/indicators")
    assert (missing.status_code, missing.json()["field"]) == (422, "period")


def test_api_is_404_for_a_resident(county):
    user = make_user("jumin", Role.RESIDENT, resident=county.resident_a)
    response = _api(user).get("/api/v1/programmes/indicators", {"period": "2025"})
    assert response.status_code == 404
