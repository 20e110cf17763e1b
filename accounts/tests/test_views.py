import re
import sys

import pytest
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import views
from accounts.models import AuditEntry, Role
from jiceng.testing import DEMO_PASSWORD, make_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LOGIN = "/accounts/login/"


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "<h1>登录</h1>" in body
    assert "用户名" in body
    assert "密码" in body


def test_login_page_is_english_after_switching(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    body = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Sign in</h1>" in body
    assert ">中文</button>" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN})
    assert "<h1>登录</h1>" in client.get(LOGIN).content.decode()


def test_demo_notice_lists_demo_users_by_role(client, county, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(views, "demo_password", lambda: "shared-demo-secret")
    make_user("demo_resident", Role.RESIDENT, is_demo=True)
    make_user("demo_county", Role.COUNTY_HEALTH, division=county.county, is_demo=True)
    make_user("not_demo", Role.COUNTY_HEALTH, division=county.county)
    body = client.get(LOGIN).content.decode()
    assert "这是演示系统" in body
    assert "shared-demo-secret" in body
    assert "可以跳过双重认证" in body
    assert "not_demo" not in body
    assert body.index("demo_county") < body.index("demo_resident")
    assert "县卫健局" in body


def test_demo_notice_leaves_out_the_password_when_the_generator_is_missing(
    client, db, settings, monkeypatch
):
    settings.DEMO_MODE = True
    monkeypatch.setitem(sys.modules, "jiceng.generator.demo_users", None)  # import fails
    response = client.get(LOGIN)
    assert response.context["demo_password"] is None
    assert "所有演示账户的密码" not in response.content.decode()


def test_no_demo_notice_outside_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    assert "这是演示系统" not in client.get(LOGIN).content.decode()


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("village_doctor", "我的村"),
        ("township_doctor", "本院概况"),
        ("resident_user", "我的健康档案"),
    ],
)
def test_each_persona_lands_on_its_home_page(client, request, persona, heading):
    user = request.getfixturevalue(persona)
    response = client.post(
        LOGIN, {"username": user.username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_demo_county_user_lands_on_the_county_page_in_demo_mode(client, county, settings):
    settings.DEMO_MODE = True
    make_user("demo_wjj", Role.COUNTY_HEALTH, division=county.county, is_demo=True)
    response = client.post(LOGIN, {"username": "demo_wjj", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "<h1>全县概况</h1>" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, village_doctor):
    response = client.post(LOGIN, {"username": "cunyi_a", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_returns_to_sign_in(client, village_doctor):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


# ---- second factor page ----


def test_otp_set_up_shows_qr_code_and_secret(client, county_officer, settings):
    settings.DEMO_MODE = False
    client.force_login(county_officer, backend=MODEL_BACKEND)
    response = client.get(reverse("accounts:otp"))
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=county_officer)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in body
    assert response.context["secret"].replace(" ", "")
    assert response.context["setting_up"] is True
    assert "跳过（仅限演示）" not in body
    # a second visit reuses the device being set up
    client.get(reverse("accounts:otp"))
    assert TOTPDevice.objects.filter(user=county_officer).count() == 1


def test_wrong_code_shows_an_error_on_the_field(client, county_officer, settings):
    settings.DEMO_MODE = False
    client.force_login(county_officer, backend=MODEL_BACKEND)
    client.get(reverse("accounts:otp"))
    response = client.post(reverse("accounts:otp"), {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "验证码不正确" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_malformed_code_is_rejected_before_checking(client, county_officer, settings):
    settings.DEMO_MODE = False
    client.force_login(county_officer, backend=MODEL_BACKEND)
    response = client.post(reverse("accounts:otp"), {"code": "12ab"})
    assert "6 位数字" in response.content.decode()


def test_demo_user_sees_the_skip_link_in_demo_mode(client, county, settings):
    settings.DEMO_MODE = True
    user = make_user("demo_cdc", Role.CDC, division=county.county, is_demo=True)
    client.force_login(user, backend=MODEL_BACKEND)
    body = client.get(reverse("accounts:otp")).content.decode()
    assert "跳过（仅限演示）" in body


# ---- admin ----


def test_admin_login_sends_people_to_our_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/"
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)


def test_admin_login_sends_signed_in_non_staff_home(client, village_doctor):
    client.force_login(village_doctor, backend=MODEL_BACKEND)
    response = client.get("/admin/login/")
    assert response["Location"] == reverse("home")


@pytest.fixture
def superuser(county, settings):
    settings.DEMO_MODE = True
    return make_user("root", Role.SYSADMIN, is_staff=True, is_superuser=True, is_demo=True)


def test_admin_is_chinese_and_registers_the_registry(client, superuser):
    client.force_login(superuser, backend=MODEL_BACKEND)
    body = client.get("/admin/").content.decode()
    assert "行政区划" in body
    assert "医疗卫生机构" in body or "机构" in body
    assert "人员" in body
    assert "审计记录" in body
    for name in ("divisions_division", "institutions_institution", "workforce_staff"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_never_lists_residents_or_households(superuser):
    for name in ("residents_resident", "residents_household"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}_changelist")


def test_audit_log_is_read_only_in_the_admin(client, superuser, county, village_doctor):
    from accounts import scope

    scope.get_resident(village_doctor, county.resident_a.pk, request=None, purpose="visit")
    client.force_login(superuser, backend=MODEL_BACKEND)
    entry = AuditEntry.objects.get()
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    change = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    response = client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]))
    assert response.status_code == 403


def test_admin_user_form_shows_role_and_scope(client, superuser, village_doctor):
    client.force_login(superuser, backend=MODEL_BACKEND)
    body = client.get(reverse("admin:accounts_user_change", args=[village_doctor.pk])).content
    body = body.decode()
    assert 'name="role"' in body
    assert 'name="division"' in body
    assert 'name="institution"' in body
    add = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="role"' in add


def test_admin_can_add_a_user_with_a_role(client, superuser):
    client.force_login(superuser, backend=MODEL_BACKEND)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_doctor",
            "role": Role.VILLAGE_DOCTOR,
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, re.findall(
        r"errorlist[^<]*<li>([^<]*)", response.content.decode()
    )
    from accounts.models import User

    assert User.objects.get(username="new_doctor").role == Role.VILLAGE_DOCTOR
