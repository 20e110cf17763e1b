"""What a visit's measurements mean, in the words a doctor reads (PH-2, PH-3; spec §4).

The classification, the referral advice and the next visit date come from the same rule functions
the decisions API calls (``programmes.rules``) and the same scheduler ``programmes.services``
stores on the enrolment (``next_due`` over the enrolment's facts and visits), so the live preview
on the visit form, the saved visit and the API answer cannot disagree. Nothing here touches the
database: the caller hands in the enrolment, the resident's birth date and the visits it read
through ``programmes.access``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from jiceng.dates import age_on
from programmes.contacts import contact_label
from programmes.models import Enrolment, Programme, Visit
from programmes.rules import (
    DiabetesVisit,
    Due,
    HypertensionVisit,
    SmdVisit,
    VisitFact,
    assess_diabetes,
    assess_hypertension,
    assess_smd,
    bp_grade,
    next_due,
    screen_glucose,
    tb_visit_interval,
)
from programmes.schedules import get_schedule
from programmes.services import EPISODE_END_CONTACTS, facts_of

CLASSIFICATION_LABELS: dict[str, StrPromise] = {
    "controlled": gettext_lazy("controlled"),
    "uncontrolled": gettext_lazy("uncontrolled"),
    "adverse_reaction": gettext_lazy("adverse reaction"),
    "complication": gettext_lazy("complication"),
    "stable": gettext_lazy("stable"),
    "basically_stable": gettext_lazy("basically stable"),
    "unstable": gettext_lazy("unstable"),
}

BP_GRADE_LABELS: dict[str, StrPromise] = {
    "normal": gettext_lazy("normal blood pressure"),
    "high_normal": gettext_lazy("high-normal blood pressure"),
    "grade_1": gettext_lazy("grade 1 hypertension range"),
    "grade_2": gettext_lazy("grade 2 hypertension range"),
    "grade_3": gettext_lazy("grade 3 hypertension range"),
}

CHRONIC = (Programme.HYPERTENSION, Programme.DIABETES)


def classification_label(code: str) -> str:
    return str(CLASSIFICATION_LABELS.get(code, code)) if code else ""


@dataclass(frozen=True)
class Outcome:
    """What the rules make of one visit: stored on the visit, shown on the page and in the API."""

    classification: str
    urgent_referral: bool
    referral: bool
    advice: tuple[str, ...]
    next_due: Due | None
    previous_visit_uncontrolled: bool = False
    bmi: float | None = None
    findings: tuple[str, ...] = ()
    """Informative readings (BP grade, glucose screening) that do not classify the visit."""
    citations: tuple[str, ...] = ()

    @property
    def classification_label(self) -> str:
        return classification_label(self.classification)

    @property
    def next_contact_label(self) -> str:
        return contact_label(self.next_due.contact) if self.next_due else ""


def bmi_of(weight_kg: float | None, height_cm: float | None) -> float | None:
    """Weight ÷ height², kg/m², to one decimal (spec §3)."""
    if not weight_kg or not height_cm:
        return None
    return round(weight_kg / (height_cm / 100) ** 2, 1)


def previous_visit(visits: Sequence[Visit], on: date) -> Visit | None:
    """The latest follow-up before or on ``on`` among ``visits`` (unsaved ones are skipped)."""
    earlier = [visit for visit in visits if visit.pk is not None and visit.date <= on]
    return max(earlier, key=lambda visit: (visit.date, visit.pk or 0), default=None)


def off_target(enrolment: Enrolment, visit: Visit | None, birth_date: date) -> bool:
    """Whether ``visit`` was off target (§4.1 BP target by age; §4.2 FPG < 7.0). Without its
    readings, its classification says "uncontrolled"."""
    if visit is None:
        return False
    schedule = get_schedule(enrolment.schedule)
    if enrolment.programme == Programme.HYPERTENSION and visit.sbp and visit.dbp:
        age = age_on(birth_date, visit.date)
        target = [row for row in schedule.hypertension.targets if row.from_age <= age][-1]
        return not (visit.sbp < target.sbp_below and visit.dbp < target.dbp_below)
    if enrolment.programme == Programme.DIABETES and visit.fpg_mmol_l is not None:
        return visit.fpg_mmol_l >= schedule.diabetes.fpg_below
    return visit.classification == "uncontrolled"


def _facts_changed(enrolment: Enrolment, values: Mapping[str, Any]) -> Enrolment:
    """A copy of ``enrolment`` with the facts the visit form may change (TB phase and supervisor,
    delivery and discharge dates), so the next date is computed from them."""
    changed = Enrolment(
        **{field.attname: getattr(enrolment, field.attname) for field in Enrolment._meta.fields}
    )
    for name in ENROLMENT_FACTS:
        if values.get(name):
            setattr(changed, name, values[name])
    return changed


ENROLMENT_FACTS = ("tb_phase", "tb_supervisor", "delivery_date", "discharge_date")
"""Facts of the enrolment a visit form may set or change."""


def _chronic(
    enrolment: Enrolment, values: Mapping[str, Any], age: int, previous_uncontrolled: bool
) -> tuple[str, bool, bool, list[str], tuple[str, ...]] | None:
    if values.get("sbp") is None or values.get("dbp") is None:
        return None
    common: dict[str, Any] = {
        "age": age,
        "sbp": int(values["sbp"]),
        "dbp": int(values["dbp"]),
        "pregnant_or_lactating": bool(values.get("pregnant_or_lactating")),
        "symptoms": tuple(values.get("symptoms") or ()),
        "previous_visit_uncontrolled": previous_uncontrolled,
        "adverse_reaction": bool(values.get("adverse_reaction")),
        "adverse_reaction_uncontrollable": bool(values.get("adverse_reaction_uncontrollable")),
        "new_or_worse_complication": bool(values.get("new_or_worse_complication")),
    }
    if enrolment.programme == Programme.HYPERTENSION:
        result = assess_hypertension(HypertensionVisit(**common), schedule=enrolment.schedule)
    else:
        if values.get("fpg_mmol_l") is None:
            return None
        result = assess_diabetes(
            DiabetesVisit(
                **common,
                fpg_mmol_l=float(values["fpg_mmol_l"]),
                heart_rate=values.get("heart_rate"),
                temperature_c=values.get("temperature_c"),
            ),
            schedule=enrolment.schedule,
        )
    weeks = result.followup_within_weeks
    advice: list[str] = []
    if result.urgent_referral:
        advice.append(
            _(
                "Urgent referral: give first aid, refer to a higher-level hospital at once and "
                "follow up within %(weeks)d weeks."
            )
            % {"weeks": weeks}
        )
    elif result.referral:
        advice.append(
            _("Refer to a higher-level hospital and follow up within %(weeks)d weeks.")
            % {"weeks": weeks}
        )
    elif result.classification != "controlled":
        advice.append(
            _("Adjust the medication and re-visit within %(weeks)d weeks.") % {"weeks": weeks}
        )
    else:
        advice.append(_("On target: keep the treatment; next routine follow-up within 3 months."))
    return (
        result.classification,
        result.urgent_referral,
        result.referral,
        advice,
        result.citations,
    )


def _smd(
    enrolment: Enrolment, values: Mapping[str, Any]
) -> tuple[str, bool, bool, list[str], tuple[str, ...]] | None:
    needed = ("risk_level", "psychotic_symptoms", "insight", "social_function")
    if any(values.get(name) in (None, "") for name in needed):
        return None
    result = assess_smd(
        SmdVisit(
            risk_level=int(values["risk_level"]),
            psychotic_symptoms=values["psychotic_symptoms"],
            insight=values["insight"],
            social_function=values["social_function"],
            physical_disease_stable=not values.get("serious_physical_illness"),
            serious_adverse_reaction=bool(values.get("serious_adverse_reaction")),
        ),
        schedule=enrolment.schedule,
    )
    weeks = result.next_visit_within_weeks
    if result.category == "unstable":
        text = _(
            "Refer immediately (with the police if needed) and follow up within %(weeks)d weeks."
        )
    elif result.category == "basically_stable":
        text = _("Adjust the treatment and observe for %(weeks)d weeks; refer if it does not work.")
    else:
        text = _("Stable: keep the treatment; next follow-up within %(weeks)d weeks.")
    return (
        result.category,
        result.refer_immediately,
        result.refer_immediately,
        [text % {"weeks": weeks}],
        (result.citation,),
    )


def _tb(
    enrolment: Enrolment, values: Mapping[str, Any]
) -> tuple[str, bool, bool, list[str], tuple[str, ...]]:
    if values.get("adverse_reaction") or values.get("new_or_worse_complication"):
        return (
            "",
            True,
            True,
            [_("Adverse reaction or complication: refer immediately, follow up within 2 weeks.")],
            ("BPHS3 §4.4",),
        )
    phase = values.get("tb_phase") or enrolment.tb_phase or "intensive"
    supervisor = values.get("tb_supervisor") or enrolment.tb_supervisor or "family_member"
    days = tb_visit_interval(phase, supervisor, schedule=enrolment.schedule)
    return (
        "",
        False,
        False,
        [_("Supervise every dose; next visit within %(days)d days.") % {"days": days}],
        ("BPHS3 §4.4",),
    )


FINDINGS_CITATIONS = {
    Programme.CHILD: "BPHS3 §2.1",
    Programme.MATERNAL: "BPHS3 §2.2",
    Programme.ELDERLY: "BPHS3 §3",
}


def _referral_on_findings(
    enrolment: Enrolment, values: Mapping[str, Any]
) -> tuple[str, bool, bool, list[str], tuple[str, ...]]:
    """Children, pregnancy and the elderly check: the doctor's finding decides a referral."""
    citation = FINDINGS_CITATIONS.get(Programme(enrolment.programme), "")
    if values.get("abnormal"):
        advice = _("Abnormal findings: refer and follow up within 2 weeks.")
        return ("", False, True, [advice], (citation,))
    return ("", False, False, [], (citation,))


def _findings(enrolment: Enrolment, values: Mapping[str, Any]) -> tuple[str, ...]:
    """BP grade and glucose screening where the programme does not classify on them."""
    found: list[str] = []
    sbp, dbp = values.get("sbp"), values.get("dbp")
    if sbp and dbp:
        grade = bp_grade(int(sbp), int(dbp), schedule=enrolment.schedule)
        text = str(BP_GRADE_LABELS.get(grade.grade, grade.grade))
        if grade.isolated_systolic:
            text += _(" (isolated systolic)")
        found.append(
            _("Blood pressure %(sbp)s/%(dbp)s mmHg: %(grade)s.")
            % {
                "sbp": sbp,
                "dbp": dbp,
                "grade": text,
            }
        )
    fpg = values.get("fpg_mmol_l")
    if (
        fpg is not None
        and enrolment.programme not in CHRONIC
        and screen_glucose(float(fpg), schedule=enrolment.schedule) == "suspected"
    ):
        found.append(
            _("Fasting glucose %(fpg)s mmol/L meets the diabetes threshold: refer to confirm.")
            % {"fpg": fpg}
        )
    return tuple(found)


def assess(
    enrolment: Enrolment,
    birth_date: date,
    values: Mapping[str, Any],
    visits: Sequence[Visit],
) -> Outcome | None:
    """The outcome of the visit described by ``values`` (a visit form's cleaned data), or None
    while the readings the rules need are missing. ``visits`` are the enrolment's saved visits."""
    on = values.get("date")
    contact = values.get("contact")
    if not isinstance(on, date) or not contact:
        return None
    programme = enrolment.programme
    previous = previous_visit(visits, on)
    previous_uncontrolled = programme in CHRONIC and off_target(enrolment, previous, birth_date)
    if programme in CHRONIC:
        decided = _chronic(enrolment, values, age_on(birth_date, on), previous_uncontrolled)
    elif programme == Programme.SMD:
        decided = _smd(enrolment, values)
    elif programme == Programme.TB:
        decided = _tb(enrolment, values)
    else:
        decided = _referral_on_findings(enrolment, values)
    if decided is None:
        return None
    classification, urgent, referral, advice, citations = decided
    weight = values.get("weight_kg") or values.get("child_weight_kg")
    height = values.get("height_cm") or values.get("child_length_cm")
    return Outcome(
        classification=classification,
        urgent_referral=urgent,
        referral=referral,
        advice=tuple(advice),
        next_due=next_visit(enrolment, birth_date, values, visits, classification),
        previous_visit_uncontrolled=previous_uncontrolled,
        bmi=bmi_of(weight, height),
        findings=_findings(enrolment, values),
        citations=citations,
    )


def next_visit(
    enrolment: Enrolment,
    birth_date: date,
    values: Mapping[str, Any],
    visits: Sequence[Visit],
    classification: str,
) -> Due | None:
    """The contact owed once this visit is saved: what ``services.record_visit`` will store."""
    contact = str(values["contact"])
    if EPISODE_END_CONTACTS.get(Programme(enrolment.programme)) == contact:
        return None
    changed = _facts_changed(enrolment, values)
    facts = [
        VisitFact(visit.contact, visit.date, visit.classification)
        for visit in visits
        if visit.pk is not None
    ]
    facts.append(VisitFact(contact, values["date"], classification))
    return next_due(facts_of(changed, birth_date), facts)
