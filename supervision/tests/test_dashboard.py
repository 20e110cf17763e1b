"""The supervision dashboard, its drill-down and article pages, the API and ``jiceng check``
(SUP-7): the same results everywhere, for the roles that supervise, and 404 for the rest."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.api_auth import issue_token
from accounts.models import AuditEntry, Role
from institutions.models import Capabilities, Institution
from jiceng.testing import StaffFactory, make_user, signed_in_client
from workforce.models import Staff


@pytest.fixture
def gaps(county):
    """Township 2's THC has no TCM hall (ORG-9 fails); a county-hospital doctor of mid-level
    title gave no guidance visit (HR-4 fails, naming a person)."""
    for institution in Institution.objects.all():
        Capabilities.objects.create(
            institution=institution,
            has_tcm_hall=institution != county.thc2,
            stocks_chinese_patent_medicines=True,
        )
    for thc in (county.thc1, county.thc2):
        StaffFactory(institution=thc, department="中医科", name="中医甲")
    StaffFactory(
        institution=county.hospital,
        name="未下乡",
        title_level=Staff.TitleLevel.INTERMEDIATE,
        department="内科",
    )
    return county


def test_county_officer_sees_every_rule_of_the_county_pack(gaps, county_officer):
    response = signed_in_client(county_officer).get(reverse("supervision:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cn/shanxi/jincheng" in page
    for rule_id in ("ORG-4", "ORG-6", "ORG-9", "HR-4", "HR-8", "MED-7"):
        assert reverse("supervision:rule", args=[rule_id]) in page
    assert reverse("supervision:article", args=["JC-21"]) in page
    assert reverse("supervision:chart") in page


def test_filter_by_status_keeps_only_that_status(gaps, county_officer):
    client = signed_in_client(county_officer)
    page = client.get(reverse("supervision:dashboard"), {"status": "pass"}).content.decode()
    assert reverse("supervision:rule", args=["ORG-5"]) in page  # one THC per township
    assert reverse("supervision:rule", args=["ORG-9"]) not in page  # fails


def test_chart_is_an_svg_loading_nothing_from_elsewhere(gaps, county_officer):
    response = signed_in_client(county_officer).get(reverse("supervision:chart"))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith(("<?xml", "<svg"))
    assert '<script type="text/javascript" xlink:href' not in svg
    assert "kozea.github.io" not in svg


def test_drill_down_names_the_failing_institution_and_links_it(gaps, county_officer):
    response = signed_in_client(county_officer).get(reverse("supervision:rule", args=["ORG-9"]))
    page = response.content.decode()
    assert gaps.thc2.name in page
    assert reverse("institutions:detail", args=[gaps.thc2.pk]) in page
    assert gaps.thc1.name not in page.split("What the regulations say")[0].split("<h2")[-1]
    assert "第二十一条" in page  # JC-21's text is shown under the rule


def test_drill_down_naming_staff_is_audited(gaps, county_officer):
    signed_in_client(county_officer).get(reverse("supervision:rule", args=["HR-4"]))
    entry = AuditEntry.objects.filter(object_type="workforce.staff").latest("pk")
    assert entry.user_id_value == county_officer.pk
    assert entry.action == "list"
    assert entry.purpose == "supervision"


@pytest.mark.parametrize("role", [Role.VILLAGE_DOCTOR, Role.TOWNSHIP_STAFF, Role.RESIDENT])
def test_other_roles_get_404(gaps, role):
    user = make_user(f"u_{role}", role, institution=gaps.thc1)
    client = signed_in_client(user)
    assert client.get(reverse("supervision:dashboard")).status_code == 404
    assert client.get(reverse("supervision:rule", args=["ORG-9"])).status_code == 404
    assert client.get(reverse("supervision:chart")).status_code == 404


def test_unknown_rule_is_404(gaps, county_officer):
    response = signed_in_client(county_officer).get(reverse("supervision:rule", args=["ORG-99"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("citation", "expected"),
    [("JC-6", "第六条"), ("SXI-24", "800"), ("SXM-3", "村卫生室"), ("WD-8", "200元")],
)
def test_each_citation_opens_the_articles_text(county_officer, citation, expected):
    response = signed_in_client(county_officer).get(reverse("supervision:article", args=[citation]))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_unknown_article_is_404(county_officer):
    client = signed_in_client(county_officer)
    assert client.get(reverse("supervision:article", args=["JC-99"])).status_code == 404
    assert client.get(reverse("supervision:article", args=["XX-1"])).status_code == 404


def test_api_returns_the_same_results_as_the_command(gaps, county_officer, capsys):
    secret = issue_token(county_officer, "dashboard feed")
    response = Client().get(
        "/api/v1/supervision/results",
        {"as_of": "2026-11-29"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["pack"] == "cn/shanxi/jincheng"
    call_command("compliance", format="json", as_of=date(2026, 11, 29))
    printed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["status"], r["value"]) for r in body["results"]] == [
        (r["id"], r["status"], r["value"]) for r in printed
    ]
    org_9 = next(r for r in printed if r["id"] == "ORG-9")
    assert set(org_9) >= {"id", "kind", "status", "value", "threshold", "citation", "failing"}
    assert org_9["status"] == "fail"
    assert [f["name"] for f in org_9["failing"]] == [gaps.thc2.name]
    hr_8 = next(r for r in printed if r["id"] == "HR-8")
    assert hr_8["kind"] == "target"
    assert hr_8["deadline"] == "2025-12-31"


def test_api_pack_choice_and_unknown_pack(gaps, county_officer):
    secret = issue_token(county_officer, "dashboard feed")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    wendeng = client.get("/api/v1/supervision/results", {"pack": "cn/shandong/weihai/wendeng"})
    ids = [r["id"] for r in wendeng.json()["results"]]
    assert "HR-13.1" in ids
    assert "ORG-9" not in ids
    unknown = client.get("/api/v1/supervision/results", {"pack": "cn/nowhere"})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_pack"
    assert unknown.json()["field"] == "pack"


def test_api_pack_detail_shows_inherited_rules(county_officer):
    secret = issue_token(county_officer, "packs")
    response = Client().get(
        "/api/v1/supervision/packs/cn/shanxi/jincheng", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    body = response.json()
    assert body["chain"] == ["cn/shanxi/jincheng", "cn/shanxi", "cn"]
    rules = {rule["id"]: rule for rule in body["rules"]}
    assert rules["HR-5"]["params"] == {"sessions_per_year": 2, "days_per_year": 14}
    assert rules["HR-5"]["defined_in"] == "cn/shanxi"
    assert rules["ORG-8"]["params"]["radius_km"] == 15


def test_api_refuses_a_village_doctor(gaps, village_doctor):
    secret = issue_token(village_doctor, "curious")
    response = Client().get("/api/v1/supervision/results", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404


def test_table_output_lists_failing_entities(gaps, capsys):
    call_command("compliance", as_of=date(2026, 11, 29))
    out = capsys.readouterr().out
    assert "ORG-9" in out
    assert gaps.thc2.name in out
    assert out.strip().splitlines()[-1].endswith("fail")


def test_fixing_a_record_through_the_api_makes_the_check_pass(gaps, county_officer, capsys):
    secret = issue_token(county_officer, "registry sync")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def org_9():
        body = client.get("/api/v1/supervision/results").json()
        return next(r for r in body["results"] if r["id"] == "ORG-9")

    assert org_9()["status"] == "fail"
    response = client.patch(
        f"/api/v1/institutions/{gaps.thc2.pk}/capabilities",
        {"has_tcm_hall": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert org_9()["status"] == "pass"
    assert org_9()["failing"] == []
    call_command("compliance", format="json")
    printed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert printed["ORG-9"]["status"] == "pass"


def test_dashboard_exports_every_failing_entity_to_excel(gaps, county_officer):
    from io import BytesIO

    from openpyxl import load_workbook

    response = signed_in_client(county_officer).get(
        reverse("supervision:dashboard"), {"status": "fail", "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "规则"
    org_9 = [row for row in rows[1:] if row[0] == "ORG-9"]
    assert [(row[2], row[7]) for row in org_9] == [("不达标", gaps.thc2.name)]
    assert all(row[2] == "不达标" for row in rows[1:])
