"""The pure rules against the tables of public-health-services.md §1, §2, §4."""

from datetime import date, timedelta
from itertools import pairwise, product

import pytest

from programmes.rules import (
    DIABETES_SYMPTOMS,
    ELIGIBILITY,
    HYPERTENSION_SYMPTOMS,
    DiabetesVisit,
    HypertensionVisit,
    SmdVisit,
    assess_diabetes,
    assess_hypertension,
    assess_smd,
    bp_grade,
    child_visits,
    gestational_age,
    postpartum,
    pregnancy_visits,
    screen_blood_pressure,
    screen_glucose,
    tb_visit_interval,
)
from programmes.schedules import add_months
from programmes.tests import spec_tables as spec

# ---------------------------------------------------------------- §4.1 BP grade


def grade_of(value, column):
    """The row of BP_GRADES whose range (column 1: SBP, 2: DBP) holds ``value``."""
    for index, (_, sbp_range, dbp_range) in enumerate(spec.BP_GRADES):
        low, high = (sbp_range, dbp_range)[column - 1]
        if (low is None or value >= low) and (high is None or value <= high):
            return index
    raise AssertionError(value)


SBP_EDGES = [100, 119, 120, 139, 140, 159, 160, 179, 180, 250]
DBP_EDGES = [60, 79, 80, 89, 90, 99, 100, 109, 110, 150]


@pytest.mark.parametrize(("sbp", "dbp"), list(product(SBP_EDGES, DBP_EDGES)))
def test_bp_grade_is_the_higher_of_the_sbp_and_dbp_grades(sbp, dbp):
    expected = spec.BP_GRADES[max(grade_of(sbp, 1), grade_of(dbp, 2))][0]
    isolated = sbp >= spec.ISOLATED_SYSTOLIC_SBP_AT_LEAST and dbp < spec.ISOLATED_SYSTOLIC_DBP_BELOW
    result = bp_grade(sbp, dbp)
    assert (result.grade, result.isolated_systolic) == (expected, isolated)


@pytest.mark.parametrize(
    ("sbp", "dbp", "isolated"), [(140, 89, True), (140, 90, False), (139, 60, False)]
)
def test_isolated_systolic_is_sbp_at_least_140_with_dbp_below_90(sbp, dbp, isolated):
    assert bp_grade(sbp, dbp).isolated_systolic is isolated


# ---------------------------------------------------------------- §4.1 hypertension visit


def htn(**fields):
    return assess_hypertension(HypertensionVisit(**{"age": 50, "sbp": 130, "dbp": 80, **fields}))


def outcome(result):
    return (
        result.classification,
        result.urgent_referral,
        result.referral,
        result.followup_within_weeks,
    )


EMERGENCY = ("uncontrolled", True, True, spec.FOLLOWUP_WITHIN_WEEKS)
REFER = ("uncontrolled", False, True, spec.FOLLOWUP_WITHIN_WEEKS)
UNCONTROLLED = ("uncontrolled", False, False, spec.FOLLOWUP_WITHIN_WEEKS)
CONTROLLED = ("controlled", False, False, None)


def on_target(age, sbp, dbp):
    _, sbp_below, dbp_below, _ = [row for row in spec.HTN_TARGETS if row[0] <= age][-1]
    return sbp < sbp_below and dbp < dbp_below


@pytest.mark.parametrize(
    ("age", "sbp", "dbp"),
    [
        (64, 139, 89),
        (64, 140, 89),
        (64, 139, 90),
        (65, 149, 89),
        (65, 150, 89),
        (65, 149, 90),
        (80, 145, 85),
        (35, 145, 85),
    ],
)
def test_the_target_depends_on_age(age, sbp, dbp):
    expected = CONTROLLED if on_target(age, sbp, dbp) else UNCONTROLLED
    assert outcome(htn(age=age, sbp=sbp, dbp=dbp)) == expected


@pytest.mark.parametrize(("sbp", "dbp"), [(179, 100), (180, 100), (170, 109), (170, 110)])
def test_sbp_180_or_dbp_110_is_an_emergency(sbp, dbp):
    emergency = sbp >= spec.HTN_EMERGENCY_SBP or dbp >= spec.HTN_EMERGENCY_DBP
    assert outcome(htn(sbp=sbp, dbp=dbp)) == (EMERGENCY if emergency else UNCONTROLLED)


def test_the_symptom_codes_are_the_spec_list():
    assert set(HYPERTENSION_SYMPTOMS) == set(spec.HTN_EMERGENCY_SYMPTOMS.values())
    assert set(DIABETES_SYMPTOMS) == set(spec.DM_EMERGENCY_SYMPTOMS.values())


@pytest.mark.parametrize("symptom", spec.HTN_EMERGENCY_SYMPTOMS.values())
def test_each_symptom_is_an_emergency_even_on_target(symptom):
    result = htn(symptoms=(symptom,))
    assert outcome(result) == EMERGENCY
    assert "BPHS3 §4.1 emergency" in result.citations


@pytest.mark.parametrize(
    ("sbp", "dbp", "expected"),
    [(139, 89, CONTROLLED), (140, 80, EMERGENCY), (130, 90, EMERGENCY)],
)
def test_bp_above_normal_in_pregnancy_or_lactation_is_an_emergency(sbp, dbp, expected):
    assert outcome(htn(sbp=sbp, dbp=dbp, pregnant_or_lactating=True)) == expected


def test_an_emergency_with_a_new_complication_is_classed_complication():
    result = htn(sbp=185, new_or_worse_complication=True)
    assert outcome(result) == ("complication", True, True, 2)


def test_second_consecutive_uncontrolled_visit_is_referred():
    assert outcome(htn(sbp=150, previous_visit_uncontrolled=True)) == REFER
    assert outcome(htn(sbp=130, previous_visit_uncontrolled=True)) == CONTROLLED


def test_uncontrollable_adverse_reaction_is_referred():
    result = htn(adverse_reaction=True, adverse_reaction_uncontrollable=True)
    assert outcome(result) == ("adverse_reaction", False, True, 2)
    assert result.citations[0] == "BPHS3 §4.1 refer"


def test_new_or_worse_complication_is_referred():
    assert outcome(htn(new_or_worse_complication=True)) == ("complication", False, True, 2)


def test_first_uncontrolled_visit_comes_back_in_2_weeks():
    result = htn(sbp=145)
    assert outcome(result) == UNCONTROLLED
    assert result.citations == ("BPHS3 §4.1 uncontrolled", "BPHS3 §4.1 on target, age < 65")


def test_adverse_reaction_alone_comes_back_in_2_weeks_without_referral():
    assert outcome(htn(adverse_reaction=True)) == ("adverse_reaction", False, False, 2)


def test_controlled_visit_goes_to_the_routine_visit():
    result = htn(age=70, sbp=145)
    assert outcome(result) == CONTROLLED
    assert result.citations == ("BPHS3 §4.1 controlled", "BPHS3 §4.1 on target, age ≥ 65")


def test_unknown_symptom_is_refused():
    with pytest.raises(ValueError, match="headache"):
        htn(symptoms=("headache",))


# ---------------------------------------------------------------- §4.2 diabetes visit


def dm(**fields):
    return assess_diabetes(
        DiabetesVisit(**{"age": 50, "sbp": 130, "dbp": 80, "fpg_mmol_l": 6.0, **fields})
    )


def dm_expected(fpg):
    if fpg >= spec.DM_GLUCOSE_HIGH or fpg <= spec.DM_GLUCOSE_LOW:
        return EMERGENCY
    return CONTROLLED if fpg < spec.DM_FPG_TARGET_BELOW else UNCONTROLLED


@pytest.mark.parametrize("fpg", [3.8, 3.9, 4.0, 6.9, 7.0, 16.6, 16.7, 20.0])
def test_glucose_boundaries(fpg):
    assert outcome(dm(fpg_mmol_l=fpg)) == dm_expected(fpg)


@pytest.mark.parametrize(
    ("fields", "emergency"),
    [
        ({"sbp": 179}, False),
        ({"sbp": 180}, True),
        ({"dbp": 109}, False),
        ({"dbp": 110}, True),
        ({"heart_rate": spec.DM_HEART_RATE_ABOVE}, False),
        ({"heart_rate": spec.DM_HEART_RATE_ABOVE + 1}, True),
        ({"temperature_c": spec.DM_TEMPERATURE_ABOVE}, False),
        ({"temperature_c": spec.DM_TEMPERATURE_ABOVE + 0.1}, True),
        ({"pregnant_or_lactating": True, "fpg_mmol_l": 6.9}, False),
        ({"pregnant_or_lactating": True, "fpg_mmol_l": 7.0}, True),
    ],
)
def test_diabetes_emergency_signs(fields, emergency):
    assert outcome(dm(**fields)) == (EMERGENCY if emergency else CONTROLLED)


@pytest.mark.parametrize("symptom", spec.DM_EMERGENCY_SYMPTOMS.values())
def test_each_diabetes_symptom_is_an_emergency(symptom):
    result = dm(symptoms=(symptom,))
    assert outcome(result) == EMERGENCY
    assert result.citations == ("BPHS3 §4.2 emergency",)


def test_diabetes_rows_below_the_emergency():
    assert outcome(dm(fpg_mmol_l=7.0, previous_visit_uncontrolled=True)) == REFER
    assert outcome(dm(fpg_mmol_l=6.9, previous_visit_uncontrolled=True)) == CONTROLLED
    assert outcome(dm(adverse_reaction_uncontrollable=True))[1:3] == (False, True)
    assert outcome(dm(new_or_worse_complication=True)) == ("complication", False, True, 2)
    assert outcome(dm(adverse_reaction=True)) == ("adverse_reaction", False, False, 2)


def test_hypertension_symptom_codes_are_not_diabetes_codes():
    with pytest.raises(ValueError, match="severe_headache"):
        dm(symptoms=("severe_headache",))


def test_pregnancy_emergency_cites_the_design_reading():
    result = dm(pregnant_or_lactating=True, fpg_mmol_l=8.0)
    assert result.citations[0] == "BPHS3 §4.2 emergency"
    assert "by design" in result.citations[1]


# ---------------------------------------------------------------- §4.3 SMD

STABLE = {
    "psychotic_symptoms": "none",
    "insight": "recovered",
    "social_function": "good",
    "physical_disease_stable": True,
}


def smd(**fields):
    result = assess_smd(SmdVisit(**{"risk_level": 0, **STABLE, **fields}))
    return result.category, result.refer_immediately, result.next_visit_within_weeks


def actions(category):
    return (category, *spec.SMD_ACTIONS[category])


@pytest.mark.parametrize(("risk", "category"), spec.SMD_RISK_CATEGORY.items())
def test_risk_level_sets_the_category(risk, category):
    assert smd(risk_level=risk) == actions(category)


@pytest.mark.parametrize(
    "fields",
    [
        {"psychotic_symptoms": "obvious"},
        {"insight": "absent"},
        {"serious_adverse_reaction": True},
        {"physical_disease_stable": False},
    ],
)
def test_each_unstable_sign_refers_immediately(fields):
    assert smd(**fields) == actions("unstable")


def test_poor_social_function_is_basically_stable():
    assert smd(social_function="poor") == actions("basically_stable")


def test_mostly_recovered_answers_are_still_stable():
    fields = {
        "psychotic_symptoms": "mostly_resolved",
        "insight": "mostly_recovered",
        "social_function": "fair",
    }
    assert smd(**fields) == actions("stable")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"risk_level": 6}, "risk level 6"),
        ({"risk_level": -1}, "risk level -1"),
        ({"insight": "partial"}, "'partial'"),
    ],
)
def test_smd_answers_outside_the_scales_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        smd(**fields)


# ---------------------------------------------------------------- §4.4 TB


@pytest.mark.parametrize(("phase", "supervisor", "days"), spec.TB_INTERVALS)
def test_tb_visit_interval(phase, supervisor, days):
    assert tb_visit_interval(phase, supervisor) == days


def test_tb_unknown_phase_is_refused():
    with pytest.raises(ValueError, match="retreatment"):
        tb_visit_interval("retreatment", "family_member")


# ---------------------------------------------------------------- §2.1 children

BIRTH = date(2024, 1, 31)


def test_child_contacts_are_the_13_of_the_table():
    contacts = child_visits(BIRTH)
    assert [(c.name, c.age_months) for c in contacts] == [
        (code, months) for code, months, _ in spec.CHILD_CONTACTS
    ]
    assert all(c.display_name for c in contacts)


def test_newborn_visit_is_within_7_days_of_discharge():
    newborn = child_visits(BIRTH, BIRTH + timedelta(days=3))[0]
    discharge = BIRTH + timedelta(days=3)
    deadline = discharge + timedelta(days=spec.NEWBORN_WITHIN_DAYS_OF_DISCHARGE)
    assert (newborn.window_start, newborn.window_end, newborn.due_date) == (
        discharge,
        deadline,
        deadline,
    )


def test_newborn_visit_counts_from_birth_without_a_discharge():
    newborn = child_visits(BIRTH)[0]
    assert newborn.window_start == BIRTH
    assert newborn.window_end == BIRTH + timedelta(days=spec.NEWBORN_WITHIN_DAYS_OF_DISCHARGE)


def test_full_month_visit_is_on_day_28_to_30():
    full_month = child_visits(BIRTH)[1]
    first, last = spec.FULL_MONTH_DAYS
    assert (full_month.due_date, full_month.window_start, full_month.window_end) == (
        BIRTH + timedelta(days=first),
        BIRTH + timedelta(days=first),
        BIRTH + timedelta(days=last),
    )


@pytest.mark.parametrize(("code", "months", "confidence"), spec.CHILD_CONTACTS[2:])
def test_later_contacts_fall_due_at_their_age(code, months, confidence):
    contact = {c.name: c for c in child_visits(BIRTH)}[code]
    assert contact.due_date == add_months(BIRTH, months)
    assert contact.window_start <= contact.due_date <= contact.window_end


def test_child_windows_are_in_order_and_end_before_the_7th_birthday():
    contacts = child_visits(BIRTH, BIRTH + timedelta(days=5))
    for earlier, later in pairwise(contacts):
        assert earlier.window_end < later.window_start
    assert contacts[-1].window_end < add_months(BIRTH, 12 * spec.CHILDREN_UNTIL_AGE_YEARS)


def test_discharge_before_birth_is_refused():
    with pytest.raises(ValueError, match="before birth"):
        child_visits(BIRTH, BIRTH - timedelta(days=1))


# ---------------------------------------------------------------- §2.2 pregnancy

LMP = date(2024, 1, 1)


def week(weeks, days=0):
    return LMP + timedelta(weeks=weeks, days=days)


@pytest.mark.parametrize(("number", "from_week", "to_week"), spec.ANTENATAL_WEEKS)
def test_antenatal_windows_cover_their_completed_weeks(number, from_week, to_week):
    visit = pregnancy_visits(LMP, LMP).visits[number - 1]
    assert (visit.number, visit.window_weeks) == (number, (from_week, to_week))
    assert visit.window_start == week(from_week)
    assert visit.window_end == week(to_week, 6)


@pytest.mark.parametrize(
    ("as_of", "current", "following"),
    [
        (week(0), 1, 2),
        (week(12, 6), 1, 2),
        (week(13), None, 2),
        (week(15, 6), None, 2),
        (week(16), 2, 3),
        (week(20, 6), 2, 3),
        (week(21), 3, 4),
        (week(24, 6), 3, 4),
        (week(25), None, 4),
        (week(28), 4, 5),
        (week(36, 6), 4, 5),
        (week(37), 5, None),
        (week(40, 6), 5, None),
        (week(41), None, None),
    ],
)
def test_current_and_next_visit(as_of, current, following):
    plan = pregnancy_visits(LMP, as_of)
    assert (plan.current_visit, plan.next_visit) == (current, following)


@pytest.mark.parametrize(
    ("as_of", "text"), [(week(0), "0w0d"), (week(12, 3), "12w3d"), (week(40, 6), "40w6d")]
)
def test_gestational_age_in_weeks_and_days(as_of, text):
    assert gestational_age(LMP, as_of) == text
    assert pregnancy_visits(LMP, as_of).gestational_age == text


def test_as_of_before_lmp_is_refused():
    with pytest.raises(ValueError, match="before the last menstrual period"):
        pregnancy_visits(LMP, LMP - timedelta(days=1))


def test_postpartum_visit_and_42_day_check():
    delivery, discharge = date(2024, 5, 1), date(2024, 5, 4)
    dates = postpartum(delivery, discharge)
    assert dates.postpartum_visit_by == discharge + timedelta(
        days=spec.POSTPARTUM_WITHIN_DAYS_OF_DISCHARGE
    )
    assert dates.day42_check_on == delivery + timedelta(days=spec.CHECK_DAYS_AFTER_DELIVERY)


def test_postpartum_visit_counts_from_delivery_without_a_discharge():
    delivery = date(2024, 5, 1)
    assert postpartum(delivery).postpartum_visit_by == delivery + timedelta(
        days=spec.POSTPARTUM_WITHIN_DAYS_OF_DISCHARGE
    )


def test_discharge_before_delivery_is_refused():
    with pytest.raises(ValueError, match="before delivery"):
        postpartum(date(2024, 5, 1), date(2024, 4, 30))


# ---------------------------------------------------------------- §1 screening

DAY = date(2024, 3, 1)


def on_days(*readings):
    return [(DAY + timedelta(days=index), sbp, dbp) for index, (sbp, dbp) in enumerate(readings)]


def is_high(sbp, dbp):
    return sbp >= spec.SCREEN_SBP or dbp >= spec.SCREEN_DBP


@pytest.mark.parametrize(
    ("sbp", "dbp"), [(139, 89), (140, 80), (130, 90), (spec.SCREEN_SBP, spec.SCREEN_DBP)]
)
def test_one_high_reading_asks_for_a_recheck(sbp, dbp):
    expected = "recheck" if is_high(sbp, dbp) else "normal"
    assert screen_blood_pressure(on_days((sbp, dbp))) == expected


def test_high_on_3_different_days_is_suspected():
    readings = on_days(*[(150, 85)] * spec.SCREEN_HIGH_DAYS)
    assert screen_blood_pressure(readings) == "suspected"
    assert screen_blood_pressure(readings[:-1]) == "recheck"


def test_three_high_readings_on_one_day_count_once():
    assert screen_blood_pressure([(DAY, 150, 85)] * 3) == "recheck"


def test_a_day_counts_by_the_mean_of_its_readings():
    assert screen_blood_pressure([(DAY, 150, 80), (DAY, 130, 80)]) == "recheck"
    assert screen_blood_pressure([(DAY, 149, 80), (DAY, 130, 80)]) == "normal"


def test_readings_may_come_in_any_order():
    readings = on_days((150, 85), (120, 70), (150, 85), (150, 85))
    assert screen_blood_pressure(list(reversed(readings))) == "suspected"


def test_screening_needs_a_reading():
    with pytest.raises(ValueError, match="no blood pressure readings"):
        screen_blood_pressure([])


@pytest.mark.parametrize("fpg", [6.9, 7.0, 7.1])
def test_glucose_screening(fpg):
    expected = "suspected" if fpg >= spec.DIAGNOSIS_FPG else "normal"
    assert screen_glucose(fpg) == expected


# ---------------------------------------------------------------- §1 eligibility


@pytest.mark.parametrize(("programme", "min_age", "max_age", "prefixes"), spec.ELIGIBILITY)
def test_eligibility_ages_and_diagnoses(programme, min_age, max_age, prefixes):
    rule = ELIGIBILITY[programme]
    assert (rule.min_age, rule.max_age, rule.icd10_prefixes) == (min_age, max_age, prefixes)
    assert rule.source == ("diagnosis" if prefixes else "age")


def test_smd_covers_its_6_diseases():
    codes = [code for codes in spec.SMD_DISEASES.values() for code in codes]
    assert sorted(ELIGIBILITY["smd"].icd10_prefixes) == sorted(codes)
    assert "F06" in ELIGIBILITY["smd"].note  # the approximation is said


def test_maternal_enrolment_comes_from_a_pregnancy():
    rule = ELIGIBILITY["maternal"]
    assert (rule.source, rule.sex, rule.icd10_prefixes) == ("pregnancy", "female", ())


def test_eligibility_cites_section_1():
    assert {rule.cited.citation for rule in ELIGIBILITY.values()} == {"BPHS3 §1"}
