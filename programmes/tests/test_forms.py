"""The programme forms (PH-2, PH-8): spec §3 design ranges at every boundary, SBP above DBP,
BMI from weight and height, and enrolment eligibility by age and sex (§1)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from contracting.models import Team
from jiceng.testing import ResidentFactory
from programmes.forms import (
    ChildVisitForm,
    DiabetesVisitForm,
    ElderlyCheckForm,
    EnrolForm,
    HypertensionVisitForm,
    MaternalVisitForm,
    ScreeningForm,
    SmdVisitForm,
    TbVisitForm,
)
from programmes.models import Enrolment, Programme
from programmes.ranges import RANGES
from residents.models import Resident
from workforce.models import Staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ENROLLED = TODAY - timedelta(days=60)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def enrolment_for(resident: Resident, programme: str, **facts) -> Enrolment:
    return Enrolment.objects.create(
        resident=resident,
        programme=programme,
        status=Enrolment.Status.ACTIVE,
        proposed_on=ENROLLED,
        enrolled_on=ENROLLED,
        **facts,
    )


def make_form(form_class, resident, programme, data, *, enrolment=None, **facts):
    enrolment = enrolment or enrolment_for(resident, programme, **facts)
    return form_class(
        data,
        enrolment=enrolment,
        birth_date=enrolment.resident.birth_date,
        sex=enrolment.resident.sex,
        staff=Staff.objects.none(),
        today=TODAY,
    )


BASE = {
    HypertensionVisitForm: {"sbp": "130", "dbp": "80"},
    DiabetesVisitForm: {"sbp": "130", "dbp": "80", "fpg_mmol_l": "6.1"},
    ElderlyCheckForm: {},
    ChildVisitForm: {"child_weight_kg": "10", "child_length_cm": "75"},
    MaternalVisitForm: {"gestational_weeks": "10"},
    SmdVisitForm: {
        "risk_level": "0",
        "psychotic_symptoms": "none",
        "insight": "recovered",
        "social_function": "good",
    },
    TbVisitForm: {"tb_phase": "intensive", "tb_supervisor": "family_member"},
}
PROGRAMMES = {
    HypertensionVisitForm: (Programme.HYPERTENSION, "annual_check"),
    DiabetesVisitForm: (Programme.DIABETES, "followup"),
    ElderlyCheckForm: (Programme.ELDERLY, "annual_check"),
    ChildVisitForm: (Programme.CHILD, "m12"),
    MaternalVisitForm: (Programme.MATERNAL, "antenatal_1"),
    SmdVisitForm: (Programme.SMD, "followup"),
    TbVisitForm: (Programme.TB, "tb_visit"),
}
# (form, field, the other BP when the field is one of them, step outside the range)
RANGED = [
    (HypertensionVisitForm, "sbp", {"dbp": "40"}, {"dbp": "90"}, 1),
    (HypertensionVisitForm, "dbp", {"sbp": "120"}, {"sbp": "250"}, 1),
    (HypertensionVisitForm, "heart_rate", {}, {}, 1),
    (HypertensionVisitForm, "weight_kg", {}, {}, 0.1),
    (HypertensionVisitForm, "height_cm", {}, {}, 0.1),
    (HypertensionVisitForm, "waist_cm", {}, {}, 0.1),
    (HypertensionVisitForm, "smoking_per_day", {}, {}, 1),
    (HypertensionVisitForm, "drinking_liang_per_day", {}, {}, 0.1),
    (HypertensionVisitForm, "exercise_times_per_week", {}, {}, 1),
    (HypertensionVisitForm, "exercise_minutes", {}, {}, 1),
    (DiabetesVisitForm, "fpg_mmol_l", {}, {}, 0.1),
    (DiabetesVisitForm, "hba1c_percent", {}, {}, 0.1),
    (DiabetesVisitForm, "staple_food_g", {}, {}, 1),
    (DiabetesVisitForm, "temperature_c", {}, {}, 0.1),
    (ElderlyCheckForm, "hb_g_l", {}, {}, 1),
    (ChildVisitForm, "child_weight_kg", {}, {}, 0.01),
    (ChildVisitForm, "child_length_cm", {}, {}, 0.1),
    (ChildVisitForm, "head_cm", {}, {}, 0.1),
    (MaternalVisitForm, "gestational_weeks", {}, {}, 1),
    (SmdVisitForm, "risk_level", {}, {}, 1),
]


def _number(value: float) -> str:
    return f"{value:g}"


@pytest.mark.parametrize(("form_class", "field", "at_low", "at_high", "step"), RANGED)
def test_each_range_boundary_passes_and_one_step_outside_fails_on_the_field(
    county, form_class, field, at_low, at_high, step
):
    low, high, _unit = RANGES[field]
    programme, contact = PROGRAMMES[form_class]
    resident = county.child_a if programme == Programme.CHILD else county.resident_a
    facts = {"lmp_date": TODAY - timedelta(weeks=10)} if programme == Programme.MATERNAL else {}
    base = {**BASE[form_class], "contact": contact, "date": str(TODAY), "way": "clinic"}
    enrolment = enrolment_for(resident, programme, **facts)
    for value, others, valid in (
        (low, at_low, True),
        (high, at_high, True),
        (round(low - step, 2), at_low, False),
        (round(high + step, 2), at_high, False),
    ):
        data = {**base, **others, field: _number(value)}
        form = make_form(form_class, resident, programme, data, enrolment=enrolment)
        if valid:
            assert form.is_valid(), (field, value, form.errors)
        else:
            assert not form.is_valid()
            assert list(form.errors) == [field], (field, value, form.errors)
            label, unit = str(form.fields[field].label), form.fields[field].unit_label
            within = f"{label} must be between {_number(low)} and {_number(high)}"
            assert form.errors[field] == [f"{within} {unit}." if unit else f"{within}."]


def test_the_out_of_range_message_reads_as_county_doctors_write_it(county):
    form = make_form(
        HypertensionVisitForm,
        county.resident_a,
        Programme.HYPERTENSION,
        {"contact": "followup", "date": str(TODAY), "way": "clinic", "sbp": "310", "dbp": "90"},
    )
    assert not form.is_valid()
    assert form.errors["sbp"] == ["Systolic BP must be between 60 and 300 mmHg."]


def test_systolic_must_be_above_diastolic(county):
    data = {"contact": "followup", "date": str(TODAY), "way": "clinic", "sbp": "90", "dbp": "90"}
    form = make_form(HypertensionVisitForm, county.resident_a, Programme.HYPERTENSION, data)
    assert not form.is_valid()
    assert form.errors["dbp"] == ["Diastolic BP must be lower than systolic BP."]


def test_bmi_is_computed_from_weight_and_height_and_refused_out_of_range(county):
    data = {"contact": "followup", "date": str(TODAY), "way": "clinic", "sbp": "130",
            "dbp": "80", "weight_kg": "200", "height_cm": "150"}  # fmt: skip
    form = make_form(HypertensionVisitForm, county.resident_a, Programme.HYPERTENSION, data)
    assert not form.is_valid()
    assert form.errors["weight_kg"] == ["BMI (weight ÷ height²) must be between 10 and 70 kg/m²."]


def test_whole_number_readings_refuse_decimals(county):
    data = {"contact": "followup", "date": str(TODAY), "way": "clinic", "sbp": "130.5",
            "dbp": "80"}  # fmt: skip
    form = make_form(HypertensionVisitForm, county.resident_a, Programme.HYPERTENSION, data)
    assert not form.is_valid()
    assert form.errors["sbp"] == ["Enter a whole number."]


def test_visit_date_is_neither_in_the_future_nor_before_the_enrolment(county):
    enrolment = enrolment_for(county.resident_a, Programme.HYPERTENSION)
    for day, message in (
        (TODAY + timedelta(days=1), "The visit date is in the future."),
        (ENROLLED - timedelta(days=1), "The visit date is before the enrolment date."),
    ):
        data = {"contact": "followup", "date": str(day), "way": "clinic", "sbp": "130",
                "dbp": "80"}  # fmt: skip
        form = make_form(HypertensionVisitForm, None, None, data, enrolment=enrolment)
        assert not form.is_valid()
        assert form.errors["date"] == [message]


def test_the_contact_is_preselected_from_the_enrolments_next_contact(county):
    form = make_form(
        HypertensionVisitForm, county.resident_a, Programme.HYPERTENSION, None,
        next_contact="annual_check",
    )  # fmt: skip
    assert form["contact"].value() == "annual_check"


def test_antenatal_checks_need_the_gestational_age_and_postpartum_the_delivery(county):
    lmp = TODAY - timedelta(weeks=20)
    antenatal = make_form(
        MaternalVisitForm,
        county.resident_a,
        Programme.MATERNAL,
        {"contact": "antenatal_2", "date": str(TODAY), "way": "clinic"},
        lmp_date=lmp,
    )
    assert not antenatal.is_valid()
    assert antenatal.errors["gestational_weeks"] == ["Enter the gestational age."]
    postpartum = make_form(
        MaternalVisitForm,
        ResidentFactory(village=county.village_a),
        Programme.MATERNAL,
        {"contact": "postpartum", "date": str(TODAY), "way": "home"},
        lmp_date=lmp,
    )
    assert not postpartum.is_valid()
    assert postpartum.errors["delivery_date"] == ["Enter the delivery date."]


def test_the_tb_visit_may_move_the_enrolment_to_the_continuation_phase(county):
    data = {"contact": "tb_visit", "date": str(TODAY), "way": "home",
            "tb_phase": "continuation", "tb_supervisor": "family_member", "doses_missed": "2"}  # fmt: skip
    form = make_form(
        TbVisitForm, county.resident_a, Programme.TB, data,
        tb_phase="intensive", tb_supervisor="family_member",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.enrolment_changes() == {"tb_phase": "continuation"}


def test_pregnancy_question_is_asked_of_women_only(county):
    woman = make_form(HypertensionVisitForm, county.resident_a, Programme.HYPERTENSION, None)
    man = make_form(HypertensionVisitForm, county.resident_b, Programme.HYPERTENSION, None)
    assert "pregnant_or_lactating" in woman.fields
    assert "pregnant_or_lactating" not in man.fields


# Enrolment ---------------------------------------------------------------------------------


def enrol_form(resident, programme, data):
    return EnrolForm(
        {"on_date": str(TODAY), **data},
        programme=programme,
        resident=resident,
        doctors=Staff.objects.none(),
        teams=Team.objects.none(),
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("who", "programme", "data", "message"),
    [
        ("child_a", Programme.HYPERTENSION, {"diagnosis_icd10": "I10"},
         "This programme enrols people aged 35 and over; this person is {age}."),
        ("resident_b", Programme.MATERNAL, {"lmp_date": str(TODAY - timedelta(weeks=8))},
         "This programme enrols women only."),
        ("resident_a", Programme.CHILD, {},
         "This programme enrols children under 7; this person is {age}."),
        ("child_a", Programme.ELDERLY, {},
         "This programme enrols people aged 65 and over; this person is {age}."),
    ],
)  # fmt: skip
def test_eligibility_by_age_and_sex_is_an_error_on_the_programme(
    county, who, programme, data, message
):
    resident = getattr(county, who)
    age = (
        TODAY.year
        - resident.birth_date.year
        - ((TODAY.month, TODAY.day) < (resident.birth_date.month, resident.birth_date.day))
    )
    form = enrol_form(resident, programme, data)
    assert not form.is_valid()
    assert form.errors["programme"] == [message.format(age=age)]


def test_maternal_enrolment_needs_a_recent_last_menstrual_period(county):
    missing = enrol_form(county.resident_a, Programme.MATERNAL, {})
    assert not missing.is_valid()
    assert "lmp_date" in missing.errors
    woman = ResidentFactory(village=county.village_a, birth_date=date(1995, 1, 1))
    old = enrol_form(woman, Programme.MATERNAL, {"lmp_date": str(TODAY - timedelta(weeks=50))})
    assert not old.is_valid()
    assert old.errors["lmp_date"] == ["The last menstrual period must be within 45 weeks."]
    fine = enrol_form(woman, Programme.MATERNAL, {"lmp_date": str(TODAY - timedelta(weeks=8))})
    assert fine.is_valid(), fine.errors
    assert fine.facts()["lmp_date"] == TODAY - timedelta(weeks=8)


def test_tb_enrolment_needs_phase_and_supervisor_and_a_tb_diagnosis(county):
    form = enrol_form(county.resident_b, Programme.TB, {"diagnosis_icd10": "J18"})
    assert not form.is_valid()
    assert set(form.errors) == {"tb_phase", "tb_supervisor", "diagnosis_icd10"}
    assert form.errors["diagnosis_icd10"] == ["This programme enrols the diagnoses A15, A16."]
    good = enrol_form(
        county.resident_b,
        Programme.TB,
        {"diagnosis_icd10": "a15.0", "tb_phase": "intensive", "tb_supervisor": "medical_staff"},
    )
    assert good.is_valid(), good.errors
    assert good.facts()["diagnosis_icd10"] == "A15.0"
    assert str(good.fields["on_date"].label) == "Notification date"


# Screening ---------------------------------------------------------------------------------


def test_screening_needs_a_reading_and_whole_bp_pairs():
    empty = ScreeningForm({"date": str(TODAY)}, today=TODAY)
    assert not empty.is_valid()
    assert empty.non_field_errors() == ["Enter a blood pressure reading or a fasting glucose."]
    half = ScreeningForm({"date": str(TODAY), "sbp": "150"}, today=TODAY)
    assert not half.is_valid()
    assert half.errors["dbp"] == ["Enter both systolic and diastolic BP."]
    both = ScreeningForm(
        {"date": str(TODAY), "sbp": "150", "dbp": "95", "sbp_2": "146", "dbp_2": "92"},
        today=TODAY,
    )
    assert both.is_valid(), both.errors
    assert both.readings() == [(150, 95), (146, 92)]
