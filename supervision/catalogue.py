"""Every rule the platform implements: its kind, category and title, and the function that
computes it. A pack may name only rules listed here (``engine.validate_pack``)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from supervision.checks import organisation, personnel, services
from supervision.checks.common import Context
from supervision.packs import RuleConfig
from supervision.results import Kind, Outcome

RuleFunction = Callable[[Context, RuleConfig], Outcome]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    kind: Kind
    category: str
    title: Promise
    function: RuleFunction


CATEGORIES: dict[str, Promise] = {
    "ORG": _("Institutions and planning"),
    "HR": _("Personnel"),
    "MED": _("Basic medical services"),
}

_RULES = (
    RuleInfo("ORG-4", "check", "ORG", _("One community health service centre per street"),
             organisation.org_4),
    RuleInfo("ORG-5", "check", "ORG", _("One township health centre per township"),
             organisation.org_5),
    RuleInfo("ORG-6", "check", "ORG", _("A clinic in every administrative village, or a "
             "recorded exception"), organisation.org_6),
    RuleInfo("ORG-7", "check", "ORG", _("1–3 central THCs designated county sub-centres"),
             organisation.org_7),
    RuleInfo("ORG-8", "check", "ORG", _("Every village within reach of an emergency point"),
             organisation.org_8),
    RuleInfo("ORG-9", "check", "ORG", _("TCM services at every centre, Chinese patent "
             "medicines at every station and clinic"), organisation.org_9),
    RuleInfo("ORG-10", "check", "ORG", _("Fever clinics, negative-pressure ambulances and "
             "infectious disease departments"), organisation.org_10),
    RuleInfo("ORG-11", "check", "ORG", _("At least one medical emergency team"),
             organisation.org_11),
    RuleInfo("ORG-12.1", "target", "ORG", _("CHSCs built to community-hospital standard"),
             organisation.org_12_community_hospitals),
    RuleInfo("ORG-12.2", "target", "ORG", _("THCs and CHSCs meeting the recommended "
             "quality-service standard"), organisation.org_12_quality_standard),
    RuleInfo("HR-4", "check", "HR", _("Monthly guidance visits by mid-level county hospital "
             "staff"), personnel.hr_4),
    RuleInfo("HR-5", "check", "HR", _("Free training for every village doctor"),
             personnel.hr_5),
    RuleInfo("HR-6", "check", "HR", _("Village doctors per 1,000 people served"),
             personnel.hr_6),
    RuleInfo("HR-7", "check", "HR", _("Township health centre staffing quotas"),
             personnel.hr_7),
    RuleInfo("HR-8", "target", "HR", _("Village doctors holding a physician licence"),
             personnel.hr_8),
    RuleInfo("HR-11", "check", "HR", _("Grassroots salaries not below county-level salaries"),
             personnel.hr_11),
    RuleInfo("HR-13.1", "target", "HR", _("Grassroots staff trained at tertiary hospitals"),
             personnel.hr_13_tertiary),
    RuleInfo("HR-13.2", "target", "HR", _("Specialists dispatched to grassroots institutions"),
             personnel.hr_13_dispatched),
    RuleInfo("HR-13.3", "target", "HR", _("Grassroots staff trained at county hospitals"),
             personnel.hr_13_trained_up),
    RuleInfo("HR-13.4", "target", "HR", _("One-year deputy-head postings"),
             personnel.hr_13_deputy_heads),
    RuleInfo("MED-7", "check", "MED", _("Practice within approved scope"), services.med_7),
)  # fmt: skip

RULES: dict[str, RuleInfo] = {rule.id: rule for rule in _RULES}
