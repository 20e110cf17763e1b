"""Each role signs in through the real form and lands on its own page, in Chinese."""

import pytest

from accounts.models import Role
from jiceng.testing import DEMO_PASSWORD, ResidentFactory, StaffFactory, make_user

pytestmark = pytest.mark.browser


def scope_for(role, county):
    """Role-appropriate scopes in the tiny test county; 2FA roles are demo users (may skip)."""
    if role == Role.SYSADMIN:
        return {"is_staff": True, "is_superuser": True, "is_demo": True}
    if role in (Role.COUNTY_HEALTH, Role.CDC, Role.INSURANCE):
        return {"division": county.county, "is_demo": True}
    if role == Role.GROUP_MANAGER:
        return {"institution": county.hospital, "is_demo": True}
    if role == Role.TOWNSHIP_STAFF:
        return {"institution": county.thc1}
    if role == Role.VILLAGE_DOCTOR:
        return {"institution": county.clinic_a, "division": county.village_a}
    if role == Role.SPECIALIST:
        staff = StaffFactory(institution=county.hospital, department="心内科")
        return {"institution": county.hospital, "staff": staff}
    return {"resident": county.resident_a}


HEADINGS = {
    Role.SYSADMIN: "系统管理",
    Role.COUNTY_HEALTH: "全县概况",
    Role.GROUP_MANAGER: "全县概况",
    Role.TOWNSHIP_STAFF: "本院概况",
    Role.VILLAGE_DOCTOR: "我的村",
    Role.SPECIALIST: "我的科室",
    Role.CDC: "全县概况",
    Role.INSURANCE: "全县概况",
    Role.RESIDENT: "我的健康档案",
}


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo_county(county, settings):
    settings.DEMO_MODE = True
    return county


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_role_lands_on_its_home_page_in_chinese(new_page, screenshot, demo_county, role):
    make_user(f"demo_{role}", role, **scope_for(role, demo_county))
    page = new_page()
    log_in(page, f"demo_{role}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == HEADINGS[role]
    assert page.locator(".who__role").inner_text() == str(Role(role).label)
    if role in (Role.COUNTY_HEALTH, Role.GROUP_MANAGER):
        chart = page.locator("img.chart")
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, f"home-{role}")


def test_language_switch_shows_english(new_page, screenshot, demo_county):
    make_user("cunyi", Role.VILLAGE_DOCTOR, **scope_for(Role.VILLAGE_DOCTOR, demo_county))
    page = new_page()
    log_in(page, "cunyi")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "My village"
    assert page.get_by_role("button", name="中文").is_visible()
    screenshot(page, "home-village-doctor-english")
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "我的村"


def test_resident_list_is_usable_on_a_phone(new_page, screenshot, demo_county):
    ResidentFactory.create_batch(12, village=demo_county.village_a, name="赵桂兰")
    make_user("cunyi", Role.VILLAGE_DOCTOR, **scope_for(Role.VILLAGE_DOCTOR, demo_county))
    page = new_page(width=390, height=844)
    log_in(page, "cunyi")
    page.get_by_role("link", name="居民", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "居民"
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert max(overflow[:2]) <= overflow[2], overflow
    assert page.locator("table tbody tr").count() == 14
    search = page.locator("#id_q")
    assert search.is_visible()
    box = search.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    screenshot(page, "phone-resident-list")

    # htmx: typing filters the table in place, without a page load
    loads = []
    page.on("load", lambda _page: loads.append(1))
    search.fill("王秀")
    page.wait_for_function("() => document.querySelectorAll('table tbody tr').length === 1")
    assert "王秀英" in page.locator("table tbody").inner_text()
    assert loads == []
    assert "q=" in page.url
    screenshot(page, "phone-resident-search")
