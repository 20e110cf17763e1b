"""A county officer finds what fails, fixes the record and sees the check pass (SUP-7, ORG-9),
in real Chromium, in Chinese."""

import pytest

from accounts.models import Role
from institutions.models import Capabilities, Institution
from jiceng.testing import StaffFactory, make_user
from tests.browser.test_roles import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def county_without_a_tcm_hall(county, settings):
    """Every institution recorded; township 2's THC lacks a TCM hall (ORG-9 fails there)."""
    settings.DEMO_MODE = True
    for institution in Institution.objects.all():
        Capabilities.objects.create(
            institution=institution,
            has_tcm_hall=institution != county.thc2,
            stocks_chinese_patent_medicines=True,
        )
    for thc in (county.thc1, county.thc2):
        StaffFactory(institution=thc, department="中医科")
    make_user("weijianju_demo", Role.COUNTY_HEALTH, division=county.county, is_demo=True)
    return county


def test_officer_fixes_a_failing_institution_and_the_check_passes(
    new_page, screenshot, county_without_a_tcm_hall
):
    county = county_without_a_tcm_hall
    page = new_page()
    log_in(page, "weijianju_demo")

    page.get_by_role("link", name="监督").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "监管看板"
    row = page.locator("tr", has=page.get_by_role("link", name="ORG-9", exact=True))
    assert row.locator(".status").inner_text() == "不达标"
    screenshot(page, "supervision-dashboard")

    row.get_by_role("link", name="ORG-9", exact=True).click()
    page.get_by_role("link", name=county.thc2.name).click()
    page.get_by_role("link", name="编辑").click()
    page.locator("#id_cap-has_tcm_hall").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")

    page.goto("/supervision/rules/ORG-9/")
    assert page.locator(".page-header .status").inner_text() == "达标"
    assert "没有不达标的对象" in page.content()
    screenshot(page, "supervision-org9-fixed")


def test_dashboard_fits_a_phone(new_page, county_without_a_tcm_hall):
    page = new_page(width=390, height=844)
    log_in(page, "weijianju_demo")
    page.goto("/supervision/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
