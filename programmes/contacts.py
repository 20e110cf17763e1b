"""What each contact code of the schedules is called on pages (public-health-services.md §2)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CONTACT_LABELS: dict[str, str | Promise] = {
    "newborn": _("newborn home visit"),
    "m1": _("full-month check"),
    "m3": _("3-month check"),
    "m6": _("6-month check"),
    "m8": _("8-month check"),
    "m12": _("12-month check"),
    "m18": _("18-month check"),
    "m24": _("24-month check"),
    "m30": _("30-month check"),
    "m36": _("36-month check"),
    "y4": _("4-year check"),
    "y5": _("5-year check"),
    "y6": _("6-year check"),
    "antenatal_1": _("1st antenatal check (before week 13)"),
    "antenatal_2": _("2nd antenatal check (weeks 16–20)"),
    "antenatal_3": _("3rd antenatal check (weeks 21–24)"),
    "antenatal_4": _("4th antenatal check (weeks 28–36)"),
    "antenatal_5": _("5th antenatal check (weeks 37–40)"),
    "postpartum": _("postpartum home visit"),
    "day42": _("42-day postpartum check"),
    "followup": _("follow-up visit"),
    "annual_check": _("annual health check"),
    "first_home": _("first home visit"),
    "tb_visit": _("supervision visit"),
}


def contact_label(code: str) -> str:
    return str(CONTACT_LABELS.get(code, code))
