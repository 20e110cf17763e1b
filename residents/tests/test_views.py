import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from jiceng.testing import ResidentFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LIST = "/residents/"


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return sign_in


def detail_url(resident):
    return reverse("residents:detail", args=[resident.pk])


def reveal_url(resident):
    return reverse("residents:reveal", args=[resident.pk])


def test_village_doctor_lists_only_village_a_masked(county, village_doctor, as_user):
    response = as_user(village_doctor).get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert [r.name for r in response.context["page_obj"]] == ["王秀英", "王小明"]
    assert "李建国" not in body
    assert "张伟" not in body
    for resident in (county.resident_a, county.child_a):
        assert resident.citizen_id not in body
        assert resident.phone not in body
        assert resident.citizen_id[:3] + "*" * 11 + resident.citizen_id[-4:] in body
    assert "共找到 2 位居民" in body


def test_list_access_writes_an_audit_entry(county, village_doctor, as_user):
    as_user(village_doctor).get(LIST)
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action, entry.purpose) == ("cunyi_a", "list", "resident list")


def test_search_is_audited_with_the_query(county, village_doctor, as_user):
    as_user(village_doctor).get(LIST, {"q": "王"})
    entry = AuditEntry.objects.get()
    assert entry.action == "search"
    assert entry.detail == {"query": "王", "village_id": None, "kind": "name"}


@pytest.mark.parametrize(
    "query",
    [
        "王秀",  # name prefix
        "full_id",
        "full_id_lower_x",
        "phone",
    ],
)
def test_search_by_name_prefix_full_id_or_phone(county, village_doctor, as_user, query):
    resident = county.resident_a
    value = {
        "full_id": resident.citizen_id,
        "full_id_lower_x": resident.citizen_id.lower(),
        "phone": resident.phone,
    }.get(query, query)
    response = as_user(village_doctor).get(LIST, {"q": value})
    assert [r.name for r in response.context["page_obj"]] == ["王秀英"]


def test_partial_id_numbers_do_not_match(county, village_doctor, as_user):
    response = as_user(village_doctor).get(LIST, {"q": county.resident_a.citizen_id[:10]})
    assert response.context["page_obj"].paginator.count == 0


def test_outsider_list_and_search_never_show_village_a(county, outsider, as_user):
    client = as_user(outsider)
    listed = client.get(LIST).content.decode()
    assert "张伟" in listed
    assert "王秀英" not in listed
    for query in ("王秀英", "王", county.resident_a.citizen_id, county.resident_a.phone):
        response = client.get(LIST, {"q": query}, HTTP_HX_REQUEST="true")  # results only
        body = response.content.decode()
        assert response.context["page_obj"].paginator.count == 0
        assert "共找到 0 位居民" in body
        assert "王秀英" not in body
        assert "王小明" not in body


def test_outsider_cannot_filter_by_a_foreign_village(county, outsider, as_user):
    response = as_user(outsider).get(LIST, {"village": county.village_a.pk})
    body = response.content.decode()
    assert "王秀英" not in body
    assert "甲村" not in body
    assert response.context["form"].errors["village"]


def test_village_filter(county, township_doctor, as_user):
    response = as_user(township_doctor).get(LIST, {"village": county.village_b.pk})
    assert [r.name for r in response.context["page_obj"]] == ["李建国"]


def test_htmx_request_gets_only_the_results_table(county, village_doctor, as_user):
    response = as_user(village_doctor).get(LIST, {"q": "王小"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "王小明" in body
    assert "王秀英" not in body
    names = [template.name for template in response.templates]
    assert names[0] == "residents/partials/_results.html"
    assert "residents/list.html" not in names


def test_list_paginates_fifty_per_page(county, village_doctor, as_user):
    ResidentFactory.create_batch(60, village=county.village_a)
    client = as_user(village_doctor)
    first = client.get(LIST)
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["page_obj"].paginator.count == 62
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 12
    assert "?page=2" in first.content.decode()


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, params)
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(
    county, village_doctor, as_user, django_assert_max_num_queries
):
    client = as_user(village_doctor)
    client.get(LIST)  # the first request of a session loads more
    few = count_queries(client, {"q": "王"})
    ResidentFactory.create_batch(60, village=county.village_a)
    # session, user, scope lookups (twice: village filter and list), audit entry, count, page
    with django_assert_max_num_queries(20):
        client.get(LIST, {"q": "王"})
    assert count_queries(client, {"q": "王"}) == few


def test_detail_shows_masked_numbers_and_household(county, village_doctor, as_user):
    response = as_user(village_doctor).get(detail_url(county.resident_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert county.resident_a.citizen_id not in body
    assert county.resident_a.phone not in body
    assert "王小明" in body  # household member in scope
    assert "甲村" in body
    assert "米山镇" in body
    assert AuditEntry.objects.filter(action="read", purpose="resident detail").count() == 1


def test_outsider_gets_404_on_a_village_a_resident(county, outsider, as_user):
    client = as_user(outsider)
    assert client.get(detail_url(county.resident_a)).status_code == 404
    assert client.post(reveal_url(county.resident_a), {"purpose": "x"}).status_code == 404
    assert client.post(reveal_url(county.resident_a), {"purpose": ""}).status_code == 404
    assert not AuditEntry.objects.filter(action__in=["read", "reveal"]).exists()


def test_reveal_requires_a_purpose(county, village_doctor, as_user):
    response = as_user(village_doctor).post(reveal_url(county.resident_a), {"purpose": "  "})
    body = response.content.decode()
    assert response.status_code == 400
    assert county.resident_a.citizen_id not in body
    assert "请说明查看完整号码的用途" in body
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_reveal_shows_full_numbers_and_is_audited(county, village_doctor, as_user):
    response = as_user(village_doctor).post(reveal_url(county.resident_a), {"purpose": "随访"})
    body = response.content.decode()
    assert response.status_code == 200
    assert county.resident_a.citizen_id in body
    assert county.resident_a.phone in body
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    reveal = AuditEntry.objects.get(action="reveal")
    assert (reveal.username, reveal.object_id, reveal.purpose) == (
        "cunyi_a",
        str(county.resident_a.pk),
        "随访",
    )


def test_reveal_is_post_only(county, village_doctor, as_user):
    assert as_user(village_doctor).get(reveal_url(county.resident_a)).status_code == 405


def test_resident_opens_own_and_childs_record_only(county, resident_user, as_user):
    client = as_user(resident_user)
    assert client.get(detail_url(county.resident_a)).status_code == 200
    assert client.get(detail_url(county.child_a)).status_code == 200
    assert client.get(detail_url(county.resident_b)).status_code == 404


def test_specialist_sees_no_residents(county, as_user):
    from accounts.models import Role
    from jiceng.testing import make_user

    specialist = make_user("zk", Role.SPECIALIST, institution=county.hospital)
    response = as_user(specialist).get(LIST)
    assert response.context["page_obj"].paginator.count == 0
    assert as_user(specialist).get(detail_url(county.resident_a)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, county):
    for url in (LIST, detail_url(county.resident_a), reverse("residents:pyramid")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
