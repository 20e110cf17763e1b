"""A resident reads their own record on a phone (PH-1): every section, no edit links, nothing
wider than the screen. Real Chromium through Playwright (fixtures of ``tests/browser``)."""

import pytest

from accounts.models import Role
from jiceng.testing import make_user
from residents.models import FamilyHistory, HistoryItem
from tests.browser.conftest import browser, new_page, screenshot  # noqa: F401  (fixtures)
from tests.browser.test_roles import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_resident_reads_own_record_on_a_phone(new_page, screenshot, county):  # noqa: F811
    resident = county.resident_a
    resident.contact_name = "王大明"
    resident.contact_phone = "13911112222"
    resident.allergies = ["penicillin"]
    resident.save()
    HistoryItem.objects.create(resident=resident, kind="disease", icd10="I10", name="原发性高血压")
    FamilyHistory.objects.create(resident=resident, relative="father", condition="脑卒中")
    make_user("jumin", Role.RESIDENT, resident=resident)
    page = new_page(**PHONE)
    log_in(page, "jumin")
    page.get_by_role("link", name="我的档案").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "王秀英"
    for heading in ("档案完整度", "封面", "身份", "联系方式", "个人基本信息", "生活环境"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    for heading in ("既往史", "家族史", "档案状态"):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1
    assert page.get_by_text("I10").is_visible()
    assert page.get_by_text("青霉素").is_visible()
    assert page.get_by_role("link", name="编辑档案").count() == 0
    assert page.get_by_role("link", name="修改记录").count() == 0
    assert resident.citizen_id not in page.content()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone's screen"
    screenshot(page, "resident-own-record-phone")
    page.goto(f"/residents/{resident.pk}/edit/")
    assert page.locator("h1").inner_text() != "编辑 王秀英 的档案"
