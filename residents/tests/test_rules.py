from datetime import date

import pytest

from residents.rules import check_character, make_citizen_id, parse_citizen_id

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("citizen_id", "birth_date", "sex"),
    [
        # The two examples that public-health-services.md §6.1 quotes as passing the check.
        ("11010519491231002X", date(1949, 12, 31), "female"),
        ("440524188001010014", date(1880, 1, 1), "male"),
    ],
)
def test_reference_examples_pass(citizen_id, birth_date, sex):
    parsed = parse_citizen_id(citizen_id, today=TODAY)
    assert (parsed.valid, parsed.birth_date, parsed.sex, parsed.address_code) == (
        True,
        birth_date,
        sex,
        citizen_id[:6],
    )


def test_check_character_uses_mod_11_2_weights():
    # Σ digit × weight over 11010519491231002 is 167; 167 mod 11 = 2 → 'X' (§6.1).
    assert check_character("11010519491231002") == "X"


def test_lowercase_x_is_normalised():
    assert parse_citizen_id("11010519491231002x", today=TODAY).id18 == "11010519491231002X"


def test_wrong_check_character_is_named():
    parsed = parse_citizen_id("110105194912310021", today=TODAY)
    assert not parsed.valid
    assert parsed.errors == ["check character is 1, expected X"]


def test_fifteen_digit_number_is_upgraded():
    parsed = parse_citizen_id("110105491231002", today=TODAY)
    assert parsed.id18 == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1234", "length is 4"),
        ("11010519490231002X", "not a calendar date"),
        ("1101052099123100" + "2X", "in the future"),
        ("11010519491231A02X", "characters 1–17 must be digits"),
    ],
)
def test_invalid_numbers_say_why(raw, message):
    parsed = parse_citizen_id(raw, today=TODAY)
    assert not parsed.valid
    assert any(message in error for error in parsed.errors)


def test_made_ids_agree_with_the_person():
    made = make_citizen_id("140581", date(1988, 2, 29), 123)
    parsed = parse_citizen_id(made, today=TODAY)
    assert (parsed.valid, parsed.birth_date, parsed.sex) == (True, date(1988, 2, 29), "male")


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("140581", True),  # 高平市 (since 1993)
        ("440524", True),  # 潮阳县, 1983–1993: an old code still identifies where an ID was issued
        ("371003", True),  # 文登区
        ("000000", False),
        ("999999", False),
        ("14058A", False),
    ],
)
def test_address_code_must_be_a_known_division_code(code, known):
    from residents.rules import address_code_known

    assert address_code_known(code) is known


def test_unknown_address_code_makes_the_number_invalid():
    citizen_id = make_citizen_id("999999", date(1980, 1, 1), 11)
    parsed = parse_citizen_id(citizen_id, today=TODAY)
    assert not parsed.valid
    assert parsed.errors == ["address code 999999 is not a known division code"]


def test_a_number_that_contradicts_the_person_is_named():
    from residents.rules import disagreements

    parsed = parse_citizen_id(make_citizen_id("140581", date(1980, 1, 1), 11), today=TODAY)
    assert disagreements(parsed, birth_date=date(1980, 1, 1), sex="male") == []
    assert disagreements(parsed, birth_date=date(1981, 1, 1), sex="female") == [
        "the number says born 1980-01-01, the record says 1981-01-01",
        "the number says male, the record says female",
    ]
