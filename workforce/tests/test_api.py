"""Staff API: scoped and audited like the pages; outsiders get 404; editors add records."""

import io

import openpyxl
import pytest
from django.test import Client

from accounts.api_auth import issue_token
from accounts.models import AuditEntry
from workforce import queries
from workforce.models import GuidanceVisit
from workforce.subsidies import rates_from_parameters

from .test_roster import CHINESE_HEADERS, csv_bytes, rows_for
from .test_subsidy_pages import PARAMETERS


@pytest.fixture
def api():
    """A client for ``user`` with a bearer token (county roles cannot use an unverified session)."""

    def client_for(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'test')}")

    return client_for


def test_list_is_scoped_and_audited(staff, township_doctor, api):
    body = api(township_doctor).get("/api/v1/workforce/staff").json()
    assert body["count"] == 2
    assert sorted(item["name"] for item in body["items"]) == ["甲村医", "米山医生"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.purpose) == (
        "list",
        "workforce.staff",
        "api list",
    )


def test_filters_and_search(staff, county_officer, api):
    client = api(county_officer)
    assert [
        i["name"]
        for i in client.get(
            "/api/v1/workforce/staff", {"profession": "village_doctor", "q": "丙"}
        ).json()["items"]
    ] == ["丙村医"]
    assert client.get("/api/v1/workforce/staff", {"licensed": "true"}).json()["count"] == 0
    assert AuditEntry.objects.filter(action="search").count() == 1


def test_outsider_gets_404_and_finds_nothing(staff, outsider, api):
    client = api(outsider)
    response = client.get(f"/api/v1/workforce/staff/{staff['a'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    for query in ("甲村医", "A001"):
        assert client.get("/api/v1/workforce/staff", {"q": query}).json() == {
            "items": [],
            "count": 0,
        }
    response = client.post(
        f"/api/v1/workforce/staff/{staff['a'].pk}/trainings",
        {"topic": "x", "level": "county", "started_on": "2025-01-01", "ended_on": "2025-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__in=["read", "update"]).exists()


def test_detail_has_certificates_posts_trainings_visits(staff, county, township_doctor, api):
    person = staff["a"]
    person.certificates.create(kind="village_doctor", number="VD-1")
    person.posts.create(institution=county.thc1, kind="home", started_on="2000-01-01")
    person.trainings.create(
        topic="t", level="county", started_on="2025-01-01", ended_on="2025-01-10"
    )
    GuidanceVisit.objects.create(
        staff=person,
        host=county.clinic_a,
        kind="rounds",
        started_on="2025-02-01",
        ended_on="2025-02-02",
    )
    body = api(township_doctor).get(f"/api/v1/workforce/staff/{person.pk}").json()
    assert body["certificates"][0]["number"] == "VD-1"
    assert body["posts"][0]["institution_name"] == "米山镇卫生院"
    assert body["trainings"][0]["days"] == 10
    assert body["training_years"] == [{"year": 2025, "count": 1, "days": 10, "meets_hr5": False}]
    assert body["guidance_visits"][0]["host_name"] == "甲村卫生室"
    assert body["township_service"]["flagged"] is True
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("read", str(person.pk))


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("certificates", {"kind": "village_doctor", "number": "N-1"}, "number"),
        (
            "trainings",
            {
                "topic": "急救",
                "level": "county",
                "started_on": "2025-03-01",
                "ended_on": "2025-03-03",
            },
            "topic",
        ),
    ],
)
def test_editor_adds_records_audited(staff, township_doctor, api, path, payload, field):
    response = api(township_doctor).post(
        f"/api/v1/workforce/staff/{staff['a'].pk}/{path}", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()[field] == payload[field]
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.object_id == str(staff["a"].pk)


def test_editor_adds_a_visit(staff, county, group_manager, api):
    response = api(group_manager).post(
        f"/api/v1/workforce/staff/{staff['hospital'].pk}/visits",
        {
            "host_id": county.thc1.pk,
            "kind": "expert_clinic",
            "started_on": "2025-04-01",
            "ended_on": "2025-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["host_name"] == "米山镇卫生院"
    assert staff["hospital"].guidance_visits.count() == 1


def test_invalid_period_names_the_field(staff, township_doctor, api):
    response = api(township_doctor).post(
        f"/api/v1/workforce/staff/{staff['a'].pk}/trainings",
        {"topic": "x", "level": "county", "started_on": "2025-03-05", "ended_on": "2025-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "ended_on"


def test_who_may_only_look_gets_403(staff, village_doctor, api):
    response = api(village_doctor).post(
        f"/api/v1/workforce/staff/{staff['a'].pk}/certificates",
        {"kind": "village_doctor"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_subsidies(county, staff, township_doctor, api, monkeypatch):
    monkeypatch.setattr(queries, "county_subsidy_rates", lambda: rates_from_parameters(PARAMETERS))
    county.village_a.population = 500
    county.village_a.save()
    body = api(township_doctor).get("/api/v1/workforce/subsidies").json()
    [doctor] = body["doctors"]
    assert doctor["name"] == "甲村医"
    assert (
        doctor["subsidised_population"] == "800.00" or float(doctor["subsidised_population"]) == 800
    )
    fee = next(line for line in doctor["lines"] if line["key"] == "consultation_fee")
    assert (fee["amount"], fee["recorded"]) == (None, False)
    assert body["clinics"][0]["citation"] == ["WD-10"]


def test_roster_import(county, township_doctor, api):
    upload = io.BytesIO(csv_bytes(CHINESE_HEADERS, rows_for(county)))
    upload.name = "roster.csv"
    response = api(township_doctor).post("/api/v1/workforce/roster", {"file": upload})
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["rejected_rows"]) == (2, 3)
    assert {"row": 4, "column": "出生日期", "value": "1980-13-40"}.items() <= body["rejections"][
        0
    ].items()


def test_roster_import_is_for_editors(county, village_doctor, api):
    upload = io.BytesIO(b"a,b\n")
    upload.name = "roster.csv"
    assert api(village_doctor).post("/api/v1/workforce/roster", {"file": upload}).status_code == 403


def test_export(staff, township_doctor, api):
    response = api(township_doctor).get(
        "/api/v1/workforce/staff/export.xlsx", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "Staff number"
    assert sorted(row[1] for row in rows[1:]) == ["甲村医", "米山医生"]
    assert AuditEntry.objects.get().action == "export"
