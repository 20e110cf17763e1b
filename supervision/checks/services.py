"""Practice within the approved scope (MED-7: JC-24, JC-26)."""

from collections import defaultdict

from django.utils.translation import gettext as _

from institutions.models import PracticeSubject
from supervision.checks.common import VILLAGE_LEVEL_TYPES, Context, Type, institution_failing
from supervision.packs import RuleConfig
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS, Outcome

S = PracticeSubject
# The practice subject a department name belongs to. Departments that are not clinical subjects
# (nursing, pharmacy, administration) are absent and never checked.
DEPARTMENT_SUBJECTS: dict[str, str] = {
    "全科医疗科": S.GENERAL_PRACTICE,
    "预防保健科": S.PREVENTIVE,
    "公共卫生科": S.PREVENTIVE,
    "预防接种门诊": S.PREVENTIVE,
    "内科": S.INTERNAL,
    "心内科": S.INTERNAL,
    "内分泌科": S.INTERNAL,
    "神经内科": S.INTERNAL,
    "呼吸内科": S.INTERNAL,
    "消化内科": S.INTERNAL,
    "外科": S.SURGERY,
    "骨科": S.SURGERY,
    "妇产科": S.OBSTETRICS,
    "妇科": S.OBSTETRICS,
    "产科": S.OBSTETRICS,
    "妇女保健科": S.WOMENS_HEALTH,
    "儿科": S.PAEDIATRICS,
    "儿童保健科": S.CHILD_HEALTH,
    "眼科": S.OPHTHALMOLOGY,
    "耳鼻喉科": S.ENT,
    "口腔科": S.STOMATOLOGY,
    "感染科": S.INFECTIOUS,
    "急诊科": S.EMERGENCY,
    "康复科": S.REHABILITATION,
    "麻醉科": S.ANAESTHESIA,
    "重症医学科": S.CRITICAL_CARE,
    "检验科": S.LABORATORY,
    "病理科": S.PATHOLOGY,
    "影像科": S.IMAGING,
    "放射科": S.IMAGING,
    "超声科": S.IMAGING,
    "中医科": S.TCM,
    "中医内科": S.TCM,
    "中医外科": S.TCM,
    "中医妇科": S.TCM,
    "中医儿科": S.TCM,
    "针灸推拿科": S.TCM,
    "治未病科": S.TCM,
}


def med_7(ctx: Context, rule: RuleConfig) -> Outcome:
    """Institutions practise only within their approved subjects; CHSS and village clinics give
    intravenous medication only where authorised (JC-24, JC-26)."""
    from workforce.models import Staff

    institutions = list(
        ctx.institutions()
        .filter(capabilities__isnull=False)
        .select_related("capabilities")
        .order_by("path")
    )
    threshold = _("departments within approved subjects; IV only where authorised")
    recorded = [i for i in institutions if i.capabilities.approved_scope]
    if not recorded:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No approved scopes on record."))
    in_use: dict[int, set[str]] = defaultdict(set)
    for institution_id, department in (
        Staff.objects.filter(is_active=True, institution__in=recorded)
        .exclude(department="")
        .values_list("institution_id", "department")
        .distinct()
    ):
        in_use[institution_id].add(department)
    failing = []
    for institution in institutions:
        capabilities = institution.capabilities
        problems = []
        approved = set(capabilities.approved_scope)
        if not approved:
            problems.append(_("approved practice subjects not recorded"))
        outside = sorted(
            department
            for department in in_use[institution.pk]
            if department in DEPARTMENT_SUBJECTS and DEPARTMENT_SUBJECTS[department] not in approved
        )
        if approved and outside:
            problems.append(
                _("practises outside approved subjects: %(departments)s")
                % {"departments": "、".join(outside)}
            )
        if (
            institution.type in (Type.CHSS, *VILLAGE_LEVEL_TYPES)
            and capabilities.offers_iv
            and not capabilities.iv_authorised
        ):
            problems.append(_("gives intravenous medication without authorisation"))
        if problems:
            failing.append(institution_failing(institution, "；".join(problems)))
    return Outcome(
        FAIL if failing else PASS,
        f"{len(institutions) - len(failing)}/{len(institutions)}",
        threshold,
        failing,
        checked=len(institutions),
    )
