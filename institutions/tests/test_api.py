"""The registry API at /api/v1/institutions (ORG-1, ORG-3, ORG-6, MED-8)."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from accounts.models import AuditEntry
from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    VillageServiceException,
)
from jiceng.testing import make_institution

BASE = "/api/v1/institutions"
pytestmark = pytest.mark.django_db


def test_institution_out_has_capabilities_and_designations(client, county, outsider, bearer):
    Capabilities.objects.create(institution=county.thc1, beds_general=20, approved_scope=["02"])
    Designation.objects.create(institution=county.thc1, kind="sub_centre", since=date(2024, 1, 1))
    body = client.get(f"{BASE}/{county.thc1.pk}", **bearer(outsider)).json()
    assert body["capabilities"]["beds_general"] == 20
    assert body["capabilities"]["approved_scope"] == ["02"]
    assert body["designations"] == [
        {"id": body["designations"][0]["id"], "kind": "sub_centre", "since": "2024-01-01"}
    ]
    assert (
        client.get(f"{BASE}/{county.clinic_a.pk}", **bearer(outsider)).json()["capabilities"]
        is None
    )


def test_list_filters_by_designation_and_capability(client, county, outsider, bearer):
    Capabilities.objects.create(institution=county.thc2, has_vaccination_clinic=True)
    Designation.objects.create(institution=county.thc1, kind="sub_centre", since=date(2024, 1, 1))
    auth = bearer(outsider)
    by_designation = client.get(f"{BASE}/", {"designation": "sub_centre"}, **auth).json()
    assert [item["name"] for item in by_designation["items"]] == ["米山镇卫生院"]
    by_capability = client.get(f"{BASE}/", {"capability": "vaccination_clinic"}, **auth).json()
    assert [item["name"] for item in by_capability["items"]] == ["三甲镇卫生院"]


def test_county_officer_puts_and_patches_capabilities(client, county, county_officer, bearer):
    auth = bearer(county_officer)
    url = f"{BASE}/{county.thc1.pk}/capabilities"
    response = client.put(
        url,
        {"beds_general": 30, "fever_clinic": "room", "approved_scope": ["50", "02", "02"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    capabilities = response.json()["capabilities"]
    assert (capabilities["beds_general"], capabilities["fever_clinic"]) == (30, "room")
    assert capabilities["approved_scope"] == ["02", "50"]
    response = client.patch(url, {"beds_hospice": 2}, content_type="application/json", **auth)
    assert response.status_code == 200
    stored = Capabilities.objects.get(institution=county.thc1)
    assert (stored.beds_general, stored.beds_hospice, stored.fever_clinic) == (30, 2, "room")
    entries = AuditEntry.objects.filter(object_type="institutions.capabilities").order_by("id")
    assert [(e.action, e.detail.get("fields")) for e in entries] == [
        (
            "create",
            sorted(["beds_general", "fever_clinic", "approved_scope", *_all_other_fields()]),
        ),
        ("update", ["beds_hospice"]),
    ]
    # the same PATCH again changes nothing and writes nothing
    client.patch(url, {"beds_hospice": 2}, content_type="application/json", **auth)
    assert entries.count() == 2


def _all_other_fields():
    from institutions.api import CapabilitiesIn

    return [
        name
        for name in CapabilitiesIn.model_fields
        if name not in {"beds_general", "fever_clinic", "approved_scope"}
    ]


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"fever_clinic": "tent"}, 400, "invalid_choice", "fever_clinic"),
        ({"approved_scope": ["99"]}, 400, "unknown_practice_subject", "approved_scope"),
        ({"beds_general": -1}, 422, "invalid_input", "beds_general"),
    ],
)
def test_capability_errors_have_the_error_format(
    client, county, county_officer, bearer, payload, status, code, field
):
    response = client.patch(
        f"{BASE}/{county.thc1.pk}/capabilities",
        payload,
        content_type="application/json",
        **bearer(county_officer),
    )
    assert response.status_code == status
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert not Capabilities.objects.exists()


def test_village_doctor_may_not_change_capabilities(client, county, village_doctor, bearer):
    response = client.put(
        f"{BASE}/{county.clinic_a.pk}/capabilities",
        {"beds_general": 1},
        content_type="application/json",
        **bearer(village_doctor),
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_an_editor",
        "message": "只有登记管理人员可以修改机构登记。",
        "field": None,
    }
    assert not Capabilities.objects.exists()


def test_groups_list_and_detail(client, county, outsider, bearer):
    group = MedicalGroup.objects.create(
        name="高平市医疗集团", county=county.county, lead=county.hospital
    )
    GroupMembership.objects.create(group=group, institution=county.hospital, role="lead")
    GroupMembership.objects.create(group=group, institution=county.thc1)
    auth = bearer(outsider)
    assert [
        (g["name"], g["member_count"]) for g in client.get(f"{BASE}/groups", **auth).json()
    ] == [("高平市医疗集团", 2)]
    detail = client.get(f"{BASE}/groups/{group.pk}", **auth).json()
    assert detail["lead_name"] == "高平市人民医院"
    assert [(m["institution_name"], m["role"]) for m in detail["members"]] == [
        ("高平市人民医院", "lead"),
        ("米山镇卫生院", "member"),
    ]
    assert client.get(f"{BASE}/groups/999999", **auth).json()["code"] == "not_found"


def test_village_exceptions_create_list_delete(client, county, county_officer, bearer):
    auth = bearer(county_officer)
    central = make_institution(
        "甲村中心卫生室", Institution.Type.VILLAGE_CLINIC, county.village_a, is_central=True
    )
    refused = client.post(
        f"{BASE}/village-exceptions",
        {"village_id": county.village_b.pk, "kind": "shared_central"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == (
        "invalid_served_by",
        "served_by_id",
    )
    township = client.post(
        f"{BASE}/village-exceptions",
        {"village_id": county.township1.pk, "kind": "itinerant"},
        content_type="application/json",
        **auth,
    )
    assert township.json()["field"] == "village_id"
    created = client.post(
        f"{BASE}/village-exceptions",
        {"village_id": county.village_b.pk, "kind": "shared_central", "served_by_id": central.pk},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 200
    listed = client.get(f"{BASE}/village-exceptions", **auth).json()
    assert [(e["village_name"], e["kind"], e["served_by_id"]) for e in listed] == [
        ("乙村", "shared_central", central.pk)
    ]
    again = client.post(
        f"{BASE}/village-exceptions",
        {"village_id": county.village_b.pk, "kind": "itinerant"},
        content_type="application/json",
        **auth,
    )
    assert again.json()["code"] == "exception_exists"
    assert (
        client.delete(f"{BASE}/village-exceptions/{created.json()['id']}", **auth).status_code
        == 204
    )
    assert not VillageServiceException.objects.exists()


def test_roster_import_returns_the_report(client, county, county_officer, village_doctor, bearer):
    data = (
        "机构代码,名称,类型,上级机构代码,区划代码\n"
        f"A1,新村卫生室,村卫生室,{county.thc1.code},140581101202\n"
        "A2,坏行,诊所,,140581101202\n"
    ).encode("gb18030")

    def upload():
        file = io.BytesIO(data)
        file.name = "roster.csv"
        return file

    response = client.post(f"{BASE}/roster", {"file": upload()}, **bearer(county_officer))
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected_rows"]) == (
        1,
        0,
        0,
        1,
    )
    assert [(r["row"], r["column"], r["value"]) for r in body["rejections"]] == [
        (3, "类型", "诊所")
    ]
    again = client.post(f"{BASE}/roster", {"file": upload()}, **bearer(county_officer)).json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    refused = client.post(f"{BASE}/roster", {"file": upload()}, **bearer(village_doctor))
    assert refused.status_code == 403
    bad = io.BytesIO(b"x")
    bad.name = "roster.doc"
    unreadable = client.post(f"{BASE}/roster", {"file": bad}, **bearer(county_officer))
    assert (unreadable.status_code, unreadable.json()["field"]) == (400, "file")


def test_export_is_an_xlsx_of_the_filtered_list(client, county, outsider, bearer):
    response = client.get(f"{BASE}/export", {"type": "village_clinic"}, **bearer(outsider))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == ["甲村卫生室", "丙村卫生室"]
