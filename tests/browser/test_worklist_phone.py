"""A village doctor opens today's work list on a phone (390 px): one card per person, the
overdue tab narrows it, and one tap leads to the visit form (PH-3), in real Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programmes.models import Enrolment, Programme
from tests.browser.test_roles import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def owed(county):
    today = timezone.localdate()

    def enrol(resident, programme, due, closes):
        return Enrolment.objects.create(
            resident=resident,
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            proposed_on=today - timedelta(days=200),
            enrolled_on=today - timedelta(days=200),
            next_contact="followup" if programme != Programme.ELDERLY else "annual_check",
            next_due_on=due,
            window_start=due - timedelta(days=30),
            window_end=closes,
        )

    overdue = enrol(
        county.resident_a,
        Programme.HYPERTENSION,
        today - timedelta(days=9),
        today - timedelta(days=4),
    )
    due = enrol(county.resident_a, Programme.ELDERLY, today, today + timedelta(days=20))
    return overdue, due


def test_phone_work_list_shows_cards_and_leads_to_the_visit_form(
    new_page, screenshot, village_doctor, owed
):
    overdue, _due = owed
    page = new_page(width=390, height=844)
    log_in(page, village_doctor.username)
    page.goto("/programmes/worklist/")
    cards = page.locator(".worklist__item")
    assert cards.count() == 2
    # No sideways scrolling on a phone: the list fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "worklist-phone")

    page.locator("a.tabs__overdue").click()
    page.wait_for_load_state("networkidle")
    assert cards.count() == 1
    assert "4" in page.locator(".worklist__late").inner_text()
    page.locator(f'a[href="/programmes/enrolments/{overdue.pk}/visit/"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/programmes/enrolments/{overdue.pk}/visit/")
    assert page.locator("#id_sbp").is_visible()
