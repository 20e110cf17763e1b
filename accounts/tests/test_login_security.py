"""Lockout after failed passwords (django-axes) and the TOTP second factor (IT-4)."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from jiceng.testing import DEMO_PASSWORD, make_user

LOGIN = "/accounts/login/"


def sign_in(client, username, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, village_doctor):
    for _attempt in range(5):
        sign_in(client, "cunyi_a", "not-the-password")
    response = sign_in(client, "cunyi_a")
    assert response.status_code == 429
    body = response.content.decode()
    assert "账户已锁定" in body
    assert "30 分钟" in body
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_still_allow_the_right_one(client, village_doctor):
    for _attempt in range(4):
        sign_in(client, "cunyi_a", "not-the-password")
    response = sign_in(client, "cunyi_a")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(village_doctor.pk)


def test_lockout_is_per_account(client, village_doctor, outsider):
    for _attempt in range(5):
        sign_in(client, "cunyi_a", "not-the-password")
    assert sign_in(client, "cunyi_c").status_code == 302


def test_county_user_must_enter_a_totp_code_before_reaching_home(client, county, settings):
    settings.DEMO_MODE = True  # the user is not a demo user: demo mode must not matter
    make_user("weijianju_2", Role.COUNTY_HEALTH, division=county.county)
    response = sign_in(client, "weijianju_2", follow=True)
    assert response.redirect_chain == [
        (reverse("home"), 302),
        (reverse("accounts:otp"), 302),
    ]
    assert "双重认证登录" in response.content.decode()
    assert client.get(reverse("residents:list")).status_code == 302

    device = TOTPDevice.objects.get(user__username="weijianju_2")
    response = client.post(reverse("accounts:otp"), {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    device.refresh_from_db()
    assert device.confirmed
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "<h1>全县概况</h1>" in home.content.decode()


def test_confirmed_device_asks_only_for_the_code(client, county, settings):
    settings.DEMO_MODE = False
    user = make_user("cdc_1", Role.CDC, division=county.county)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "cdc_1")
    page = client.get(reverse("accounts:otp"))
    assert page.context["setting_up"] is False
    assert "qr_data_uri" not in page.context
    response = client.post(reverse("accounts:otp"), {"code": current_code(device)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_code_cannot_be_used_twice(client, county, settings):
    settings.DEMO_MODE = False
    user = make_user("ins_1", Role.INSURANCE, division=county.county)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = current_code(device)
    sign_in(client, "ins_1")
    assert client.post(reverse("accounts:otp"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "ins_1")
    response = client.post(reverse("accounts:otp"), {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_demo_county_user_may_skip_in_demo_mode(client, county, settings):
    settings.DEMO_MODE = True
    make_user("demo_weijianju", Role.COUNTY_HEALTH, division=county.county, is_demo=True)
    sign_in(client, "demo_weijianju")
    otp_page = client.get(reverse("accounts:otp")).content.decode()
    assert "跳过（仅限演示）" in otp_page
    assert client.get(reverse("home")).status_code == 200


def test_demo_user_may_not_skip_outside_demo_mode(client, county, settings):
    settings.DEMO_MODE = False
    make_user("demo_weijianju", Role.COUNTY_HEALTH, division=county.county, is_demo=True)
    sign_in(client, "demo_weijianju")
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp")
    assert "跳过（仅限演示）" not in client.get(reverse("accounts:otp")).content.decode()


def test_roles_without_two_factor_go_straight_home(client, village_doctor, settings):
    settings.DEMO_MODE = False
    sign_in(client, "cunyi_a")
    assert client.get(reverse("home")).status_code == 200
