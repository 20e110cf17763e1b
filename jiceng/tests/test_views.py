import re
from datetime import date

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, Role
from jiceng import charts
from jiceng.charts import age_sex_pyramid, population_pyramid_svg
from jiceng.dates import years_before
from jiceng.navigation import links_for
from jiceng.testing import ResidentFactory, StaffFactory, make_user
from residents.models import Resident

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in(client, user):
    """Sign in without the password form and, for 2FA roles, with a verified second factor."""
    client.force_login(user, backend=MODEL_BACKEND)
    if user.needs_two_factor:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def heading(response):
    match = re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    assert match is not None
    return match.group(1).strip()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_healthz_answers_without_signing_in(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_county_officer_sees_the_county_summary(client, county, county_officer):
    response = sign_in(client, county_officer).get(reverse("home"))
    assert response.status_code == 200
    assert heading(response) == "全县概况"
    context = response.context
    assert context["county"] == county.county
    assert context["summary"]["townships"] == 2
    assert context["summary"]["villages"] == 3
    assert context["resident_count"] == 4
    assert dict(context["institutions_by_type"]) == {"县级医院": 1, "乡镇卫生院": 2, "村卫生室": 2}
    assert reverse("residents:pyramid") in response.content.decode()


@pytest.mark.parametrize("role", [Role.CDC, Role.INSURANCE, Role.GROUP_MANAGER])
def test_other_county_offices_share_the_county_page(client, county, role):
    scope = (
        {"institution": county.hospital}
        if role == Role.GROUP_MANAGER
        else {"division": county.county}
    )
    user = make_user(f"user_{role}", role, **scope)
    response = sign_in(client, user).get(reverse("home"))
    assert heading(response) == "全县概况"
    assert response.context["county"] == county.county
    assert response.context["resident_count"] == 4


def test_township_doctor_sees_the_centre_its_villages_and_clinics(client, county, township_doctor):
    response = sign_in(client, township_doctor).get(reverse("home"))
    assert heading(response) == "本院概况"
    rows = {row.village.name: row.resident_count for row in response.context["villages"]}
    assert rows == {"甲村": 2, "乙村": 1}
    assert [clinic.name for clinic in response.context["clinics"]] == ["甲村卫生室"]
    assert "丙村" not in response.content.decode()


def test_village_doctor_sees_the_village_and_its_resident_count(client, county, village_doctor):
    response = sign_in(client, village_doctor).get(reverse("home"))
    assert heading(response) == "我的村"
    assert [row.village.name for row in response.context["villages"]] == ["甲村"]
    assert response.context["resident_count"] == 2
    assert reverse("residents:list") in response.content.decode()


def test_specialist_sees_the_department_and_no_personal_data(client, county):
    staff = StaffFactory(institution=county.hospital, department="心内科")
    user = make_user("zhuanke", Role.SPECIALIST, institution=county.hospital, staff=staff)
    response = sign_in(client, user).get(reverse("home"))
    body = response.content.decode()
    assert heading(response) == "我的科室"
    assert "心内科" in body
    assert "高平市人民医院" in body
    assert "王秀英" not in body
    assert not AuditEntry.objects.exists()


def test_resident_sees_own_record_and_child_masked(client, county, resident_user):
    response = sign_in(client, resident_user).get(reverse("home"))
    body = response.content.decode()
    assert heading(response) == "我的健康档案"
    assert "王秀英" in body
    assert "王小明" in body
    assert county.resident_a.citizen_id not in body
    assert county.resident_a.citizen_id[-4:] in body
    assert set(AuditEntry.objects.values_list("purpose", flat=True)) == {"own record"}


def test_resident_without_a_linked_record_is_told_so(client, county):
    user = make_user("jumin_x", Role.RESIDENT)
    response = sign_in(client, user).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["record"] is None


def test_sysadmin_gets_links_to_admin_and_audit_log(client, county):
    user = make_user("admin", Role.SYSADMIN, is_staff=True, is_superuser=True)
    response = sign_in(client, user).get(reverse("home"))
    body = response.content.decode()
    assert heading(response) == "系统管理"
    assert reverse("admin:accounts_auditentry_changelist") in body
    assert "/api/docs" in body


def test_navigation_follows_the_role(county, village_doctor, resident_user):
    doctor_links = [link.key for link in links_for(village_doctor, "/residents/")]
    assert doctor_links == [
        "home",
        "residents",
        "divisions",
        "institutions",
        "api_docs",
        "worklist",
        "vaccination",
        "reminders",
        "education",
    ]
    assert [link.key for link in links_for(village_doctor, "/residents/") if link.is_active] == [
        "residents"
    ]
    resident_links = {link.key: link.url for link in links_for(resident_user, "/")}
    assert resident_links["my_record"] == reverse("residents:detail", args=[county.resident_a.pk])
    assert "residents" not in resident_links
    assert "admin" not in resident_links
    assert resident_links["child_vaccinations"] == reverse("immunization:family")


def test_base_layout_has_language_switch_logout_and_lang(client, county, village_doctor):
    body = sign_in(client, village_doctor).get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert 'action="/i18n/setlang/"' in body
    assert ">English</button>" in body
    assert 'action="/accounts/logout/"' in body
    assert "cunyi_a" in body
    assert "村医" in body


def test_pages_use_no_inline_styles_or_scripts(client, county, village_doctor):
    body = sign_in(client, village_doctor).get(reverse("home")).content.decode()
    assert "style=" not in body
    assert "<style" not in body
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert "http://" not in body
    assert "https://" not in body


# ---- population pyramid ----


def test_pyramid_groups_ages_in_the_database(county):
    today = date(2026, 6, 1)
    ResidentFactory(village=county.village_a, birth_date=years_before(today, 5))  # 5 today
    ResidentFactory(  # 4 years old, 5 tomorrow
        village=county.village_a, birth_date=date(2021, 6, 2), sex=Resident.Sex.MALE
    )
    ResidentFactory(village=county.village_a, birth_date=date(1930, 1, 1))  # 96
    groups = {
        group.label: (group.male, group.female)
        for group in age_sex_pyramid(Resident.objects.all(), today=today)
    }
    labels = list(groups)
    assert (labels[0], labels[-1], len(labels)) == ("0–4", "85+", 18)
    assert groups["0–4"] == (1, 0)
    assert groups["5–9"] == (1, 1)  # the new five-year-old and 王小明 (7)
    assert groups["65–69"] == (2, 1)  # the 1960 cohort of the county fixture
    assert groups["85+"] == (0, 1)
    assert sum(male + female for male, female in groups.values()) == Resident.objects.count()


def test_pyramid_is_one_aggregate_query(county, django_assert_num_queries):
    with django_assert_num_queries(1):
        age_sex_pyramid(Resident.objects.all(), today=date(2026, 1, 1))


def test_pyramid_chart_is_svg_without_scripts_from_the_internet(client, county, county_officer):
    response = sign_in(client, county_officer).get(reverse("residents:pyramid"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml")
    scripts = re.findall(r"<script[^>]*>", svg)
    assert all("href" not in tag and "src" not in tag for tag in scripts)
    assert "kozea.github.io" not in svg
    assert "googleapis" not in svg
    assert "script-src 'none'" in response["Content-Security-Policy"]


def test_pyramid_counts_only_residents_in_scope(client, county, outsider, monkeypatch):
    seen = []
    real = charts.age_sex_pyramid

    def spy(residents, *, today):
        seen.append(sorted(residents.values_list("name", flat=True)))
        return real(residents, today=today)

    monkeypatch.setattr(charts, "age_sex_pyramid", spy)
    response = sign_in(client, outsider).get(reverse("residents:pyramid"))
    assert response.status_code == 200
    assert seen == [["张伟"]]


def test_pyramid_without_residents_says_so(db):
    svg = population_pyramid_svg(age_sex_pyramid(Resident.objects.none(), today=date(2026, 1, 1)))
    assert b"<svg" in svg


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [-1, 0, 1]),
        (2, [-2, -1, 0, 1, 2]),
        (9, [-10, -5, 0, 5, 10]),
        (123, [-200, -100, 0, 100, 200]),
        (4999, [-6000, -4000, -2000, 0, 2000, 4000, 6000]),
    ],
)
def test_pyramid_axis_has_whole_symmetric_ticks(largest, ticks):
    assert charts.symmetric_ticks(largest) == ticks
