"""Health education activities (PH-6, JC-30): list, counts, chart, form, export and scope."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from jiceng.testing import StaffFactory, make_user
from programmes.models import EducationActivity

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def activity(institution, *, kind="lecture", day=None, attendance=30, topic="高血压防治讲座"):
    return EducationActivity.objects.create(
        institution=institution,
        kind=kind,
        topic=topic,
        place="村委会",
        date=day or TODAY,
        attendance=attendance,
    )


def form_data(county, **changes):
    return {
        "institution": county.clinic_a.pk,
        "kind": "lecture",
        "topic": "糖尿病饮食",
        "audience": "diabetes",
        "place": "甲村村委会",
        "date": str(TODAY),
        "attendance": "42",
        "materials": "折页",
        "materials_count": "50",
        "notes": "",
        **changes,
    }


def test_the_list_shows_this_years_activities_and_counts_by_kind(sign_in, county, village_doctor):
    activity(county.clinic_a, topic="今年讲座", attendance=30)
    activity(county.clinic_a, kind="bulletin", topic="今年宣传栏", attendance=0)
    activity(county.clinic_a, topic="去年讲座", day=date(TODAY.year - 1, 6, 1))
    activity(county.clinic_c, topic="丙村讲座")
    page = sign_in(village_doctor).get(reverse("programmes:education"))
    body = page.content.decode()
    assert "今年讲座" in body
    assert "今年宣传栏" in body
    assert "去年讲座" not in body  # this year unless asked
    assert "丙村讲座" not in body  # another township's clinic
    counts = {code: (count, people) for code, _label, count, people in page.context["counts"]}
    assert counts["lecture"] == (1, 30)
    assert counts["bulletin"] == (1, 0)
    assert reverse("programmes:education_new") in body


def test_filters_by_year_kind_and_institution(sign_in, county, township_doctor):
    activity(county.clinic_a, topic="去年讲座", day=date(TODAY.year - 1, 6, 1))
    activity(county.thc1, kind="consultation", topic="义诊")
    client = sign_in(township_doctor)
    last_year = client.get(reverse("programmes:education"), {"year": TODAY.year - 1})
    assert [row.topic for row in last_year.context["page_obj"]] == ["去年讲座"]
    consults = client.get(reverse("programmes:education"), {"kind": "consultation"})
    assert [row.topic for row in consults.context["page_obj"]] == ["义诊"]
    clinic = client.get(reverse("programmes:education"), {"institution": county.clinic_a.pk})
    assert [row.topic for row in clinic.context["page_obj"]] == ["去年讲座"]


def test_a_village_doctor_records_and_edits_an_activity(sign_in, county, village_doctor):
    doctor = StaffFactory.create(institution=county.clinic_a, name="赵医生")
    client = sign_in(village_doctor)
    assert client.get(reverse("programmes:education_new")).status_code == 200
    response = client.post(
        reverse("programmes:education_new"), form_data(county, held_by=doctor.pk)
    )
    assert response.status_code == 302
    saved = EducationActivity.objects.get()
    assert (saved.topic, saved.attendance, saved.held_by, saved.recorded_by) == (
        "糖尿病饮食", 42, doctor, village_doctor,
    )  # fmt: skip
    edit = reverse("programmes:education_edit", args=[saved.pk])
    client.post(edit, form_data(county, attendance="45", held_by=doctor.pk))
    saved.refresh_from_db()
    assert saved.attendance == 45


def test_the_form_refuses_future_dates_and_outside_institutions_and_staff(
    sign_in, county, village_doctor
):
    elsewhere = StaffFactory.create(institution=county.clinic_c)
    client = sign_in(village_doctor)
    url = reverse("programmes:education_new")
    future = client.post(url, form_data(county, date=str(TODAY + timedelta(days=1))))
    assert future.status_code == 400
    assert future.context["form"].errors["date"] == ["Record an activity once it has taken place."]
    other_clinic = client.post(url, form_data(county, institution=county.clinic_c.pk))
    assert "institution" in other_clinic.context["form"].errors
    other_staff = client.post(url, form_data(county, held_by=elsewhere.pk))
    assert "held_by" in other_staff.context["form"].errors
    assert not EducationActivity.objects.exists()


def test_export_is_an_excel_sheet_of_the_filtered_list(sign_in, county, village_doctor):
    activity(county.clinic_a, topic="今年讲座", attendance=30)
    activity(county.clinic_c, topic="丙村讲座")
    response = sign_in(village_doctor).get(reverse("programmes:education_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date", "Kind", "Topic")
    assert [row[2] for row in rows[1:]] == ["今年讲座"]
    assert rows[1][7] == 30


def test_the_chart_is_an_svg_without_script(sign_in, county, village_doctor):
    activity(county.clinic_a)
    response = sign_in(village_doctor).get(reverse("programmes:education_chart"))
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert b'xlink:href="http' not in response.content  # no script from the internet


def test_outside_the_scope_an_activity_does_not_exist(sign_in, county, outsider):
    other = activity(county.clinic_a)
    client = sign_in(outsider)
    assert client.get(reverse("programmes:education_edit", args=[other.pk])).status_code == 404
    assert "高血压防治讲座" not in client.get(reverse("programmes:education")).content.decode()


def test_residents_have_no_education_pages_and_readers_cannot_record(
    sign_in, county, resident_user
):
    assert sign_in(resident_user).get(reverse("programmes:education")).status_code == 404
    insurance = make_user("yibao", Role.INSURANCE, division=county.county)
    client = sign_in(insurance)
    assert client.get(reverse("programmes:education")).status_code == 200
    assert client.get(reverse("programmes:education_new")).status_code == 403


def test_township_staff_and_village_doctors_find_it_in_the_navigation(
    sign_in, village_doctor, township_doctor
):
    for user in (village_doctor, township_doctor):
        body = sign_in(user).get(reverse("home")).content.decode()
        assert f'href="{reverse("programmes:education")}"' in body
