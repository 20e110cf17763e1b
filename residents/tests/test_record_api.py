"""The health record through the API (PH-1, IT-4): the record's fields masked, PATCH for record
editors with errors on the field, the history of changes, the search parameters; outsiders 404."""

import pytest
from django.test import Client

from accounts.api_auth import issue_token
from accounts.models import AuditEntry, Role
from jiceng.testing import make_user, signed_in_client
from residents.models import HistoryItem
from residents.rules import make_citizen_id


@pytest.fixture
def as_user():
    return signed_in_client


def detail(resident):
    return f"/api/v1/residents/{resident.pk}"


def patch(client, resident, payload):
    return client.patch(detail(resident), payload, content_type="application/json")


def test_detail_has_the_record_fields_masked(county, village_doctor, as_user):
    resident = county.resident_a
    resident.contact_phone = "13911112222"
    resident.blood_group = "O"
    resident.save()
    HistoryItem.objects.create(resident=resident, kind="disease", icd10="E11", name="2型糖尿病")
    response = as_user(village_doctor).get(detail(resident))
    body = response.json()
    assert response.status_code == 200
    assert body["blood_group"] == "O"
    assert body["contact_phone_masked"] == "139****2222"
    assert body["completeness"] == resident.completeness
    assert "living_conditions" in body["missing_items"]
    assert body["past_history"][0]["icd10"] == "E11"
    text = response.content.decode()
    assert resident.citizen_id not in text
    assert resident.phone not in text
    assert "13911112222" not in text


def test_patch_by_an_editor_saves_audits_and_recomputes(county, village_doctor, as_user):
    resident = county.resident_a
    response = patch(as_user(village_doctor), resident, {"blood_group": "AB", "name": "汪秀英"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["blood_group"] == "AB"
    assert body["name"] == "汪秀英"
    resident.refresh_from_db()
    assert resident.name_pinyin == "wangxiuying"
    assert resident.completeness > 0
    entry = AuditEntry.objects.get(action="update")
    assert entry.detail == {"fields": ["blood_group", "name"]}
    assert entry.purpose == "api record edit"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"contact_phone": "12345"}, "contact_phone", "phone_format"),
        ({"record_status": "deceased"}, "status_date", "required"),
        ({"record_status": "deceased", "status_date": "2999-01-01"}, "status_date", "future"),
        ({"blood_group": "C"}, "blood_group", "invalid_choice"),
        ({"citizen_id": "140581196103140020"}, "citizen_id", "invalid_citizen_id"),
    ],
)
def test_patch_refusals_name_the_field(county, village_doctor, as_user, payload, field, code):
    response = patch(as_user(village_doctor), county.resident_a, payload)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert not AuditEntry.objects.filter(action="update").exists()


def test_patch_upgrades_a_fifteen_digit_id(county, village_doctor, as_user):
    resident = county.resident_a
    id18 = make_citizen_id("140581", resident.birth_date, 88)
    response = patch(as_user(village_doctor), resident, {"citizen_id": id18[:6] + id18[8:17]})
    assert response.status_code == 200
    resident.refresh_from_db()
    assert (resident.citizen_id, resident.id_status) == (id18, "upgraded")


def test_readers_get_403_and_outsiders_404(county, outsider, resident_user, as_user):
    cdc = make_user("jk", Role.CDC, division=county.county)
    secret = issue_token(cdc, "statistics")
    response = Client().patch(
        detail(county.resident_a),
        {"blood_group": "A"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_editor"
    own = patch(as_user(resident_user), county.resident_a, {"blood_group": "A"})
    assert own.status_code == 403
    client = as_user(outsider)
    assert patch(client, county.resident_a, {"blood_group": "A"}).status_code == 404
    assert client.get(detail(county.resident_a) + "/changes").status_code == 404
    county.resident_a.refresh_from_db()
    assert county.resident_a.blood_group == ""


def test_history_of_changes(county, village_doctor, as_user):
    client = as_user(village_doctor)
    resident = county.resident_a
    patch(client, resident, {"phone": "13912345678", "education": "primary"})
    response = client.get(detail(resident) + "/changes")
    versions = response.json()
    assert response.status_code == 200
    assert versions[0]["user"] == "cunyi_a"
    changes = {change["field"]: change for change in versions[0]["changes"]}
    assert changes["phone"]["new"] == "139****5678"
    assert changes["education"]["new"] == "小学"
    assert "13912345678" not in response.content.decode()
    assert versions[-1]["kind"] == "新建"
    assert AuditEntry.objects.filter(purpose="api history of changes", action="read").exists()


def test_reveal_includes_the_contact_phone(county, village_doctor, as_user):
    resident = county.resident_a
    resident.contact_phone = "13911112222"
    resident.save()
    response = as_user(village_doctor).post(
        detail(resident) + "/reveal", {"purpose": "随访"}, content_type="application/json"
    )
    assert response.json()["contact_phone"] == "13911112222"


@pytest.mark.parametrize("query", ["wxy", "wangxiu", "王秀", "last4", "household"])
def test_list_search_parameters(county, village_doctor, as_user, query):
    value = {
        "last4": county.resident_a.phone[-4:],
        "household": county.resident_a.household.number,
    }.get(query, query)
    body = as_user(village_doctor).get("/api/v1/residents/", {"q": value}).json()
    assert "王秀英" in [item["name"] for item in body["items"]]
    assert all("completeness" in item for item in body["items"])


def test_list_hides_moved_out_unless_asked(county, village_doctor, as_user):
    resident = county.resident_a
    resident.record_status = "moved_out"
    resident.status_date = resident.birth_date.replace(year=2020)
    resident.save()
    client = as_user(village_doctor)
    default = client.get("/api/v1/residents/").json()
    assert [item["name"] for item in default["items"]] == ["王小明"]
    shown = client.get("/api/v1/residents/", {"include_inactive": "true"}).json()
    assert shown["count"] == 2
