"""Staff pages (HR-1, HR-2, HR-3, HR-5, HR-10, HR-12): scope, outsiders, audit, edit rights,
export."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from workforce.models import Certificate, GuidanceVisit, Staff, StaffPost, TrainingRecord


def test_list_shows_only_staff_in_scope(staff, township_doctor, signed_in):
    response = signed_in(township_doctor).get(reverse("workforce:list"))
    assert response.status_code == 200
    assert [s.name for s in response.context["page_obj"].object_list] == ["米山医生", "甲村医"]
    body = response.content.decode()
    assert "丙村医" not in body
    assert "县医院医生" not in body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == ("list", "workforce.staff")


def test_outsider_search_and_counts_leak_nothing(staff, outsider, signed_in):
    client = signed_in(outsider)
    for query in ("甲村医", "A001"):
        response = client.get(reverse("workforce:list"), {"q": query})
        assert response.context["page_obj"].paginator.count == 0
        assert "甲村医" not in response.content.decode().replace(f'value="{query}"', "")
    response = client.get(reverse("workforce:list"), {"institution": staff["a"].institution_id})
    assert response.context["page_obj"].paginator.count == 1  # unknown choice: filter ignored
    assert [s.name for s in response.context["page_obj"].object_list] == ["丙村医"]
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"search", "list"}


def test_filters(staff, county, county_officer, signed_in):
    Certificate.objects.create(staff=staff["hospital"], kind=Certificate.Kind.PHYSICIAN)
    staff["a"].hire_route = "graduate"
    staff["a"].employment = "quota"
    staff["a"].save()
    client = signed_in(county_officer)

    def found(**params):
        response = client.get(reverse("workforce:list"), params)
        return sorted(s.name for s in response.context["page_obj"].object_list)

    assert found(licensed="yes") == ["县医院医生"]
    assert found(licensed="no") == ["丙村医", "甲村医", "米山医生"]
    assert found(profession="village_doctor") == ["丙村医", "甲村医"]
    assert found(title_level="intermediate") == ["县医院医生"]
    assert found(employment="quota") == ["甲村医"]
    assert found(hire_route="graduate") == ["甲村医"]
    assert found(institution=county.thc1.pk) == ["米山医生"]
    assert found(q="米山") == ["米山医生"]
    assert found(q="C001") == ["丙村医"]


def test_htmx_gets_the_results_alone(staff, township_doctor, signed_in):
    response = signed_in(township_doctor).get(reverse("workforce:list"), HTTP_HX_REQUEST="true")
    assert next(t.name for t in response.templates) == "workforce/partials/_results.html"


def test_detail_shows_the_record_and_is_audited(staff, county, township_doctor, signed_in):
    person = staff["a"]
    person.hire_route = "directed"
    person.obligation_ends_on = timezone.localdate() + timedelta(days=9)
    person.liability_insured = True
    person.pension_category = "resident"
    person.save()
    Certificate.objects.create(staff=person, kind="village_doctor", number="VD-778")
    StaffPost.objects.create(staff=person, institution=county.thc1, started_on=date(2001, 1, 1))
    TrainingRecord.objects.create(
        staff=person,
        topic="慢病管理",
        level="county",
        started_on=date(2025, 3, 1),
        ended_on=date(2025, 3, 7),
    )
    TrainingRecord.objects.create(
        staff=person,
        topic="急救",
        level="county",
        started_on=date(2025, 9, 1),
        ended_on=date(2025, 9, 7),
    )
    GuidanceVisit.objects.create(
        staff=person,
        host=county.clinic_a,
        kind="rounds",
        started_on=date(2025, 5, 1),
        ended_on=date(2025, 5, 3),
    )
    response = signed_in(township_doctor).get(reverse("workforce:detail", args=[person.pk]))
    assert response.status_code == 200
    record = response.context["record"]
    assert record.obligation.days_remaining == 10
    assert record.service.flagged  # in post at a THC since 2001: > 15 consecutive years
    assert [(y.year, y.count, y.days, y.meets_hr5) for y in record.training_years] == [
        (2025, 2, 14, True)
    ]
    assert record.visit_days == 3
    body = response.content.decode()
    for text in (
        "VD-778",
        "慢病管理",
        "甲村卫生室",
        "10 天",
        "已投保",
        "HR-12",
        "HR-5",
        "HR-3",
        "HR-2",
    ):
        assert text in body, text
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("read", str(person.pk))


def test_ended_obligation_says_so(staff, township_doctor, signed_in):
    staff["a"].obligation_ends_on = date(2020, 1, 1)
    staff["a"].save()
    response = signed_in(township_doctor).get(reverse("workforce:detail", args=[staff["a"].pk]))
    assert response.context["record"].obligation.ended
    assert "已于 2020-01-01 期满" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["detail", "edit", "add_certificate", "add_post", "add_training", "add_visit"],
)
def test_outsider_gets_404_everywhere(staff, outsider, signed_in, name):
    response = signed_in(outsider).get(reverse(f"workforce:{name}", args=[staff["a"].pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_resident_has_no_staff_pages(staff, resident_user, signed_in):
    client = signed_in(resident_user)
    assert client.get(reverse("workforce:list")).status_code == 404
    assert client.get(reverse("workforce:detail", args=[staff["a"].pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["edit", "add_certificate", "add_post", "add_training", "add_visit"]
)
def test_who_may_look_but_not_change_gets_403(staff, village_doctor, signed_in, name):
    client = signed_in(village_doctor)
    assert client.get(reverse("workforce:detail", args=[staff["a"].pk])).status_code == 200
    assert client.get(reverse(f"workforce:{name}", args=[staff["a"].pk])).status_code == 403
    assert client.post(reverse(f"workforce:{name}", args=[staff["a"].pk]), {}).status_code == 403


def test_township_editor_changes_own_staff_only(staff, thc2_staff, signed_in):
    client = signed_in(thc2_staff)
    assert client.get(reverse("workforce:edit", args=[staff["c"].pk])).status_code == 200
    assert client.get(reverse("workforce:edit", args=[staff["a"].pk])).status_code == 404


def _basic(person, **changes):
    data = {
        "code": person.code,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "profession": person.profession,
        "title_level": person.title_level,
        "department": person.department,
        "institution": person.institution_id,
        "is_active": "on",
        "employment": person.employment,
        "hire_route": person.hire_route,
        "obligation_ends_on": "",
        "pension_category": person.pension_category,
        "monthly_salary": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["county_officer", "group_manager", "township_doctor"])
def test_editors_change_the_basic_record_audited(request, staff, signed_in, persona):
    user = request.getfixturevalue(persona)
    person = staff["a"]
    response = signed_in(user).post(
        reverse("workforce:edit", args=[person.pk]),
        _basic(person, title_level="intermediate", liability_insured="on", monthly_salary="4200"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title_level, person.liability_insured, str(person.monthly_salary)) == (
        "intermediate",
        True,
        "4200.00",
    )
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.object_id == str(person.pk)
    assert sorted(entry.detail["fields"]) == ["liability_insured", "monthly_salary", "title_level"]
    assert entry.username == user.username


def test_township_editor_cannot_move_staff_out_of_their_subtree(
    staff, county, township_doctor, signed_in
):
    person = staff["a"]
    response = signed_in(township_doctor).post(
        reverse("workforce:edit", args=[person.pk]), _basic(person, institution=county.clinic_c.pk)
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    person.refresh_from_db()
    assert person.institution_id == county.clinic_a.pk


def test_add_related_records(staff, county, township_doctor, signed_in):
    client = signed_in(township_doctor)
    pk = staff["a"].pk
    posts = [
        ("add_certificate", {"kind": "village_doctor", "number": "X-1", "scope": "clinical"}),
        ("add_post", {"institution": county.thc1.pk, "kind": "up", "started_on": "2024-01-01"}),
        (
            "add_training",
            {
                "topic": "培训",
                "level": "county",
                "started_on": "2025-01-01",
                "ended_on": "2025-01-05",
                "is_free": "on",
            },
        ),
        (
            "add_visit",
            {
                "host": county.clinic_a.pk,
                "kind": "rounds",
                "started_on": "2025-02-01",
                "ended_on": "2025-02-01",
            },
        ),
    ]
    for name, data in posts:
        response = client.post(reverse(f"workforce:{name}", args=[pk]), data)
        assert response.status_code == 302, (
            name,
            response.context and response.context["form"].errors,
        )
    person = Staff.objects.get(pk=pk)
    assert person.certificates.get().number == "X-1"
    assert person.posts.get().kind == "up"
    assert person.trainings.get().days == 5
    assert person.guidance_visits.get().host == county.clinic_a
    details = list(AuditEntry.objects.filter(action="update").values_list("detail", flat=True))
    assert [d["added"] for d in details] == ["certificate", "post", "training", "guidance visit"]


def test_a_training_cannot_end_before_it_starts(staff, township_doctor, signed_in):
    response = signed_in(township_doctor).post(
        reverse("workforce:add_training", args=[staff["a"].pk]),
        {"topic": "x", "level": "county", "started_on": "2025-01-05", "ended_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "ended_on" in response.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_export_contains_the_filtered_staff_in_scope(staff, township_doctor, signed_in):
    Certificate.objects.create(staff=staff["a"], kind="village_doctor", number="VD-1")
    client = signed_in(township_doctor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("workforce:export"), {"profession": "village_doctor"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Staff number", "Name", "Sex", "Birth date", "Profession")
    assert len(rows) == 2
    assert rows[1][:2] == ("A001", "甲村医")
    assert rows[1][4] == "village doctor"
    assert rows[1][14:16] == ("village doctor certificate (乡村医生执业证书)", "VD-1")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.detail["profession"]) == ("export", "village_doctor")


def test_navigation_offers_staff_to_editors(county, county_officer, village_doctor):
    from jiceng.navigation import links_for

    assert "staff" in [link.key for link in links_for(county_officer, "/")]
    assert "staff" not in [link.key for link in links_for(village_doctor, "/")]
