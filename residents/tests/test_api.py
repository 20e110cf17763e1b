import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.api_auth import issue_token
from accounts.models import AuditEntry
from jiceng.testing import ResidentFactory


@pytest.fixture
def as_user():
    def client_for(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return client_for


def test_list_shows_only_residents_in_scope_masked(county, village_doctor, as_user):
    response = as_user(village_doctor).get("/api/v1/residents/")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert sorted(item["name"] for item in body["items"]) == ["王小明", "王秀英"]
    item = next(item for item in body["items"] if item["name"] == "王秀英")
    assert item["citizen_id_masked"] == "140" + "*" * 11 + county.resident_a.citizen_id[-4:]
    assert county.resident_a.citizen_id not in response.content.decode()
    assert county.resident_a.phone not in response.content.decode()


def test_outsider_gets_404_for_a_resident_elsewhere(county, outsider, as_user):
    client = as_user(outsider)
    response = client.get(f"/api/v1/residents/{county.resident_a.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "对象不存在。", "field": None}
    in_english = client.get(f"/api/v1/residents/{county.resident_a.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert in_english.json()["message"] == "No such object."


def test_outsider_search_and_counts_leak_nothing(county, outsider, as_user):
    client = as_user(outsider)
    for query in ("王秀英", county.resident_a.citizen_id, county.resident_a.phone):
        body = client.get("/api/v1/residents/", {"q": query}).json()
        assert body == {"items": [], "count": 0}
    body = client.get("/api/v1/residents/", {"village_id": county.village_a.pk}).json()
    assert body["count"] == 0


def test_list_and_read_are_audited(county, village_doctor, as_user):
    client = as_user(village_doctor)
    client.get("/api/v1/residents/", {"q": "王"})
    client.get(f"/api/v1/residents/{county.resident_a.pk}")
    assert list(AuditEntry.objects.values_list("action", "object_id", "detail")) == [
        ("search", "", {"query": "王", "village_id": None, "kind": "name"}),
        ("read", str(county.resident_a.pk), {}),
    ]


def test_reveal_needs_a_purpose_and_is_audited(county, village_doctor, as_user):
    client = as_user(village_doctor)
    url = f"/api/v1/residents/{county.resident_a.pk}/reveal"
    refused = client.post(url, {"purpose": "  "}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "purpose"
    shown = client.post(url, {"purpose": "家庭医生签约核对身份"}, content_type="application/json")
    assert shown.json()["citizen_id"] == county.resident_a.citizen_id
    assert AuditEntry.objects.filter(action="reveal", purpose="家庭医生签约核对身份").count() == 1


def test_token_auth_for_machine_clients(county, township_doctor):
    secret = issue_token(township_doctor, "statistics export")
    client = Client()
    response = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["count"] == 3
    assert AuditEntry.objects.get().username == "weishengyuan_1"


def test_bad_token_gets_the_error_format(county):
    response = Client().get("/api/v1/residents/", HTTP_AUTHORIZATION="Bearer jc_0000_nope")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_validation_error_names_the_field(county, village_doctor, as_user):
    response = as_user(village_doctor).get("/api/v1/residents/", {"village_id": "abc"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "village_id"


def test_unverified_two_factor_role_cannot_use_the_session(county, county_officer, as_user):
    response = as_user(county_officer).get("/api/v1/residents/")
    assert response.status_code == 401


def test_list_query_count_does_not_grow_with_residents(county, village_doctor, as_user):
    client = as_user(village_doctor)
    client.get("/api/v1/residents/")  # the first audit entry also creates the chain's head
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/residents/")
    ResidentFactory.create_batch(30, village=county.village_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/residents/").json()["count"] == 32
    assert len(many.captured_queries) == len(few.captured_queries)
