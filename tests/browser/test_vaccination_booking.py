"""A parent books their baby's vaccination on a phone, sees it booked, and cancels (PH-4)."""

import pytest

from immunization.models import Appointment
from immunization.tests.factories import make_batch, make_clinic, make_infant, make_slot
from jiceng.testing import DEMO_PASSWORD

# Until jiceng/urls.py includes immunization.urls, the test URLconf adds it.
pytestmark = pytest.mark.browser


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def test_parent_books_and_cancels_a_slot_on_a_phone(new_page, screenshot, county, resident_user):
    clinic = make_clinic(county)
    make_batch(clinic, "HepB")
    slot = make_slot(clinic, capacity=3)
    baby = make_infant(county, household=county.resident_a.household, name="王小宝")

    page = new_page(width=390, height=844)
    log_in(page, resident_user.username)
    page.goto("/immunization/family/")
    card = page.locator(f"#child-{baby.pk}")
    assert baby.name in card.locator("h2").inner_text()

    card.locator("#slots-" + str(baby.pk) + " button").click()  # htmx loads the free slots
    book = card.locator("button[name=action][value=book]")
    book.wait_for()
    assert "HepB-1" in card.locator(".offer").first.inner_text()
    book.first.click()
    page.wait_for_load_state("networkidle")

    appointment = card.locator(".appointment")
    assert appointment.count() == 1
    assert "HepB-1" in appointment.inner_text()
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], overflow
    screenshot(page, "phone-vaccination-booked")
    assert Appointment.objects.get(resident=baby).status == "booked"

    appointment.locator("button[value=cancel]").click()
    page.wait_for_load_state("networkidle")
    assert card.locator(".appointment").count() == 0
    assert Appointment.objects.get(resident=baby).status == "cancelled"
    slot.refresh_from_db()
    assert slot.booked == 0
