"""Decisions offered by the programmes app (PH-2; public-health-services.md §2–§4).

``bp-grade``, ``hypertension-visit``, ``diabetes-visit``, ``smd-visit``, ``tb-visit``,
``child-visits`` and ``pregnancy-visits``: thin wrappers of ``programmes.rules``. Inputs are
bounded by the §3 design limits (``programmes.ranges``); an error names its field.
"""

import datetime as dt
from typing import Any, ClassVar, Literal

from ninja import Schema
from pydantic import Field, ValidationError, field_validator, model_serializer, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import TypedDict

from jiceng.decisions import Decision
from programmes.ranges import CITATION, RANGES
from programmes.rules import (
    DIABETES_SYMPTOMS,
    HYPERTENSION_SYMPTOMS,
    BpGradeName,
    Classification,
    DiabetesVisit,
    HypertensionVisit,
    SmdCategoryName,
    SmdVisit,
    VisitAssessment,
    assess_diabetes,
    assess_hypertension,
    assess_smd,
    bp_grade,
    child_visits,
    pregnancy_visits,
    tb_visit_interval,
)
from programmes.rules import postpartum as postpartum_visits


def _invalid(field: str, value: object, message: str) -> ValidationError:
    """A validation error that names its field, raised from a validator of the whole input."""
    details = InitErrorDetails(
        type=PydanticCustomError("invalid_input", message), loc=(field,), input=value
    )
    return ValidationError.from_exception_data("DecisionInput", [details])


def _ranged(field: str, description: str = "") -> Any:
    """A field bounded by the §3 design range of ``field``."""
    minimum, maximum, unit = RANGES[field]
    limits = f"{unit}, {minimum}–{maximum} ({CITATION})"
    return Field(ge=minimum, le=maximum, description=f"{description} {limits}".strip())


def _optional_ranged(field: str, description: str) -> Any:
    minimum, maximum, unit = RANGES[field]
    return Field(
        default=None,
        ge=minimum,
        le=maximum,
        description=f"{description}, {unit}, {minimum}–{maximum}; null: not measured",
    )


class BloodPressureIn(Schema):
    sbp: int = _ranged("sbp", "systolic BP")
    dbp: int = _ranged("dbp", "diastolic BP, below sbp")

    @model_validator(mode="after")
    def _systolic_above_diastolic(self) -> "BloodPressureIn":
        if self.sbp <= self.dbp:
            raise _invalid("dbp", self.dbp, "dbp must be lower than sbp")
        return self


class BpGradeOut(Schema):
    grade: BpGradeName
    isolated_systolic: bool


def decide_bp_grade(payload: BloodPressureIn, today: dt.date) -> BpGradeOut:
    result = bp_grade(payload.sbp, payload.dbp)
    return BpGradeOut(grade=result.grade, isolated_systolic=result.isolated_systolic)


def _symptoms_field(codes: tuple[str, ...]) -> Any:
    return Field(
        default_factory=list,
        description="emergency symptom codes",
        json_schema_extra={"items": {"type": "string", "enum": list(codes)}},
    )


class ChronicVisitIn(BloodPressureIn):
    """The fields HTN and T2DM visits share; booleans default to false."""

    known_symptoms: ClassVar[tuple[str, ...]] = ()

    age: int = _ranged("age_years", "age in completed years")
    pregnant_or_lactating: bool = False
    symptoms: list[str] = Field(default_factory=list)
    previous_visit_uncontrolled: bool = Field(
        default=False, description="the previous visit was off target (BP, or FPG for T2DM)"
    )
    adverse_reaction: bool = False
    adverse_reaction_uncontrollable: bool = False
    new_or_worse_complication: bool = False

    @field_validator("symptoms")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in cls.known_symptoms]
        if unknown:
            known = ", ".join(cls.known_symptoms)
            raise ValueError(f"unknown symptom codes {', '.join(unknown)}; known: {known}")
        return value

    def common(self) -> dict[str, Any]:
        return {
            "age": self.age,
            "sbp": self.sbp,
            "dbp": self.dbp,
            "pregnant_or_lactating": self.pregnant_or_lactating,
            "symptoms": tuple(self.symptoms),
            "previous_visit_uncontrolled": self.previous_visit_uncontrolled,
            "adverse_reaction": self.adverse_reaction,
            "adverse_reaction_uncontrollable": self.adverse_reaction_uncontrollable,
            "new_or_worse_complication": self.new_or_worse_complication,
        }


class HypertensionVisitIn(ChronicVisitIn):
    known_symptoms: ClassVar[tuple[str, ...]] = HYPERTENSION_SYMPTOMS
    symptoms: list[str] = _symptoms_field(HYPERTENSION_SYMPTOMS)


class DiabetesVisitIn(ChronicVisitIn):
    known_symptoms: ClassVar[tuple[str, ...]] = DIABETES_SYMPTOMS
    symptoms: list[str] = _symptoms_field(DIABETES_SYMPTOMS)
    fpg_mmol_l: float = _ranged("fpg_mmol_l", "glucose")
    heart_rate: int | None = _optional_ranged("heart_rate", "heart rate")
    temperature_c: float | None = _optional_ranged("temperature_c", "body temperature")


class VisitAssessmentOut(Schema):
    classification: Classification
    urgent_referral: bool
    referral: bool
    followup_within_weeks: int | None = Field(description="null: the next routine visit")
    citations: list[str]


def _assessment_out(result: VisitAssessment) -> VisitAssessmentOut:
    return VisitAssessmentOut(
        classification=result.classification,
        urgent_referral=result.urgent_referral,
        referral=result.referral,
        followup_within_weeks=result.followup_within_weeks,
        citations=list(result.citations),
    )


def decide_hypertension(payload: HypertensionVisitIn, today: dt.date) -> VisitAssessmentOut:
    return _assessment_out(assess_hypertension(HypertensionVisit(**payload.common())))


def decide_diabetes(payload: DiabetesVisitIn, today: dt.date) -> VisitAssessmentOut:
    visit = DiabetesVisit(
        **payload.common(),
        fpg_mmol_l=payload.fpg_mmol_l,
        heart_rate=payload.heart_rate,
        temperature_c=payload.temperature_c,
    )
    return _assessment_out(assess_diabetes(visit))


class SmdVisitIn(Schema):
    risk_level: int = _ranged("risk_level", "§4.3 risk level")
    psychotic_symptoms: Literal["none", "mostly_resolved", "obvious"]
    insight: Literal["recovered", "mostly_recovered", "absent"]
    social_function: Literal["good", "fair", "poor"]
    serious_adverse_reaction: bool = False
    physical_disease_stable: bool = Field(description="false: a serious physical illness")


class SmdVisitOut(Schema):
    category: SmdCategoryName
    refer_immediately: bool
    next_visit_within_weeks: int


def decide_smd(payload: SmdVisitIn, today: dt.date) -> SmdVisitOut:
    result = assess_smd(SmdVisit(**payload.model_dump()))
    return SmdVisitOut(
        category=result.category,
        refer_immediately=result.refer_immediately,
        next_visit_within_weeks=result.next_visit_within_weeks,
    )


class TbVisitIn(Schema):
    phase: Literal["intensive", "continuation"]
    supervisor: Literal["medical_staff", "family_member"]


class TbVisitOut(Schema):
    visit_interval_days: int


def decide_tb(payload: TbVisitIn, today: dt.date) -> TbVisitOut:
    return TbVisitOut(visit_interval_days=tb_visit_interval(payload.phase, payload.supervisor))


class ChildVisitsIn(Schema):
    birth_date: dt.date
    discharge_date: dt.date | None = Field(
        default=None, description="the newborn visit is due within 7 days of it (else of birth)"
    )

    @model_validator(mode="after")
    def _discharged_after_birth(self) -> "ChildVisitsIn":
        if self.discharge_date is not None and self.discharge_date < self.birth_date:
            raise _invalid("discharge_date", self.discharge_date, "discharge is before birth")
        return self


class ChildVisitOut(Schema):
    name: str = Field(description="contact code: newborn, m1, m3 … y6")
    age_months: int
    due_date: dt.date
    window_start: dt.date
    window_end: dt.date


class ChildVisitsOut(Schema):
    visits: list[ChildVisitOut]


def decide_child_visits(payload: ChildVisitsIn, today: dt.date) -> ChildVisitsOut:
    contacts = child_visits(payload.birth_date, payload.discharge_date)
    return ChildVisitsOut(
        visits=[
            ChildVisitOut(
                name=contact.name,
                age_months=contact.age_months,
                due_date=contact.due_date,
                window_start=contact.window_start,
                window_end=contact.window_end,
            )
            for contact in contacts
        ]
    )


_EITHER = "give lmp_date and as_of, or delivery_date (and discharge_date)"


class PregnancyVisitsIn(Schema):
    """Either the antenatal form (``lmp_date``, ``as_of``) or the postnatal form
    (``delivery_date``, ``discharge_date``; without a discharge the delivery date counts)."""

    lmp_date: dt.date | None = None
    as_of: dt.date | None = None
    delivery_date: dt.date | None = None
    discharge_date: dt.date | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "PregnancyVisitsIn":
        given = [name for name, value in self.model_dump().items() if value is not None]
        postnatal = [name for name in given if name in ("delivery_date", "discharge_date")]
        if postnatal and len(given) > len(postnatal):
            raise _invalid(postnatal[0], getattr(self, postnatal[0]), f"{_EITHER}, not both")
        if postnatal:
            self._check_postnatal()
        else:
            self._check_antenatal()
        return self

    def _check_postnatal(self) -> None:
        if self.delivery_date is None:
            raise _invalid("delivery_date", None, f"delivery_date is required; {_EITHER}")
        if self.discharge_date is not None and self.discharge_date < self.delivery_date:
            raise _invalid("discharge_date", self.discharge_date, "discharge is before delivery")

    def _check_antenatal(self) -> None:
        if self.lmp_date is None:
            raise _invalid("lmp_date", None, f"lmp_date is required; {_EITHER}")
        if self.as_of is None:
            raise _invalid("as_of", None, "as_of is required with lmp_date")
        if self.as_of < self.lmp_date:
            raise _invalid("as_of", self.as_of, "as_of is before lmp_date")
        most_weeks = RANGES["gestational_weeks"][1]
        if (self.as_of - self.lmp_date).days > most_weeks * 7:
            raise _invalid("as_of", self.as_of, f"gestational age is over {most_weeks:g} weeks")


class AntenatalVisitOut(Schema):
    number: int
    window_weeks: tuple[int, int] = Field(description="completed gestational weeks [from, to]")
    window_start: dt.date
    window_end: dt.date


class AntenatalPlan(TypedDict):
    gestational_age: str
    current_visit: int | None
    next_visit: int | None
    visits: list[AntenatalVisitOut]


class PostnatalPlan(TypedDict):
    postpartum_visit_by: dt.date
    day42_check_on: dt.date


class PregnancyVisitsOut(Schema):
    """One of two shapes, as the input: the antenatal plan or the postnatal dates."""

    gestational_age: str = ""
    current_visit: int | None = None
    next_visit: int | None = None
    visits: list[AntenatalVisitOut] = Field(default_factory=list)
    postpartum_visit_by: dt.date | None = None
    day42_check_on: dt.date | None = None

    @model_serializer(mode="plain")
    def _one_shape(self) -> AntenatalPlan | PostnatalPlan:
        if self.postpartum_visit_by is not None and self.day42_check_on is not None:
            return {
                "postpartum_visit_by": self.postpartum_visit_by,
                "day42_check_on": self.day42_check_on,
            }
        return {
            "gestational_age": self.gestational_age,
            "current_visit": self.current_visit,
            "next_visit": self.next_visit,
            "visits": self.visits,
        }


def decide_pregnancy_visits(payload: PregnancyVisitsIn, today: dt.date) -> PregnancyVisitsOut:
    if payload.delivery_date is not None:
        dates = postpartum_visits(payload.delivery_date, payload.discharge_date)
        return PregnancyVisitsOut(
            postpartum_visit_by=dates.postpartum_visit_by, day42_check_on=dates.day42_check_on
        )
    assert payload.lmp_date is not None  # the schema checked both
    assert payload.as_of is not None
    plan = pregnancy_visits(payload.lmp_date, payload.as_of)
    return PregnancyVisitsOut(
        gestational_age=plan.gestational_age,
        current_visit=plan.current_visit,
        next_visit=plan.next_visit,
        visits=[
            AntenatalVisitOut(
                number=visit.number,
                window_weeks=visit.window_weeks,
                window_start=visit.window_start,
                window_end=visit.window_end,
            )
            for visit in plan.visits
        ],
    )


DECISIONS = [
    Decision(
        name="bp-grade",
        summary="Grade a blood pressure reading (normal, high-normal, grade 1–3)",
        citation="PH-2, HTN18 §4.1",
        input_schema=BloodPressureIn,
        output_schema=BpGradeOut,
        decide=decide_bp_grade,
    ),
    Decision(
        name="hypertension-visit",
        summary="Classify a hypertension follow-up: referral and next visit",
        citation="PH-2, BPHS3 §4.1",
        input_schema=HypertensionVisitIn,
        output_schema=VisitAssessmentOut,
        decide=decide_hypertension,
    ),
    Decision(
        name="diabetes-visit",
        summary="Classify a type 2 diabetes follow-up: referral and next visit",
        citation="PH-2, BPHS3 §4.2",
        input_schema=DiabetesVisitIn,
        output_schema=VisitAssessmentOut,
        decide=decide_diabetes,
    ),
    Decision(
        name="smd-visit",
        summary="Classify a severe-mental-disorder follow-up: stable, basically stable, unstable",
        citation="PH-2, BPHS3 §4.3",
        input_schema=SmdVisitIn,
        output_schema=SmdVisitOut,
        decide=decide_smd,
    ),
    Decision(
        name="tb-visit",
        summary="Days between visits of a pulmonary TB patient",
        citation="PH-2, BPHS3 §4.4",
        input_schema=TbVisitIn,
        output_schema=TbVisitOut,
        decide=decide_tb,
    ),
    Decision(
        name="child-visits",
        summary="The 13 health-management contacts of a child aged 0–6",
        citation="PH-2, BPHS3 §2.1",
        input_schema=ChildVisitsIn,
        output_schema=ChildVisitsOut,
        decide=decide_child_visits,
    ),
    Decision(
        name="pregnancy-visits",
        summary="Antenatal visit windows from the LMP, or the postnatal visit dates",
        citation="PH-2, BPHS3 §2.2",
        input_schema=PregnancyVisitsIn,
        output_schema=PregnancyVisitsOut,
        decide=decide_pregnancy_visits,
    ),
]
