"""The ``immunization-forecast`` decision: the same forecast, as JSON, with the fields named."""

from datetime import date

import pytest

from immunization.rules import ReceivedDose, forecast
from immunization.schedules import NIP_2021
from jiceng.decisions import run_decision
from jiceng.errors import DomainError

TODAY = date(2024, 3, 20)
DOSES = [
    {"vaccine": "HepB", "date": "2024-01-15"},
    {"vaccine": "BCG", "date": "2024-01-15"},
    {"vaccine": "HepB", "date": "2024-02-15"},
]
CHILD = {"birth_date": "2024-01-15", "as_of": "2024-03-15", "doses_received": DOSES}


def decide(payload):
    return run_decision("immunization-forecast", payload, today=TODAY)


def test_forecast_answers_in_the_documented_shape():
    result = decide(CHILD)
    assert set(result) == {"schedule", "due_now", "doses", "invalid_doses", "notes"}
    assert result["schedule"] == "NIP-2021"
    assert result["due_now"] == ["IPV-1"]
    assert result["doses"][1] == {
        "dose": "HepB-2",
        "vaccine": "HepB",
        "status": "given",
        "earliest_date": "2024-02-15",
        "recommended_date": "2024-02-15",
        "complete_before_date": "2025-01-15",
    }


def test_decision_gives_the_rule_answer():
    result = decide(CHILD)
    expected = forecast(
        NIP_2021,
        date(2024, 1, 15),
        date(2024, 3, 15),
        [ReceivedDose(d["vaccine"], date.fromisoformat(d["date"])) for d in DOSES],
    )
    assert [(d["dose"], d["status"]) for d in result["doses"]] == [
        (d.dose, d.status.value) for d in expected.doses
    ]
    assert result["notes"] == list(expected.notes)


def test_forecast_on_as_of_not_on_today():
    later = run_decision("immunization-forecast", CHILD, today=date(2030, 1, 1))
    assert later == decide(CHILD)


def test_schedule_2025_is_chosen_by_name():
    result = decide({**CHILD, "schedule": "NIP-2025"})
    assert result["schedule"] == "NIP-2025"
    assert result["due_now"] == ["IPV-1", "DTaP-1"]


def test_products_are_chosen_by_name():
    result = decide({**CHILD, "je_product": "JE-I", "hepa_product": "HepA-I"})
    statuses = {d["dose"]: d["status"] for d in result["doses"]}
    assert (statuses["JE-L-1"], statuses["JE-I-4"]) == ("not_needed", "not_yet_due")
    assert (statuses["HepA-L-1"], statuses["HepA-I-2"]) == ("not_needed", "not_yet_due")


@pytest.mark.parametrize(
    ("given", "stored"), [(True, "positive"), (False, "negative"), ("unknown", "unknown")]
)
def test_mother_hbsag_accepts_a_boolean(given, stored):
    as_boolean = decide({**CHILD, "mother_hbsag": given, "birth_weight_g": 1800})
    as_text = decide({**CHILD, "mother_hbsag": stored, "birth_weight_g": 1800})
    assert as_boolean == as_text


def test_hbsag_positive_small_baby_gets_4_hepb_doses():
    result = decide({**CHILD, "mother_hbsag": True, "birth_weight_g": 1800})
    assert [d["dose"] for d in result["doses"] if d["vaccine"] == "HepB"] == [
        "HepB-1",
        "HepB-2",
        "HepB-3",
        "HepB-4",
    ]
    assert any("HBIG" in note for note in result["notes"])


def test_invalid_doses_say_why():
    payload = {
        "birth_date": "2024-01-15",
        "as_of": "2024-10-20",
        "doses_received": [
            {"vaccine": "MMR", "date": "2024-09-15"},
            {"vaccine": "JE-L", "date": "2024-10-01"},
        ],
    }
    [invalid] = decide(payload)["invalid_doses"]
    assert (invalid["vaccine"], invalid["date"]) == ("JE-L", "2024-10-01")
    assert "less than 28 days after MMR on 2024-09-15" in invalid["reason"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {
                "doses_received": [
                    *CHILD["doses_received"],
                    {"vaccine": "OPV", "date": "2024-02-01"},
                ]
            },
            "doses_received.3.vaccine",
        ),
        ({"doses_received": [{"vaccine": "HepB", "date": "2024-01-14"}]}, "doses_received.0.date"),
        ({"doses_received": [{"vaccine": "HepB", "date": "2024-03-16"}]}, "doses_received.0.date"),
        ({"as_of": "2024-01-14"}, "as_of"),
        ({"schedule": "NIP-2026"}, "schedule"),
        ({"je_product": "JE-X"}, "je_product"),
        ({"mother_hbsag": "maybe"}, "mother_hbsag"),
        ({"birth_weight_g": 0}, "birth_weight_g"),
        ({"birth_date": None}, "birth_date"),
    ],
)
def test_invalid_input_names_the_field(change, field):
    with pytest.raises(DomainError) as error:
        decide({**CHILD, **change})
    assert (error.value.code, error.value.field) == ("invalid_input", field)


def test_unknown_vaccine_message_lists_the_codes():
    with pytest.raises(DomainError, match="unknown vaccine code 'OPV'; known: HepB, BCG"):
        decide({**CHILD, "doses_received": [{"vaccine": "OPV", "date": "2024-02-01"}]})
