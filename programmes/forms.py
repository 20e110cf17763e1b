"""Forms of the programme pages and API (PH-2, PH-6, PH-8): enrolment, one visit form per
programme with the units and design ranges of spec §3 (``programmes.ranges``), the chronic
disease path, and health education.

The API builds the same forms from its JSON body, so a page and a client get the same checks and
the same messages. A visit's classification and referral are never taken from the client: the
view or API handler computes them with ``programmes.assessment`` from the cleaned data.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from accounts import audit
from accounts.models import User
from accounts.scope import RESIDENT
from contracting.models import Team
from institutions.models import Institution
from jiceng.dates import age_on
from jiceng.errors import DomainError
from programmes.access import PATH_EVENT
from programmes.assessment import (
    ENROLMENT_FACTS,
    Outcome,
    assess,
    bmi_of,
)
from programmes.contacts import contact_label
from programmes.models import EducationActivity, Enrolment, PathEvent, Programme, Visit
from programmes.ranges import RANGES
from programmes.rules import (
    CONTACTS,
    DIABETES_SYMPTOMS,
    ELIGIBILITY,
    HYPERTENSION_SYMPTOMS,
    INSIGHT,
    PSYCHOTIC_SYMPTOMS,
    SOCIAL_FUNCTION,
    screen_blood_pressure,
    screen_glucose,
)
from programmes.schedules import get_schedule
from programmes.services import enrol, record_visit
from residents.models import HistoryItem, Resident
from workforce.models import Staff

MAX_GESTATION = dt.timedelta(weeks=45)

if TYPE_CHECKING:
    _EducationForm = forms.ModelForm[EducationActivity]
else:
    _EducationForm = forms.ModelForm

UNIT_LABELS: dict[str, StrPromise | str] = {
    "/min": _("/min"),
    "cigarettes/day": _("cigarettes/day"),
    "两/day": _("liang/day"),
    "times/week": _("times/week"),
    "min/time": _("min/time"),
    "g/day": _("g/day"),
    "level": "",
    "weeks": _("weeks"),
    "days": _("days"),
    "doses": _("doses"),
    "years": _("years"),
}
RANGE_MESSAGE = _("%(label)s must be between %(low)s and %(high)s %(unit)s.")
RANGE_MESSAGE_NO_UNIT = _("%(label)s must be between %(low)s and %(high)s.")

SALT = (("light", _("light salt")), ("moderate", _("moderate salt")), ("heavy", _("heavy salt")))
ADHERENCE = (
    ("regular", _("regular")),
    ("intermittent", _("intermittent")),
    ("none", _("not taking the drugs")),
)
FOOT_PULSE = (
    ("normal", _("palpable, normal")),
    ("weak", _("weakened")),
    ("absent", _("not palpable")),
)
PSYCHOTIC_LABELS = {
    "none": _("no psychotic symptoms"),
    "mostly_resolved": _("mostly resolved"),
    "obvious": _("obvious"),
}
INSIGHT_LABELS = {
    "recovered": _("insight recovered"),
    "mostly_recovered": _("insight partly recovered"),
    "absent": _("no insight"),
}
SOCIAL_LABELS = {"good": _("good"), "fair": _("fair"), "poor": _("poor")}
HYPERTENSION_SYMPTOM_LABELS = {
    "altered_consciousness": _("altered consciousness"),
    "severe_headache": _("severe headache"),
    "severe_dizziness": _("severe dizziness"),
    "vomiting": _("nausea and vomiting"),
    "blurred_vision": _("blurred vision"),
    "eye_pain": _("eye pain"),
    "palpitations": _("palpitations"),
    "chest_tightness": _("chest tightness"),
    "orthopnoea": _("breathless, cannot lie flat"),
    "condition_beyond_clinic": _("another condition the clinic cannot handle"),
}
DIABETES_SYMPTOM_LABELS = {
    "altered_consciousness": _("altered consciousness or behaviour"),
    "acetone_breath": _("breath smelling of rotten apples (acetone)"),
    "palpitations": _("palpitations"),
    "sweating": _("sweating"),
    "vomiting": _("nausea and vomiting"),
    "polydipsia_polyuria": _("heavy drinking and urination"),
    "abdominal_pain": _("abdominal pain"),
    "deep_breathing": _("deep, rapid breathing"),
    "flushing": _("flushed skin"),
    "sudden_vision_loss": _("sudden loss of vision"),
}


def _number(value: float) -> str:
    return f"{value:g}"


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class MeasurementField(forms.FloatField):
    """A number within its spec §3 design range (``RANGES[name]``, or ``limits``), with its unit;
    out of range, the error names the measurement, the range and the unit."""

    def __init__(
        self,
        name: str,
        label: StrPromise,
        *,
        required: bool = False,
        integer: bool = False,
        limits: tuple[float, float, str] | None = None,
    ) -> None:
        low, high, unit = limits or RANGES[name]
        self.low, self.high, self.unit, self.integer = low, high, unit, integer
        attrs = {
            "step": "1" if integer else "any",
            "inputmode": "numeric" if integer else "decimal",
            "min": _number(low),
            "max": _number(high),
        }
        super().__init__(label=label, required=required, widget=forms.NumberInput(attrs=attrs))

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    def to_python(self, value: Any) -> Any:
        number = super().to_python(value)
        if number is None or not self.integer:
            return number
        if not float(number).is_integer():
            raise forms.ValidationError(_("Enter a whole number."), code="invalid")
        return int(number)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not self.low <= value <= self.high:
            raise forms.ValidationError(
                RANGE_MESSAGE if self.unit_label else RANGE_MESSAGE_NO_UNIT,
                code="out_of_range",
                params={
                    "label": str(self.label),
                    "low": _number(self.low),
                    "high": _number(self.high),
                    "unit": self.unit_label,
                },
            )


def _blank(choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


def _staff_field(label: StrPromise) -> "forms.ModelChoiceField[Staff]":
    return forms.ModelChoiceField(label=label, queryset=Staff.objects.none(), required=False)


# Visits ------------------------------------------------------------------------------------

COLUMNS = ("sbp", "dbp", "heart_rate", "weight_kg", "height_cm", "fpg_mmol_l", "risk_level")
"""Visit fields stored in columns (the indicators read them); the rest go to ``Visit.data``."""
COMMON = ("contact", "date", "way", "performed_by", "note")


def default_contact(enrolment: Enrolment) -> str:
    """The contact a new visit records unless told otherwise: the one the schedule owes."""
    codes = CONTACTS[enrolment.programme]
    return enrolment.next_contact if enrolment.next_contact in codes else codes[0]


class VisitForm(forms.Form):
    """The fields every visit has; each programme's form adds its own (spec §3).

    ``assessment_needs`` names the fields the rules need before the page can show an assessment.
    """

    programme: ClassVar[str]
    sections: ClassVar[tuple[tuple[StrPromise, tuple[str, ...]], ...]]

    contact = forms.ChoiceField(label=_("Visit or check"))
    date = forms.DateField(label=_("Visit date"), widget=DateInput())
    way = forms.ChoiceField(
        label=_("Way of visit"), choices=Visit.Way.choices, initial=Visit.Way.CLINIC
    )
    performed_by = _staff_field(_("Visit doctor"))
    note = forms.CharField(
        label=_("Advice and notes"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        enrolment: Enrolment,
        birth_date: dt.date,
        sex: str,
        staff: QuerySet[Staff],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("date", today)
        codes = CONTACTS[enrolment.programme]
        initial.setdefault("contact", default_contact(enrolment))
        super().__init__(*args, **kwargs)
        self.enrolment, self.birth_date, self.sex, self.today = enrolment, birth_date, sex, today
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ChoiceField)
        contact.choices = [(code, contact_label(code)) for code in codes]
        doctor = self.fields["performed_by"]
        assert isinstance(doctor, forms.ModelChoiceField)
        doctor.queryset = staff.filter(is_active=True).order_by("name")
        self.fields["note"] = self.fields.pop("note")

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form's fields in labelled sections, for the page."""
        groups: list[tuple[str, list[forms.BoundField]]] = [
            (str(_("Visit details")), [self[name] for name in COMMON[:-1]])
        ]
        for legend, names in self.sections:
            shown = [self[name] for name in names if name in self.fields]
            if shown:
                groups.append((str(legend), shown))
        groups.append((str(_("Advice and notes")), [self["note"]]))
        return groups

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("The visit date is in the future."))
        enrolled_on = self.enrolment.enrolled_on
        if enrolled_on is not None and day < enrolled_on:
            raise forms.ValidationError(_("The visit date is before the enrolment date."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sbp, dbp = cleaned.get("sbp"), cleaned.get("dbp")
        if sbp is not None and dbp is not None and sbp <= dbp:
            self.add_error("dbp", _("Diastolic BP must be lower than systolic BP."))
        both_read = not {"sbp", "dbp"} & set(self.errors)
        if "sbp" in self.fields and (sbp is None) != (dbp is None) and both_read:
            self.add_error(
                "dbp" if dbp is None else "sbp", _("Enter both systolic and diastolic BP.")
            )
        bmi = bmi_of(cleaned.get("weight_kg"), cleaned.get("height_cm"))
        low, high, unit = RANGES["bmi"]
        if bmi is not None and not low <= bmi <= high:
            self.add_error(
                "weight_kg",
                RANGE_MESSAGE
                % {
                    "label": _("BMI (weight ÷ height²)"),
                    "low": _number(low),
                    "high": _number(high),
                    "unit": unit,
                },
            )
        return cleaned

    def enrolment_changes(self) -> dict[str, Any]:
        """Facts of the enrolment this visit sets (TB phase, delivery date …)."""
        changes = {}
        for name in ENROLMENT_FACTS:
            value = self.cleaned_data.get(name)
            if name in self.fields and value and value != getattr(self.enrolment, name):
                changes[name] = value
        return changes

    def save(self, user: User, visits: list[Visit]) -> tuple[Visit, Outcome]:
        """Classify on the server and record the visit with the facts it changes
        (``services.record_visit``). Raises ``DomainError`` as the service does."""
        outcome = assess(self.enrolment, self.birth_date, self.cleaned_data, visits)
        if outcome is None:
            raise DomainError("invalid_input", str(_("Enter the readings the assessment needs.")))
        visit = self.to_visit(outcome, staff_id=user.staff_id, institution_id=user.institution_id)
        record_visit(self.enrolment, visit, user, facts=self.enrolment_changes())
        return visit, outcome

    def to_visit(
        self, outcome: Outcome, *, staff_id: int | None, institution_id: int | None
    ) -> Visit:
        """The unsaved visit: readings, the server-side outcome, and the rest in ``data``."""
        cleaned = self.cleaned_data
        doctor = cleaned.get("performed_by")
        visit = Visit(
            contact=cleaned["contact"],
            date=cleaned["date"],
            way=cleaned["way"],
            performed_by_id=doctor.pk if doctor is not None else staff_id,
            institution_id=institution_id,
            classification=outcome.classification,
            referral=outcome.referral,
            urgent_referral=outcome.urgent_referral,
            doses_missed=cleaned.get("doses_missed"),
        )
        for name in COLUMNS:
            if cleaned.get(name) is not None:
                setattr(visit, name, cleaned[name])
        if cleaned.get("child_weight_kg") is not None:
            visit.weight_kg = cleaned["child_weight_kg"]
        if cleaned.get("child_length_cm") is not None:
            visit.height_cm = cleaned["child_length_cm"]
        data: dict[str, Any] = {}
        skipped = {*COMMON[:-1], *COLUMNS, "doses_missed"}
        for name, value in cleaned.items():
            if name in skipped or value in (None, "", [], False):
                continue
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        data["advice"] = list(outcome.advice)
        data["citations"] = list(outcome.citations)
        if outcome.bmi is not None:
            data["bmi"] = outcome.bmi
        if outcome.previous_visit_uncontrolled:
            data["previous_visit_uncontrolled"] = True
        visit.data = data
        return visit


def _symptoms(codes: Sequence[str], labels: dict[str, StrPromise], names: dict[str, str]) -> Any:
    return forms.MultipleChoiceField(
        label=_("Symptoms needing urgent referral"),
        required=False,
        choices=[(code, labels.get(code, names.get(code, code))) for code in codes],
        widget=forms.CheckboxSelectMultiple,
    )


def _flag(label: StrPromise) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


def _choice(label: StrPromise, choices: Sequence[tuple[str, Any]], **kwargs: Any) -> Any:
    return forms.ChoiceField(label=label, choices=_blank(choices), required=False, **kwargs)


def _lifestyle() -> dict[str, forms.Field]:
    return {
        "smoking_per_day": MeasurementField("smoking_per_day", _("Smoking"), integer=True),
        "drinking_liang_per_day": MeasurementField("drinking_liang_per_day", _("Drinking")),
        "exercise_times_per_week": MeasurementField(
            "exercise_times_per_week", _("Exercise, times a week"), integer=True
        ),
        "exercise_minutes": MeasurementField(
            "exercise_minutes", _("Exercise, minutes each time"), integer=True
        ),
    }


BODY = ("heart_rate", "weight_kg", "height_cm", "waist_cm")
LIFESTYLE = ("smoking_per_day", "drinking_liang_per_day", "exercise_times_per_week",
             "exercise_minutes")  # fmt: skip
CHRONIC_FLAGS = (
    "symptoms",
    "pregnant_or_lactating",
    "adverse_reaction",
    "adverse_reaction_uncontrollable",
    "new_or_worse_complication",
)


class _ChronicForm(VisitForm):
    sbp = MeasurementField("sbp", _("Systolic BP"), required=True, integer=True)
    dbp = MeasurementField("dbp", _("Diastolic BP"), required=True, integer=True)
    heart_rate = MeasurementField("heart_rate", _("Heart rate"), integer=True)
    weight_kg = MeasurementField("weight_kg", _("Weight"))
    height_cm = MeasurementField("height_cm", _("Height"))
    waist_cm = MeasurementField("waist_cm", _("Waist"))
    pregnant_or_lactating = _flag(_("Pregnant or breastfeeding"))
    adverse_reaction = _flag(_("Adverse drug reaction"))
    adverse_reaction_uncontrollable = _flag(_("Adverse reaction that cannot be controlled"))
    new_or_worse_complication = _flag(_("New or worse complication"))
    adherence = _choice(_("Medication adherence"), ADHERENCE)
    medication = forms.CharField(label=_("Medication"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in _lifestyle().items():
            self.fields[name] = field
        if self.sex != Resident.Sex.FEMALE:
            del self.fields["pregnant_or_lactating"]


class HypertensionVisitForm(_ChronicForm):
    programme = Programme.HYPERTENSION
    symptoms = _symptoms(
        HYPERTENSION_SYMPTOMS,
        HYPERTENSION_SYMPTOM_LABELS,
        get_schedule().hypertension.emergency.symptoms,
    )
    salt = _choice(_("Salt intake"), SALT)
    sections = (
        (_("Blood pressure and body"), ("sbp", "dbp", *BODY)),
        (_("Symptoms, reactions and complications"), CHRONIC_FLAGS),
        (_("Lifestyle"), (*LIFESTYLE, "salt")),
        (_("Medication"), ("adherence", "medication")),
    )


class DiabetesVisitForm(_ChronicForm):
    programme = Programme.DIABETES
    fpg_mmol_l = MeasurementField("fpg_mmol_l", _("Fasting glucose"), required=True)
    hba1c_percent = MeasurementField("hba1c_percent", _("HbA1c"))
    temperature_c = MeasurementField("temperature_c", _("Temperature"))
    foot_pulse_left = _choice(_("Foot pulse, left"), FOOT_PULSE)
    foot_pulse_right = _choice(_("Foot pulse, right"), FOOT_PULSE)
    symptoms = _symptoms(
        DIABETES_SYMPTOMS, DIABETES_SYMPTOM_LABELS, get_schedule().diabetes.emergency.symptoms
    )
    staple_food_g = MeasurementField("staple_food_g", _("Staple food"), integer=True)
    hypoglycaemia = _flag(_("Hypoglycaemic reaction"))
    sections = (
        (_("Glucose"), ("fpg_mmol_l", "hba1c_percent")),
        (_("Blood pressure and body"), ("sbp", "dbp", *BODY, "temperature_c")),
        (_("Feet"), ("foot_pulse_left", "foot_pulse_right")),
        (_("Symptoms, reactions and complications"), (*CHRONIC_FLAGS, "hypoglycaemia")),
        (_("Lifestyle"), (*LIFESTYLE, "staple_food_g")),
        (_("Medication"), ("adherence", "medication")),
    )


class ElderlyCheckForm(VisitForm):
    """The yearly check (spec §3, elderly): readings, lab values and the doctor's finding."""

    programme = Programme.ELDERLY
    sbp = MeasurementField("sbp", _("Systolic BP"), integer=True)
    dbp = MeasurementField("dbp", _("Diastolic BP"), integer=True)
    heart_rate = MeasurementField("heart_rate", _("Heart rate"), integer=True)
    temperature_c = MeasurementField("temperature_c", _("Temperature"))
    weight_kg = MeasurementField("weight_kg", _("Weight"))
    height_cm = MeasurementField("height_cm", _("Height"))
    waist_cm = MeasurementField("waist_cm", _("Waist"))
    fpg_mmol_l = MeasurementField("fpg_mmol_l", _("Fasting glucose"))
    hb_g_l = MeasurementField("hb_g_l", _("Haemoglobin"), integer=True)
    self_care = _choice(
        _("Self-care"),
        (
            ("independent", _("independent")),
            ("mild", _("needs a little help")),
            ("moderate", _("needs some help")),
            ("dependent", _("cannot look after themselves")),
        ),
    )
    abnormal = _flag(_("Abnormal findings to refer"))
    sections = (
        (_("Examination"), ("sbp", "dbp", "heart_rate", "temperature_c", "weight_kg",
                             "height_cm", "waist_cm")),
        (_("Laboratory"), ("fpg_mmol_l", "hb_g_l")),
        (_("Assessment"), ("self_care", "abnormal")),
    )  # fmt: skip


class ChildVisitForm(VisitForm):
    programme = Programme.CHILD
    child_weight_kg = MeasurementField("child_weight_kg", _("Weight"), required=True)
    child_length_cm = MeasurementField("child_length_cm", _("Length or height"), required=True)
    head_cm = MeasurementField("head_cm", _("Head circumference"))
    hb_g_l = MeasurementField("hb_g_l", _("Haemoglobin"), integer=True)
    discharge_date = forms.DateField(
        label=_("Discharge date after birth"), required=False, widget=DateInput()
    )
    development = _choice(_("Development"), (("normal", _("normal")), ("delayed", _("delayed"))))
    abnormal = _flag(_("Abnormal findings to refer"))
    sections = (
        (_("Growth"), ("child_weight_kg", "child_length_cm", "head_cm")),
        (_("Laboratory"), ("hb_g_l",)),
        (_("Assessment"), ("development", "abnormal", "discharge_date")),
    )

    def clean_discharge_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("discharge_date")
        if value is not None and not self.birth_date <= value <= self.today:
            raise forms.ValidationError(_("The discharge date must be between birth and today."))
        return value


class MaternalVisitForm(VisitForm):
    """Antenatal checks need the gestational age; the postpartum visit and the 42-day check
    need the delivery date (kept on the enrolment)."""

    programme = Programme.MATERNAL
    gestational_weeks = MeasurementField(
        "gestational_weeks", _("Gestational age, weeks"), integer=True
    )
    gestational_days = MeasurementField(
        "gestational_days", _("and days"), integer=True, limits=(0, 6, "days")
    )
    sbp = MeasurementField("sbp", _("Systolic BP"), integer=True)
    dbp = MeasurementField("dbp", _("Diastolic BP"), integer=True)
    weight_kg = MeasurementField("weight_kg", _("Weight"))
    hb_g_l = MeasurementField("hb_g_l", _("Haemoglobin"), integer=True)
    fpg_mmol_l = MeasurementField("fpg_mmol_l", _("Fasting glucose"))
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())
    discharge_date = forms.DateField(
        label=_("Discharge date after delivery"), required=False, widget=DateInput()
    )
    abnormal = _flag(_("Abnormal findings to refer"))
    sections = (
        (_("Pregnancy"), ("gestational_weeks", "gestational_days")),
        (_("Examination"), ("sbp", "dbp", "weight_kg", "hb_g_l", "fpg_mmol_l")),
        (_("Delivery and discharge"), ("delivery_date", "discharge_date")),
        (_("Assessment"), ("abnormal",)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enrolment = self.enrolment
        if enrolment.lmp_date is not None and enrolment.delivery_date is None:
            weeks, days = divmod(max((self.today - enrolment.lmp_date).days, 0), 7)
            self.initial.setdefault("gestational_weeks", weeks)
            self.initial.setdefault("gestational_days", days)
        self.initial.setdefault("delivery_date", enrolment.delivery_date)
        self.initial.setdefault("discharge_date", enrolment.discharge_date)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        contact = str(cleaned.get("contact") or "")
        delivery = cleaned.get("delivery_date") or self.enrolment.delivery_date
        discharge = cleaned.get("discharge_date")
        if (
            contact.startswith("antenatal")
            and cleaned.get("gestational_weeks") is None
            and "gestational_weeks" not in self.errors
        ):
            self.add_error("gestational_weeks", _("Enter the gestational age."))
        if contact in ("postpartum", "day42") and delivery is None:
            self.add_error("delivery_date", _("Enter the delivery date."))
        lmp = self.enrolment.lmp_date
        if cleaned.get("delivery_date") is not None:
            if cleaned["delivery_date"] > self.today:
                self.add_error("delivery_date", _("The delivery date is in the future."))
            elif lmp is not None and cleaned["delivery_date"] < lmp:
                self.add_error(
                    "delivery_date", _("The delivery date is before the last menstrual period.")
                )
        if discharge is not None and delivery is not None and discharge < delivery:
            self.add_error("discharge_date", _("The discharge date is before the delivery."))
        return cleaned


class SmdVisitForm(VisitForm):
    programme = Programme.SMD
    risk_level = MeasurementField("risk_level", _("Risk level"), required=True, integer=True)
    psychotic_symptoms = forms.ChoiceField(
        label=_("Psychotic symptoms"),
        choices=_blank([(code, PSYCHOTIC_LABELS[code]) for code in PSYCHOTIC_SYMPTOMS]),
    )
    insight = forms.ChoiceField(
        label=_("Insight"), choices=_blank([(code, INSIGHT_LABELS[code]) for code in INSIGHT])
    )
    social_function = forms.ChoiceField(
        label=_("Social function"),
        choices=_blank([(code, SOCIAL_LABELS[code]) for code in SOCIAL_FUNCTION]),
    )
    serious_adverse_reaction = _flag(_("Serious adverse drug reaction"))
    serious_physical_illness = _flag(_("Serious physical illness"))
    adherence = _choice(_("Medication adherence"), ADHERENCE)
    medication = forms.CharField(label=_("Medication"), required=False, max_length=200)
    weight_kg = MeasurementField("weight_kg", _("Weight"))
    sections = (
        (_("Risk and symptoms"), ("risk_level", "psychotic_symptoms", "insight",
                                  "social_function")),
        (_("Reactions and physical health"), ("serious_adverse_reaction",
                                              "serious_physical_illness", "weight_kg")),
        (_("Medication"), ("adherence", "medication")),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].help_text = _(
            "0 none; 1 verbal threats or shouting; 2 smashing at home only; 3 obvious smashing "
            "anywhere, will not stop; 4 persistent smashing or violence, self-harm or suicide; "
            "5 violence with a weapon, arson or explosion."
        )


class TbVisitForm(VisitForm):
    programme = Programme.TB
    tb_phase = forms.ChoiceField(label=_("Treatment phase"), choices=Enrolment.TbPhase.choices)
    tb_supervisor = forms.ChoiceField(
        label=_("Dose supervisor"), choices=Enrolment.TbSupervisor.choices
    )
    doses_missed = MeasurementField(
        "doses_missed",
        _("Doses missed since the last visit"),
        integer=True,
        limits=(0, 90, "doses"),
    )
    adverse_reaction = _flag(_("Adverse drug reaction"))
    new_or_worse_complication = _flag(_("New or worse complication"))
    weight_kg = MeasurementField("weight_kg", _("Weight"))
    sections = (
        (_("TB treatment"), ("tb_phase", "tb_supervisor", "doses_missed")),
        (_("Reactions and complications"), ("adverse_reaction", "new_or_worse_complication")),
        (_("Body measurements"), ("weight_kg",)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("tb_phase", self.enrolment.tb_phase or "intensive")
        self.initial.setdefault("tb_supervisor", self.enrolment.tb_supervisor or "family_member")


VISIT_FORMS: dict[str, type[VisitForm]] = {
    form.programme: form
    for form in (
        HypertensionVisitForm,
        DiabetesVisitForm,
        ElderlyCheckForm,
        ChildVisitForm,
        MaternalVisitForm,
        SmdVisitForm,
        TbVisitForm,
    )
}


# Enrolment ----------------------------------------------------------------------------------

DIAGNOSIS_DEFAULTS = {Programme.HYPERTENSION: "I10", Programme.DIABETES: "E11", Programme.TB: "A15"}
ENROL_FIELDS: dict[str, tuple[str, ...]] = {
    Programme.CHILD: ("discharge_date", "high_risk"),
    Programme.MATERNAL: ("lmp_date", "high_risk"),
    Programme.ELDERLY: (),
    Programme.HYPERTENSION: ("diagnosis_icd10", "diagnosed_on"),
    Programme.DIABETES: ("diagnosis_icd10", "diagnosed_on"),
    Programme.SMD: ("diagnosis_icd10", "diagnosed_on"),
    Programme.TB: ("diagnosis_icd10", "diagnosed_on", "tb_phase", "tb_supervisor"),
}
OPTIONAL_FACTS = ("discharge_date", "high_risk", "lmp_date", "diagnosis_icd10", "diagnosed_on",
                  "tb_phase", "tb_supervisor")  # fmt: skip


class _DoctorTeamForm(forms.Form):
    doctor = _staff_field(_("Responsible doctor"))
    team = forms.ModelChoiceField(
        label=_("Family doctor team"), queryset=Team.objects.none(), required=False
    )

    def _set_choices(self, doctors: QuerySet[Staff], teams: QuerySet[Team]) -> None:
        doctor = self.fields["doctor"]
        assert isinstance(doctor, forms.ModelChoiceField)
        doctor.queryset = doctors.filter(is_active=True).order_by("name")
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = teams.filter(is_active=True).order_by("name")


class EnrolForm(_DoctorTeamForm):
    """Enrol a person in one programme (the programme is chosen before the form is shown);
    eligibility by age and sex is the schedule's (``rules.ELIGIBILITY``)."""

    field_order = ("programme", "on_date", *OPTIONAL_FACTS, "doctor", "team")

    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices, disabled=True)
    on_date = forms.DateField(label=_("Enrolment date"), widget=DateInput())
    lmp_date = forms.DateField(label=_("Last menstrual period"), required=False, widget=DateInput())
    discharge_date = forms.DateField(
        label=_("Discharge date after birth"), required=False, widget=DateInput()
    )
    high_risk = forms.BooleanField(label=_("High risk"), required=False)
    diagnosis_icd10 = forms.CharField(label=_("Diagnosis (ICD-10)"), required=False, max_length=10)
    diagnosed_on = forms.DateField(label=_("Diagnosed on"), required=False, widget=DateInput())
    tb_phase = forms.ChoiceField(
        label=_("Treatment phase"), choices=_blank(Enrolment.TbPhase.choices), required=False
    )
    tb_supervisor = forms.ChoiceField(
        label=_("Dose supervisor"), choices=_blank(Enrolment.TbSupervisor.choices), required=False
    )

    def __init__(
        self,
        *args: Any,
        programme: str,
        resident: Resident,
        doctors: QuerySet[Staff],
        teams: QuerySet[Team],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update(programme=programme)
        initial.setdefault("on_date", today)
        if programme in DIAGNOSIS_DEFAULTS:
            initial.setdefault("diagnosis_icd10", DIAGNOSIS_DEFAULTS[Programme(programme)])
        super().__init__(*args, **kwargs)
        self.programme_code, self.resident, self.today = programme, resident, today
        self._set_choices(doctors, teams)
        wanted = ENROL_FIELDS.get(programme, ())
        for name in OPTIONAL_FACTS:
            if name not in wanted:
                del self.fields[name]
        if programme == Programme.TB:
            self.fields["on_date"].label = _("Notification date")
        for name in ("lmp_date", "tb_phase", "tb_supervisor"):
            if name in self.fields:
                self.fields[name].required = True
        if programme in (Programme.HYPERTENSION, Programme.DIABETES, Programme.SMD):
            self.fields["diagnosis_icd10"].required = True

    def clean_on_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["on_date"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        if day < self.resident.birth_date:
            raise forms.ValidationError(_("The date is before the birth date."))
        return day

    def clean_diagnosis_icd10(self) -> str:
        code = str(self.cleaned_data.get("diagnosis_icd10") or "").strip().upper()
        prefixes = ELIGIBILITY[self.programme_code].icd10_prefixes
        if code and prefixes and not code.startswith(prefixes):
            raise forms.ValidationError(
                _("This programme enrols the diagnoses %(codes)s.") % {"codes": ", ".join(prefixes)}
            )
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        error = eligibility_error(self.programme_code, self.resident, cleaned.get("on_date"))
        if error:
            self.add_error("programme", error)
        lmp, on_date = cleaned.get("lmp_date"), cleaned.get("on_date")
        if (
            lmp is not None
            and on_date is not None
            and not on_date - MAX_GESTATION <= lmp <= on_date
        ):
            self.add_error("lmp_date", _("The last menstrual period must be within 45 weeks."))
        return cleaned

    def facts(self) -> dict[str, Any]:
        """The enrolment's fields, for ``services.enrol``."""
        cleaned = self.cleaned_data
        facts: dict[str, Any] = {
            name: cleaned[name]
            for name in OPTIONAL_FACTS
            if name in self.fields and cleaned.get(name) not in (None, "")
        }
        if cleaned.get("doctor") is not None:
            facts["doctor"] = cleaned["doctor"]
        if cleaned.get("team") is not None:
            facts["team"] = cleaned["team"]
        return facts


def eligibility_error(programme: str, resident: Resident, on_date: dt.date | None) -> str:
    """Why ``resident`` cannot join ``programme`` on ``on_date`` by age or sex (§1), or ""."""
    rule = ELIGIBILITY[programme]
    if rule.sex and resident.sex != rule.sex:
        return str(_("This programme enrols women only."))
    if on_date is None:
        return ""
    age = age_on(resident.birth_date, on_date)
    if rule.min_age is not None and age < rule.min_age:
        return str(
            _("This programme enrols people aged %(min)d and over; this person is %(age)d.")
            % {"min": rule.min_age, "age": age}
        )
    if rule.max_age is not None and age >= rule.max_age:
        return str(
            _("This programme enrols children under %(max)d; this person is %(age)d.")
            % {"max": rule.max_age, "age": age}
        )
    return ""


class ConfirmForm(_DoctorTeamForm):
    """Confirm a proposed enrolment: who looks after the person, and the facts still missing."""

    field_order = ("on_date", "lmp_date", "tb_phase", "tb_supervisor", "doctor", "team")

    on_date = forms.DateField(label=_("Enrolment date"), widget=DateInput())
    lmp_date = forms.DateField(label=_("Last menstrual period"), required=True, widget=DateInput())
    tb_phase = forms.ChoiceField(label=_("Treatment phase"), choices=Enrolment.TbPhase.choices)
    tb_supervisor = forms.ChoiceField(
        label=_("Dose supervisor"), choices=Enrolment.TbSupervisor.choices
    )

    def __init__(
        self,
        *args: Any,
        enrolment: Enrolment,
        doctors: QuerySet[Staff],
        teams: QuerySet[Team],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("on_date", today)
        initial.setdefault("doctor", enrolment.doctor_id)
        initial.setdefault("team", enrolment.team_id)
        super().__init__(*args, **kwargs)
        self.enrolment, self.today = enrolment, today
        self._set_choices(doctors, teams)
        if enrolment.programme != Programme.MATERNAL or enrolment.lmp_date is not None:
            del self.fields["lmp_date"]
        if enrolment.programme != Programme.TB or (enrolment.tb_phase and enrolment.tb_supervisor):
            del self.fields["tb_phase"], self.fields["tb_supervisor"]

    def clean_on_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["on_date"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def changes(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        names = ("doctor", "team", "lmp_date", "tb_phase", "tb_supervisor")
        return {name: cleaned[name] for name in names if cleaned.get(name) not in (None, "")}


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Why not enrolled"), max_length=200)


class ExitForm(forms.Form):
    exit_reason = forms.ChoiceField(
        label=_("Exit reason"), choices=_blank(Enrolment.ExitReason.choices)
    )
    exited_on = forms.DateField(label=_("Exit date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("exited_on", today)
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_exited_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["exited_on"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        return day


# Chronic disease path (PH-8) ----------------------------------------------------------------

PATH_PROGRAMMES = {
    PathEvent.Condition.HYPERTENSION: Programme.HYPERTENSION,
    PathEvent.Condition.DIABETES: Programme.DIABETES,
}
DIAGNOSES = {
    PathEvent.Condition.HYPERTENSION: ("I10", "原发性高血压"),
    PathEvent.Condition.DIABETES: ("E11", "2型糖尿病"),
}
"""The diagnosis a confirmed path writes into the record's past history (ICD-10, record name)."""
CLOSING = (PathEvent.Stage.CONFIRMED, PathEvent.Stage.RULED_OUT)
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    PathEvent.Stage.SUSPECTED: (
        PathEvent.Stage.REFERRED,
        PathEvent.Stage.CONFIRMED,
        PathEvent.Stage.RULED_OUT,
    ),
    PathEvent.Stage.REFERRED: (PathEvent.Stage.CONFIRMED, PathEvent.Stage.RULED_OUT),
}
"""The steps a path may take from its current stage."""


def open_episode(events: Sequence[PathEvent], condition: str) -> list[PathEvent]:
    """The events of ``condition`` since it was last confirmed or ruled out, oldest first."""
    own = sorted(
        (event for event in events if event.condition == condition),
        key=lambda event: (event.date, event.pk or 0),
    )
    closed = max((i for i, event in enumerate(own) if event.stage in CLOSING), default=-1)
    return own[closed + 1 :]


def current_stage(events: Sequence[PathEvent], condition: str) -> str:
    """The stage a path waits in: the last step after screening, "" when there is none."""
    steps = [event.stage for event in open_episode(events, condition)]
    later = [stage for stage in steps if stage != PathEvent.Stage.SCREENED]
    return later[-1] if later else ""


@dataclass(frozen=True)
class PathResult:
    condition: str
    result: str
    """normal, recheck or suspected (screening); the stage recorded (steps)."""
    message: str
    enrolment: Enrolment | None = None


def _path_event(
    resident: Resident, user: User, condition: str, stage: str, day: dt.date, **fields: Any
) -> PathEvent:
    event = PathEvent.objects.create(
        resident=resident,
        condition=condition,
        stage=stage,
        date=day,
        institution_id=user.institution_id,
        staff_id=user.staff_id,
        **fields,
    )
    audit.record(user, "create", PATH_EVENT, event.pk, purpose="chronic disease path")
    return event


class ScreeningForm(forms.Form):
    """A screening (PH-8): one or two BP readings of the day and/or a fasting glucose. The rules
    decide normal, re-check or suspected, counting the earlier readings of the open path."""

    date = forms.DateField(label=_("Screening date"), widget=DateInput())
    sbp = MeasurementField("sbp", _("Systolic BP"), integer=True)
    dbp = MeasurementField("dbp", _("Diastolic BP"), integer=True)
    sbp_2 = MeasurementField("sbp", _("Systolic BP, 2nd reading"), integer=True)
    dbp_2 = MeasurementField("dbp", _("Diastolic BP, 2nd reading"), integer=True)
    fpg_mmol_l = MeasurementField("fpg_mmol_l", _("Fasting glucose"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", today)
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def readings(self) -> list[tuple[int, int]]:
        cleaned = self.cleaned_data
        pairs = (
            (cleaned.get("sbp"), cleaned.get("dbp")),
            (cleaned.get("sbp_2"), cleaned.get("dbp_2")),
        )
        return [(int(s), int(d)) for s, d in pairs if s is not None and d is not None]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for systolic, diastolic in (("sbp", "dbp"), ("sbp_2", "dbp_2")):
            if {systolic, diastolic} & set(self.errors):
                continue
            sbp, dbp = cleaned.get(systolic), cleaned.get(diastolic)
            if (sbp is None) != (dbp is None):
                self.add_error(diastolic, _("Enter both systolic and diastolic BP."))
            elif sbp is not None and dbp is not None and sbp <= dbp:
                self.add_error(diastolic, _("Diastolic BP must be lower than systolic BP."))
        if not self.errors and not self.readings() and cleaned.get("fpg_mmol_l") is None:
            raise forms.ValidationError(_("Enter a blood pressure reading or a fasting glucose."))
        return cleaned

    def save(
        self, resident: Resident, user: User, *, earlier: Sequence[PathEvent]
    ) -> list[PathResult]:
        """Record the screening events (and a suspected step when the rules say so)."""
        day: dt.date = self.cleaned_data["date"]
        results: list[PathResult] = []
        with transaction.atomic():
            readings = self.readings()
            if readings:
                results.append(self._blood_pressure(resident, user, day, readings, earlier))
            fpg = self.cleaned_data.get("fpg_mmol_l")
            if fpg is not None:
                results.append(self._glucose(resident, user, day, float(fpg), earlier))
        return results

    def _blood_pressure(
        self,
        resident: Resident,
        user: User,
        day: dt.date,
        readings: list[tuple[int, int]],
        earlier: Sequence[PathEvent],
    ) -> PathResult:
        condition = PathEvent.Condition.HYPERTENSION
        episode = open_episode(earlier, condition)
        before = [
            (event.date, event.sbp, event.dbp)
            for event in episode
            if event.stage == PathEvent.Stage.SCREENED and event.sbp and event.dbp
        ]
        result = screen_blood_pressure([*before, *((day, s, d) for s, d in readings)])
        for sbp, dbp in readings:
            _path_event(resident, user, condition, PathEvent.Stage.SCREENED, day, sbp=sbp, dbp=dbp)
        if result == "suspected":
            if not current_stage(earlier, condition):
                _path_event(resident, user, condition, PathEvent.Stage.SUSPECTED, day)
            message = _(
                "Suspected hypertension (high on 3 different days): refer to confirm the diagnosis."
            )
        elif result == "recheck":
            message = _(
                "Blood pressure is high: re-check on other days (high on 3 different days makes "
                "suspected hypertension)."
            )
        else:
            message = _("Blood pressure screening: normal.")
        return PathResult(condition, result, str(message))

    def _glucose(
        self,
        resident: Resident,
        user: User,
        day: dt.date,
        fpg: float,
        earlier: Sequence[PathEvent],
    ) -> PathResult:
        condition = PathEvent.Condition.DIABETES
        result = screen_glucose(fpg)
        _path_event(resident, user, condition, PathEvent.Stage.SCREENED, day, fpg_mmol_l=fpg)
        if result == "suspected":
            if not current_stage(earlier, condition):
                _path_event(resident, user, condition, PathEvent.Stage.SUSPECTED, day)
            message = _("Fasting glucose ≥ 7.0 mmol/L: suspected diabetes, refer to confirm.")
        else:
            message = _("Fasting glucose screening: normal.")
        return PathResult(condition, result, str(message))


class PathStepForm(forms.Form):
    """The next step of a suspected case: refer to confirm, confirm the diagnosis, rule out."""

    STEPS = (
        (PathEvent.Stage.REFERRED, _("Refer to confirm")),
        (PathEvent.Stage.CONFIRMED, _("Confirm diagnosis")),
        (PathEvent.Stage.RULED_OUT, _("Rule out")),
    )

    condition = forms.ChoiceField(label=_("Condition"), choices=PathEvent.Condition.choices)
    stage = forms.ChoiceField(label=_("Path step"), choices=STEPS)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(
        self, *args: Any, today: dt.date, earlier: Sequence[PathEvent], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", today)
        super().__init__(*args, **kwargs)
        self.today, self.earlier = today, earlier

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        condition, stage = cleaned.get("condition"), cleaned.get("stage")
        if condition and stage:
            now = current_stage(self.earlier, condition)
            if stage not in NEXT_STEPS.get(now, ()):
                self.add_error("stage", _("This step does not follow the path's current stage."))
        return cleaned

    def save(self, resident: Resident, user: User, *, open_programmes: set[str]) -> PathResult:
        """Record the step; a confirmed diagnosis also goes into the past history and enrols the
        person in the programme when they are eligible."""
        cleaned = self.cleaned_data
        condition, stage, day = cleaned["condition"], cleaned["stage"], cleaned["date"]
        with transaction.atomic():
            _path_event(resident, user, condition, stage, day, note=cleaned["note"])
            if stage != PathEvent.Stage.CONFIRMED:
                message = (
                    _("Referred to confirm the diagnosis.")
                    if stage == PathEvent.Stage.REFERRED
                    else _("Ruled out.")
                )
                return PathResult(condition, stage, str(message))
            self._add_diagnosis(resident, user, condition, day)
            return self._enrol(resident, user, condition, day, open_programmes)

    @staticmethod
    def _add_diagnosis(resident: Resident, user: User, condition: str, day: dt.date) -> None:
        code, name = DIAGNOSES[PathEvent.Condition(condition)]
        if resident.past_history.filter(kind=HistoryItem.Kind.DISEASE, icd10__startswith=code):
            return
        item = HistoryItem.objects.create(
            resident=resident, kind=HistoryItem.Kind.DISEASE, icd10=code, name=name, date=day
        )
        audit.record(
            user,
            "create",
            RESIDENT,
            resident.pk,
            purpose="diagnosis confirmed on the chronic disease path",
            detail={"fields": ["past_history"], "item_id": item.pk},
        )

    @staticmethod
    def _enrol(
        resident: Resident, user: User, condition: str, day: dt.date, open_programmes: set[str]
    ) -> PathResult:
        programme = PATH_PROGRAMMES[PathEvent.Condition(condition)]
        stage = PathEvent.Stage.CONFIRMED
        if programme in open_programmes:
            message = _("Diagnosis confirmed; the person is already in the programme.")
            return PathResult(condition, stage, str(message))
        refused = eligibility_error(programme, resident, day)
        if refused:
            return PathResult(condition, stage, str(_("Diagnosis confirmed.")) + " " + refused)
        enrolment = enrol(
            resident,
            programme,
            user,
            on_date=day,
            reason=Enrolment.Reason.DIAGNOSIS,
            reason_detail="PH-8",
            diagnosis_icd10=DIAGNOSES[PathEvent.Condition(condition)][0],
            diagnosed_on=day,
            institution_id=user.institution_id,
            doctor_id=user.staff_id,
        )
        message = _("Diagnosis confirmed and the person enrolled in the programme.")
        return PathResult(condition, stage, str(message), enrolment)


# Health education (PH-6) --------------------------------------------------------------------


class EducationForm(_EducationForm):
    class Meta:
        model = EducationActivity
        fields = (
            "institution",
            "kind",
            "topic",
            "audience",
            "place",
            "date",
            "attendance",
            "materials",
            "materials_count",
            "held_by",
            "notes",
        )
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        staff: QuerySet[Staff],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        institution = self.fields["institution"]
        assert isinstance(institution, forms.ModelChoiceField)
        institution.queryset = institutions.order_by("path")
        held_by = self.fields["held_by"]
        assert isinstance(held_by, forms.ModelChoiceField)
        held_by.queryset = staff.filter(institution__in=institutions).order_by("name")
        self.fields["audience"].label = _("Target population")
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = [("", _("general population")), *Programme.choices]

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("Record an activity once it has taken place."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        held_by, institution = cleaned.get("held_by"), cleaned.get("institution")
        if held_by is not None and institution is not None:
            field = self.fields["institution"]
            assert isinstance(field, forms.ModelChoiceField)
            assert field.queryset is not None
            if not field.queryset.filter(pk=held_by.institution_id).exists():
                self.add_error("held_by", _("Choose a staff member of your institutions."))
        return cleaned


class EducationFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *EducationActivity.Kind.choices],
    )
    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int, required=False)

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", _("All years"))] + [
            (value, str(value)) for value in range(today.year, today.year - 6, -1)
        ]
        institution = self.fields["institution"]
        assert isinstance(institution, forms.TypedChoiceField)
        institution.choices = [("", _("All institutions"))] + [
            (row.pk, row.name) for row in institutions.order_by("path")
        ]
