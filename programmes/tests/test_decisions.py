"""The programmes decisions: their documented JSON shapes and their field-named errors."""

from datetime import date, timedelta

import pytest
from django.test import Client

from jiceng.decisions import registry, run_decision
from jiceng.errors import DomainError
from programmes.ranges import CITATION, RANGES
from programmes.tests import spec_tables as spec

TODAY = date(2024, 6, 1)
NAMES = [
    "bp-grade",
    "hypertension-visit",
    "diabetes-visit",
    "smd-visit",
    "tb-visit",
    "child-visits",
    "pregnancy-visits",
]
HTN = {"age": 50, "sbp": 130, "dbp": 80}
DM = {**HTN, "fpg_mmol_l": 6.0}
SMD = {
    "risk_level": 0,
    "psychotic_symptoms": "none",
    "insight": "recovered",
    "social_function": "good",
    "serious_adverse_reaction": False,
    "physical_disease_stable": True,
}
TB = {"phase": "intensive", "supervisor": "family_member"}
CHILD = {"birth_date": "2024-01-31", "discharge_date": "2024-02-02"}
PREGNANCY = {"lmp_date": "2024-01-01", "as_of": "2024-03-01"}
POSTNATAL = {"delivery_date": "2024-05-01", "discharge_date": "2024-05-04"}


def decide(name, payload):
    return run_decision(name, payload, today=TODAY)


def test_every_decision_is_registered():
    assert set(NAMES) <= set(registry())


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("sbp", "dbp", "expected"),
    [
        (119, 79, {"grade": "normal", "isolated_systolic": False}),
        (120, 70, {"grade": "high_normal", "isolated_systolic": False}),
        (165, 85, {"grade": "grade_2", "isolated_systolic": True}),
        (150, 110, {"grade": "grade_3", "isolated_systolic": False}),
    ],
)
def test_bp_grade_shape(sbp, dbp, expected):
    assert decide("bp-grade", {"sbp": sbp, "dbp": dbp}) == expected


def test_hypertension_visit_shape():
    assert decide("hypertension-visit", {**HTN, "sbp": 145}) == {
        "classification": "uncontrolled",
        "urgent_referral": False,
        "referral": False,
        "followup_within_weeks": spec.FOLLOWUP_WITHIN_WEEKS,
        "citations": ["BPHS3 §4.1 uncontrolled", "BPHS3 §4.1 on target, age < 65"],
    }


def test_hypertension_emergency_by_symptom():
    result = decide("hypertension-visit", {**HTN, "symptoms": ["severe_headache"]})
    assert (result["urgent_referral"], result["referral"], result["followup_within_weeks"]) == (
        True,
        True,
        spec.FOLLOWUP_WITHIN_WEEKS,
    )


def test_controlled_visit_has_no_fixed_follow_up():
    result = decide("hypertension-visit", {**HTN, "age": 65, "sbp": 149})
    assert (result["classification"], result["followup_within_weeks"]) == ("controlled", None)


def test_booleans_default_to_false():
    flags = [
        "pregnant_or_lactating",
        "previous_visit_uncontrolled",
        "adverse_reaction",
        "adverse_reaction_uncontrollable",
        "new_or_worse_complication",
    ]
    explicit = {**DM, **dict.fromkeys(flags, False), "symptoms": []}
    assert decide("diabetes-visit", DM) == decide("diabetes-visit", explicit)


@pytest.mark.parametrize(
    ("fpg", "classification", "urgent"),
    [(3.9, "uncontrolled", True), (6.9, "controlled", False), (7.0, "uncontrolled", False)],
)
def test_diabetes_visit_shape(fpg, classification, urgent):
    result = decide("diabetes-visit", {**DM, "fpg_mmol_l": fpg})
    assert set(result) == {
        "classification",
        "urgent_referral",
        "referral",
        "followup_within_weeks",
        "citations",
    }
    assert (result["classification"], result["urgent_referral"]) == (classification, urgent)


def test_diabetes_heart_rate_and_temperature():
    assert decide("diabetes-visit", {**DM, "heart_rate": 101})["urgent_referral"] is True
    assert decide("diabetes-visit", {**DM, "temperature_c": 39.5})["urgent_referral"] is True
    assert decide("diabetes-visit", {**DM, "heart_rate": 100})["urgent_referral"] is False


@pytest.mark.parametrize(("risk", "category"), spec.SMD_RISK_CATEGORY.items())
def test_smd_visit_shape(risk, category):
    refer, weeks = spec.SMD_ACTIONS[category]
    assert decide("smd-visit", {**SMD, "risk_level": risk}) == {
        "category": category,
        "refer_immediately": refer,
        "next_visit_within_weeks": weeks,
    }


@pytest.mark.parametrize(("phase", "supervisor", "days"), spec.TB_INTERVALS)
def test_tb_visit_shape(phase, supervisor, days):
    result = decide("tb-visit", {"phase": phase, "supervisor": supervisor})
    assert result == {"visit_interval_days": days}


def test_child_visits_shape():
    visits = decide("child-visits", CHILD)["visits"]
    assert [(v["name"], v["age_months"]) for v in visits] == [
        (code, months) for code, months, _ in spec.CHILD_CONTACTS
    ]
    assert visits[0] == {
        "name": "newborn",
        "age_months": 0,
        "due_date": "2024-02-09",
        "window_start": "2024-02-02",
        "window_end": "2024-02-09",
    }
    assert visits[1]["window_start"] == "2024-02-28"  # day 28
    assert visits[1]["window_end"] == "2024-03-01"  # day 30
    assert visits[2]["due_date"] == "2024-04-30"  # 3 months after 31 January


def test_child_visits_without_a_discharge_count_from_birth():
    visits = decide("child-visits", {"birth_date": "2024-01-31"})["visits"]
    assert (visits[0]["window_start"], visits[0]["window_end"]) == ("2024-01-31", "2024-02-07")


def test_pregnancy_visits_shape():
    result = decide("pregnancy-visits", PREGNANCY)
    assert set(result) == {"gestational_age", "current_visit", "next_visit", "visits"}
    assert (result["gestational_age"], result["current_visit"], result["next_visit"]) == (
        "8w4d",
        1,
        2,
    )
    lmp = date(2024, 1, 1)
    assert result["visits"] == [
        {
            "number": number,
            "window_weeks": [from_week, to_week],
            "window_start": (lmp + timedelta(weeks=from_week)).isoformat(),
            "window_end": (lmp + timedelta(weeks=to_week + 1, days=-1)).isoformat(),
        }
        for number, from_week, to_week in spec.ANTENATAL_WEEKS
    ]


def test_pregnancy_visits_between_windows_has_no_current_visit():
    result = decide("pregnancy-visits", {**PREGNANCY, "as_of": "2024-04-10"})  # 14w2d
    assert (result["gestational_age"], result["current_visit"], result["next_visit"]) == (
        "14w2d",
        None,
        2,
    )


def test_postnatal_form_shape():
    assert decide("pregnancy-visits", POSTNATAL) == {
        "postpartum_visit_by": "2024-05-11",
        "day42_check_on": "2024-06-12",
    }


def test_postnatal_form_without_a_discharge():
    result = decide("pregnancy-visits", {"delivery_date": "2024-05-01"})
    assert result["postpartum_visit_by"] == "2024-05-08"


# ---------------------------------------------------------------- errors


def error_of(name, payload):
    with pytest.raises(DomainError) as error:
        decide(name, payload)
    assert error.value.code == "invalid_input"
    return error.value.field, error.value.message


def without(payload, field):
    return {key: value for key, value in payload.items() if key != field}


RANGE_CASES = [
    ("bp-grade", {"sbp": 130, "dbp": 80}, "sbp"),
    ("bp-grade", {"sbp": 130, "dbp": 80}, "dbp"),
    ("hypertension-visit", HTN, "age"),
    ("diabetes-visit", DM, "fpg_mmol_l"),
    ("diabetes-visit", DM, "heart_rate"),
    ("diabetes-visit", DM, "temperature_c"),
    ("smd-visit", SMD, "risk_level"),
]
RANGE_OF = {"age": "age_years"}
DECIMAL_FIELDS = {"fpg_mmol_l", "temperature_c"}


@pytest.mark.parametrize(("name", "payload", "field"), RANGE_CASES)
def test_values_outside_the_design_range_name_the_field(name, payload, field):
    low, high, _ = RANGES[RANGE_OF.get(field, field)]
    step = 0.1 if field in DECIMAL_FIELDS else 1
    for value in (low - step, high + step):
        assert error_of(name, {**payload, field: value})[0] == field


@pytest.mark.parametrize(("name", "payload", "field"), RANGE_CASES)
def test_values_at_the_ends_of_the_design_range_are_accepted(name, payload, field):
    low, high, _ = RANGES[RANGE_OF.get(field, field)]
    other_side = {"sbp": {"dbp": 40}, "dbp": {"sbp": 250}}.get(field, {})
    for value in (low, high):
        decide(name, {**payload, **other_side, field: value})


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("bp-grade", {"sbp": 120}, "dbp"),
        ("bp-grade", {"dbp": 80}, "sbp"),
        ("bp-grade", {"sbp": 90, "dbp": 90}, "dbp"),
        ("hypertension-visit", without(HTN, "age"), "age"),
        ("hypertension-visit", {**HTN, "symptoms": ["acetone_breath"]}, "symptoms"),
        ("diabetes-visit", without(DM, "fpg_mmol_l"), "fpg_mmol_l"),
        ("diabetes-visit", {**DM, "sbp": 80, "dbp": 85}, "dbp"),
        ("smd-visit", without(SMD, "physical_disease_stable"), "physical_disease_stable"),
        ("smd-visit", {**SMD, "insight": "partial"}, "insight"),
        ("smd-visit", {**SMD, "psychotic_symptoms": "some"}, "psychotic_symptoms"),
        ("smd-visit", {**SMD, "social_function": "bad"}, "social_function"),
        ("tb-visit", {**TB, "phase": "retreatment"}, "phase"),
        ("tb-visit", without(TB, "supervisor"), "supervisor"),
        ("child-visits", {}, "birth_date"),
        ("child-visits", {"birth_date": "2024-02-30"}, "birth_date"),
        ("child-visits", {**CHILD, "discharge_date": "2024-01-30"}, "discharge_date"),
        ("pregnancy-visits", {}, "lmp_date"),
        ("pregnancy-visits", without(PREGNANCY, "as_of"), "as_of"),
        ("pregnancy-visits", without(PREGNANCY, "lmp_date"), "lmp_date"),
        ("pregnancy-visits", {**PREGNANCY, "as_of": "2023-12-31"}, "as_of"),
        ("pregnancy-visits", {**PREGNANCY, "as_of": "2024-11-12"}, "as_of"),  # 45w1d
        ("pregnancy-visits", {**PREGNANCY, **POSTNATAL}, "delivery_date"),
        ("pregnancy-visits", {**PREGNANCY, "discharge_date": "2024-05-04"}, "discharge_date"),
        ("pregnancy-visits", without(POSTNATAL, "delivery_date"), "delivery_date"),
        ("pregnancy-visits", {**POSTNATAL, "discharge_date": "2024-04-30"}, "discharge_date"),
    ],
)
def test_invalid_input_names_the_field(name, payload, field):
    assert error_of(name, payload)[0] == field


def test_gestational_age_of_45_weeks_is_accepted():
    result = decide("pregnancy-visits", {**PREGNANCY, "as_of": "2024-11-11"})
    assert result["gestational_age"] == "45w0d"


def test_sbp_must_be_above_dbp():
    assert error_of("bp-grade", {"sbp": 90, "dbp": 95}) == ("dbp", "dbp must be lower than sbp")


def test_a_mix_of_the_two_pregnancy_forms_says_so():
    _, message = error_of("pregnancy-visits", {**PREGNANCY, **POSTNATAL})
    assert "not both" in message


def test_unknown_symptom_lists_the_known_codes():
    _, message = error_of("hypertension-visit", {**HTN, "symptoms": ["headache"]})
    assert "unknown symptom codes headache; known: altered_consciousness" in message


# ---------------------------------------------------------------- §3 ranges


def test_ranges_are_the_design_limits_of_section_3():
    assert {field: RANGES[field][:2] for field, _, _ in spec.RANGES} == {
        field: (low, high) for field, low, high in spec.RANGES
    }
    assert all(unit for _, _, unit in RANGES.values())
    assert CITATION == "spec §3 (design limits)"


# ---------------------------------------------------------------- over HTTP


@pytest.fixture
def api_client(township_doctor):
    client = Client()
    client.force_login(township_doctor, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client, name, payload):
    return client.post(f"/api/v1/decisions/{name}", payload, content_type="application/json")


def test_api_gives_the_same_answers(api_client):
    for name, payload in [
        ("hypertension-visit", {**HTN, "sbp": 185}),
        ("smd-visit", {**SMD, "risk_level": 4}),
        ("pregnancy-visits", PREGNANCY),
        ("pregnancy-visits", POSTNATAL),
        ("child-visits", CHILD),
    ]:
        response = post(api_client, name, payload)
        assert response.status_code == 200
        assert response.json() == decide(name, payload)


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("bp-grade", {"sbp": 90, "dbp": 95}, "dbp"),
        ("diabetes-visit", {**DM, "fpg_mmol_l": 40}, "fpg_mmol_l"),
        ("pregnancy-visits", {**PREGNANCY, **POSTNATAL}, "delivery_date"),
    ],
)
def test_api_names_the_invalid_field(api_client, name, payload, field):
    response = post(api_client, name, payload)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid_input", field)


def test_api_needs_a_signed_in_caller(db):
    response = post(Client(), "tb-visit", TB)
    assert response.status_code == 401
