from django.urls import reverse

from institutions.models import Institution
from jiceng.testing import StaffFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_list_shows_every_institution_with_type_filters(client, county, village_doctor):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    response = client.get(reverse("institutions:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 5
    assert "乡镇卫生院 (2)" in body
    assert "村卫生室 (2)" in body


def test_list_filters_by_type(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)
    response = client.get(reverse("institutions:list"), {"type": Institution.Type.THC})
    assert [i.name for i in response.context["page_obj"]] == ["米山镇卫生院", "三甲镇卫生院"]


def test_unknown_type_shows_all(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)
    response = client.get(reverse("institutions:list"), {"type": "nonsense"})
    assert response.context["chosen_type"] == ""
    assert len(response.context["page_obj"].object_list) == 5


def test_detail_shows_parent_children_served_divisions_and_staff(client, county, outsider):
    StaffFactory(institution=county.thc1)
    StaffFactory(institution=county.thc1)
    StaffFactory(institution=county.thc1, is_active=False)
    client.force_login(outsider, backend=MODEL_BACKEND)
    response = client.get(reverse("institutions:detail", args=[county.thc1.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "高平市人民医院" in body  # managing institution
    assert [child.name for child in response.context["children"]] == ["甲村卫生室"]
    assert [division.name for division in response.context["served"]] == ["米山镇"]
    assert (response.context["staff_in_post"], response.context["staff_total"]) == (2, 3)
    assert "在岗 2 人" in body
    assert "在册 3 人" in body


def test_unknown_institution_is_404(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert client.get(reverse("institutions:detail", args=[999999])).status_code == 404


def test_institutions_need_sign_in(client, county):
    assert client.get(reverse("institutions:list")).status_code == 302


def test_list_in_english(client, county, outsider):
    client.force_login(outsider, backend=MODEL_BACKEND)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("institutions:list")).content.decode()
    assert "township health centre (2)" in body
    assert "<h1>Institutions</h1>" in body
