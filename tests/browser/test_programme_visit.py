"""A village doctor records a hypertension follow-up: the urgent-referral advice appears as
the readings are typed (htmx, before saving), and the saved visit gives the next visit date
(PH-2, BPHS3 §4.1), in real Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from programmes import services
from programmes.models import Enrolment, Programme, Visit
from tests.browser.test_roles import log_in

pytestmark = pytest.mark.browser


def in_chinese(text):
    """The page's words: the Chinese catalogue's, or the English msgid until it is merged."""
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def hypertension(county):
    start = timezone.localdate() - timedelta(days=30)
    enrolment = Enrolment.objects.create(
        resident=county.resident_a,
        programme=Programme.HYPERTENSION,
        status=Enrolment.Status.ACTIVE,
        proposed_on=start,
        enrolled_on=start,
        diagnosis_icd10="I10",
    )
    services.refresh_schedules(Enrolment.objects.filter(pk=enrolment.pk))
    return enrolment


def test_urgent_referral_shows_while_typing_and_the_saved_visit_gives_the_next_date(
    new_page, screenshot, village_doctor, hypertension
):
    page = new_page()
    log_in(page, village_doctor.username)
    page.goto(f"/programmes/enrolments/{hypertension.pk}/")
    visit_url = f"/programmes/enrolments/{hypertension.pk}/visit/"
    page.locator(f'a[href="{visit_url}"]').first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(visit_url)
    assert page.locator("#id_contact").input_value() == "followup"

    page.locator("#id_sbp").press_sequentially("182")
    page.locator("#id_dbp").press_sequentially("95")
    advice = page.locator("#assessment .assessment__referral")
    advice.wait_for()  # the preview arrives without submitting the form
    assert advice.inner_text().strip() == in_chinese("Urgent referral")
    assert in_chinese("uncontrolled") in page.locator("#assessment .assessment__class").inner_text()
    next_date = (timezone.localdate() + timedelta(days=14)).isoformat()
    assert next_date in page.locator("#assessment .assessment__next").inner_text()
    assert page.url.endswith(visit_url)
    assert not Visit.objects.exists()
    screenshot(page, "programme-visit-urgent-referral")

    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/programmes/enrolments/{hypertension.pk}/")
    message = page.locator(".message--success").inner_text()
    assert next_date in message
    visit = Visit.objects.get(enrolment=hypertension)
    assert visit.next_due_on is not None
    assert (visit.sbp, visit.dbp, visit.urgent_referral, visit.next_due_on.isoformat()) == (
        182,
        95,
        True,
        next_date,
    )
    screenshot(page, "programme-visit-saved")
