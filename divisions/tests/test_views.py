from django.urls import reverse

from accounts.models import AuditEntry

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_index_lists_the_county(client, county, village_doctor):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    response = client.get(reverse("divisions:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "高平市" in body
    assert "140581000000" in body
    assert [c.child_count for c in response.context["counties"]] == [2]


def test_county_page_shows_townships_and_institutions(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)  # public registry: any signed-in user
    response = client.get(reverse("divisions:detail", args=[county.county.pk]))
    body = response.content.decode()
    assert [child.name for child in response.context["children"]] == ["米山镇", "三甲镇"]
    assert "高平市人民医院" in body
    assert "镇" in body


def test_township_page_shows_villages_breadcrumbs_and_serving_institutions(
    client, county, village_doctor
):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    response = client.get(reverse("divisions:detail", args=[county.township1.pk]))
    body = response.content.decode()
    assert [child.name for child in response.context["children"]] == ["甲村", "乙村"]
    assert response.context["ancestors"] == [county.county]
    assert [i.name for i in response.context["serving"]] == ["米山镇卫生院"]
    assert "140581101000" in body


def test_village_page_shows_its_clinic_and_no_residents(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)
    response = client.get(reverse("divisions:detail", args=[county.village_a.pk]))
    body = response.content.decode()
    assert response.context["ancestors"] == [county.county, county.township1]
    assert "甲村卫生室" in body
    assert "王秀英" not in body
    assert not AuditEntry.objects.exists()


def test_unknown_division_is_404(client, county, village_doctor):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    assert client.get(reverse("divisions:detail", args=[999999])).status_code == 404


def test_divisions_need_sign_in(client, county):
    response = client.get(reverse("divisions:index"))
    assert response.status_code == 302


def test_detail_query_count_is_flat(client, county, village_doctor, django_assert_max_num_queries):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    client.get(reverse("divisions:index"))
    with django_assert_max_num_queries(10):
        client.get(reverse("divisions:detail", args=[county.county.pk]))
