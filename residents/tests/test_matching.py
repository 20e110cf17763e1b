import csv
import random
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from jiceng.generator.names import random_name
from jiceng.testing import ResidentFactory
from residents.matching import (
    AUTO_MERGE_THRESHOLD,
    BLOCKING_KEYS,
    DEFAULT_THRESHOLD,
    Matcher,
    MatchRecord,
    _blocked_pairs,
    _features,
    normalise_citizen_id,
    record_from_mapping,
)
from residents.names import name_pinyin
from residents.rules import make_citizen_id

BORN = date(1980, 3, 5)
ID = make_citizen_id("140581", BORN, 123)
VILLAGE = "140581101201"


def person(key="a", **changes):
    values: dict[str, Any] = {
        "name": "王晓明",
        "sex": "male",
        "birth_date": BORN,
        "citizen_id": ID,
        "phone": "13812345678",
        "village_code": VILLAGE,
    }
    values.update(changes)
    return MatchRecord(key=key, **values)


def population(size, seed=7):
    """Different people of one county, as a background to train on."""
    rng = random.Random(seed)
    people = []
    for number in range(size):
        sex = rng.choice(("male", "female"))
        born = date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28))
        sequence = rng.randrange(499) * 2 + (1 if sex == "male" else 2)
        people.append(
            MatchRecord(
                key=f"p{number}",
                name=random_name(rng, sex, born.year),
                sex=sex,
                birth_date=born,
                citizen_id=make_citizen_id("140581", born, sequence),
                phone=f"139{rng.randrange(10**8):08d}",
                village_code=f"140581{rng.randint(100, 110):03d}{rng.randint(200, 215):03d}",
            )
        )
    return people


@pytest.fixture(scope="module")
def matcher():
    return Matcher.train(population(600))


def test_constants():
    assert 0 < DEFAULT_THRESHOLD < AUTO_MERGE_THRESHOLD == 0.99


def test_homophones_share_pinyin():
    assert name_pinyin("王晓明") == name_pinyin("王小明") == ("wangxiaoming", "wxm")


@pytest.mark.parametrize(
    ("changes", "field", "level"),
    [
        ({}, "name", "same"),
        ({"name": "王小明"}, "name", "homophone"),
        ({"name": "王明"}, "name", "similar"),
        ({"name": "王明晓"}, "name", "similar"),
        ({"name": "王雪梅"}, "name", "same surname and initials"),
        ({"name": "李建国"}, "name", "different"),
        ({"name": ""}, "name", "missing"),
        ({}, "citizen_id", "same"),
        ({"citizen_id": ID[:10] + "9" + ID[11:]}, "citizen_id", "one digit differs"),
        (
            {"citizen_id": ID[:14] + ID[15] + ID[14] + ID[16:]},
            "citizen_id",
            "adjacent digits transposed",
        ),
        ({"citizen_id": make_citizen_id("140581", BORN, 455)}, "citizen_id", "different"),
        ({"citizen_id": ""}, "citizen_id", "missing"),
        ({}, "birth_date", "same"),
        ({"birth_date": date(1980, 5, 3)}, "birth_date", "day and month swapped"),
        ({"birth_date": date(1981, 3, 5)}, "birth_date", "one part differs"),
        ({"birth_date": date(1975, 8, 20)}, "birth_date", "different"),
        ({"birth_date": None}, "birth_date", "missing"),
        ({"sex": "female"}, "sex", "different"),
        ({"sex": ""}, "sex", "missing"),
        ({}, "phone", "same"),
        ({"phone": "13812345670"}, "phone", "one digit differs"),
        ({"phone": "13812345687"}, "phone", "adjacent digits transposed"),
        ({"phone": "13900000000"}, "phone", "different"),
        ({"phone": ""}, "phone", "missing"),
        ({}, "village", "same village"),
        ({"village_code": "140581101202"}, "village", "same township"),
        ({"village_code": "140581102201"}, "village", "same county"),
        ({"village_code": "140502001001"}, "village", "different"),
        ({"village_code": ""}, "village", "missing"),
    ],
)
def test_comparison_levels(matcher, changes, field, level):
    match = matcher.score(person("a"), person("b", **changes))
    assert match.evidence[field] == level
    assert (match.left, match.right) == ("a", "b")


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "王小明"},
        {"citizen_id": ID[:14] + ID[15] + ID[14] + ID[16:]},
        {"citizen_id": ID[:10] + "9" + ID[11:], "phone": "13812345670"},
        {"phone": "", "village_code": "140581102201"},
        {"name": "王小明", "birth_date": date(1980, 5, 3), "phone": "13812345687"},
    ],
)
def test_duplicates_with_errors_score_above_the_threshold(matcher, changes):
    assert matcher.score(person("a"), person("b", **changes)).probability >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("field", ["phone", "citizen_id", "birth_date", "village_code", "sex"])
def test_a_missing_value_is_neutral(matcher, field):
    changes = {field: None if field == "birth_date" else ""}
    both = matcher.score(person("a", name="王小明"), person("b", name="王小明"))
    one_missing = matcher.score(person("a", name="王小明"), person("b", name="王小明", **changes))
    different = {
        "phone": "13900000000",
        "citizen_id": make_citizen_id("140581", BORN, 455),
        "birth_date": date(1975, 8, 20),
        "village_code": "140502001001",
        "sex": "female",
    }[field]
    mismatch = matcher.score(person("a"), person("b", **{field: different}))
    field_name = "village" if field == "village_code" else field
    assert one_missing.evidence[field_name] == "missing"
    assert mismatch.weight <= one_missing.weight <= both.weight
    assert matcher.field_weights[field_name][-1] == 0.0  # "missing" weighs nothing either way


def test_fifteen_digit_ids_are_upgraded_and_equal():
    old = ID[:6] + ID[8:17]
    assert normalise_citizen_id(old) == ID
    record = record_from_mapping({"name": "王晓明", "citizen_id": old}, "r1")
    assert record.citizen_id == ID
    assert record.birth_date == BORN  # taken from the ID when the row has none
    assert record.sex == "male"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"birth_date": "1980-03-05"}, BORN),
        ({"birth_date": "1980/3/5"}, BORN),
        ({"birth_date": "19800305"}, BORN),
        ({"birth_date": "1980-02-30"}, None),
    ],
)
def test_messy_dates(raw, expected):
    assert record_from_mapping({"name": "张伟", **raw}, "k").birth_date == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("男", "male"),
        ("女", "female"),
        ("M", "male"),
        ("f", "female"),
        ("1", "male"),
        ("2", "female"),
        ("?", ""),
    ],
)
def test_messy_sexes(raw, expected):
    assert record_from_mapping({"name": "张伟", "sex": raw}, "k").sex == expected


def test_phone_country_prefix_is_dropped():
    assert record_from_mapping({"phone": "+86 138-1234-5678"}, "k").phone == "13812345678"


def test_blocking_finds_a_duplicate_differing_in_id_and_phone(matcher):
    people = population(300)
    original = person("orig")
    twin = person(
        "dup",
        name="王小明",  # same pinyin
        birth_date=date(1980, 5, 3),  # same year only
        citizen_id=ID[:10] + "9" + ID[11:],
        phone="13912345678",
        village_code="140581102201",
    )
    records = [*people[:150], original, *people[150:], twin]
    features = [_features(record) for record in records]
    n = len(records)
    pairs = _blocked_pairs(features, BLOCKING_KEYS)
    assert 150 * n + n - 1 in pairs
    found = {(m.left, m.right) for m in matcher.pairs(records)}
    assert ("orig", "dup") in found or ("dup", "orig") in found


def test_namesakes_born_the_same_year_are_different_people(matcher):
    one = person("a", name="张伟", birth_date=date(1985, 2, 1))
    other = person(
        "b",
        name="张伟",
        birth_date=date(1985, 9, 17),
        citizen_id=make_citizen_id("140581", date(1985, 9, 17), 77),
        phone="13511112222",
        village_code="140581105210",
    )
    one = person(
        "a",
        name="张伟",
        birth_date=date(1985, 2, 1),
        citizen_id=make_citizen_id("140581", date(1985, 2, 1), 33),
    )
    assert matcher.score(one, other).probability < DEFAULT_THRESHOLD
    records = [*population(200), one, other]
    assert not [m for m in Matcher.train(records).pairs(records) if {m.left, m.right} == {"a", "b"}]


def test_training_and_pairs_are_deterministic():
    records = [*population(400, seed=3), person("a"), person("b", name="王小明", phone="")]
    first = Matcher.train(records, seed=5)
    second = Matcher.train(records, seed=5)
    assert first.m == second.m
    assert first.u == second.u
    assert first.prior == second.prior
    assert list(first.pairs(records)) == list(second.pairs(records))


def test_link_pairs_left_with_right(matcher):
    left = [person("new")]
    right = [*population(100), person("old", name="王小明", phone="")]
    matches = list(matcher.link(left, right, threshold=0.5))
    assert [(m.left, m.right) for m in matches] == [("new", "old")]


ROSTER = """编号,姓名,性别,出生日期,身份证号,电话,村/居委会代码
r1,王晓明,男,1980-03-05,{id},13812345678,140581101201
r2,王小明,1,1980/03/05,{id15},13812345687,140581101202
r3,李秀英,女,1955-07-09,{other},13700001111,140581102203
r4,,女,1990-01-01,,13700002222,140581102203
"""


def _roster(tmp_path):
    other = make_citizen_id("140581", date(1955, 7, 9), 42)
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER.format(id=ID, id15=ID[:6] + ID[8:17], other=other), encoding="utf-8")
    return path


def _read(path):
    with path.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_command_writes_pairs_with_evidence_and_reports_bad_rows(tmp_path, capsys):
    output = tmp_path / "pairs.csv"
    call_command("dedupe_residents", input=str(_roster(tmp_path)), output=str(output))
    rows = _read(output)
    assert [(row["left"], row["right"]) for row in rows] == [("r1", "r2")]
    assert rows[0]["name"] == "homophone"
    assert rows[0]["citizen_id"] == "same"
    assert rows[0]["phone"] == "adjacent digits transposed"
    assert rows[0]["village"] == "same township"
    assert float(rows[0]["probability"]) >= 0.5
    captured = capsys.readouterr()
    assert "row 5: no name" in captured.err
    assert "3 records read (1 rows rejected)" in captured.out


@pytest.mark.django_db
def test_command_links_against_live_residents(tmp_path, county, capsys):
    resident = ResidentFactory.create(
        village=county.village_a, name="王晓明", sex="male", birth_date=BORN, citizen_id=ID,
        phone="13812345678",
    )  # fmt: skip
    ResidentFactory.create(village=county.village_b, name="刘芳", birth_date=date(1970, 1, 1))
    output = tmp_path / "pairs.csv"
    call_command(
        "dedupe_residents", input=str(_roster(tmp_path)), output=str(output), against_database=True
    )
    rows = _read(output)
    assert {(row["left"], row["right"]) for row in rows} == {
        ("r1", f"resident:{resident.pk}"),
        ("r2", f"resident:{resident.pk}"),
    }
    assert "recorded in the audit log" in capsys.readouterr().err
    from accounts.models import AuditEntry

    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.object_type, entry.user_id_value) == (
        "export",
        "residents.resident",
        None,
    )
