"""The decision service: the same code behind `POST /api/v1/decisions/<rule>` and `jiceng decide`."""

import json

import pytest
from django.test import Client

from tests.subprocesses import run

EXPECTED = {
    "valid": True,
    "id18": "11010519491231002X",
    "birth_date": "1949-12-31",
    "sex": "female",
    "address_code": "110105",
    "errors": [],
}


@pytest.fixture
def client(township_doctor):
    client = Client()
    client.force_login(township_doctor, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_api_upgrades_a_fifteen_digit_id(client):
    response = client.post(
        "/api/v1/decisions/citizen-id", {"id": "110105491231002"}, content_type="application/json"
    )
    assert response.json() == EXPECTED


def test_api_names_the_missing_field(client):
    response = client.post("/api/v1/decisions/citizen-id", {}, content_type="application/json")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid_input", "id")


def test_api_needs_a_signed_in_caller(db):
    response = Client().post(
        "/api/v1/decisions/citizen-id", {"id": "1"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_cli_gives_the_same_answer_as_the_api(tmp_path):
    stdin = json.dumps({"id": "110105491231002"})
    result = run(tmp_path, "-m", "jiceng.cli", "decide", "citizen-id", stdin=stdin)
    assert (result.returncode, json.loads(result.stdout)) == (0, EXPECTED)


def test_cli_reports_an_unknown_rule_in_the_api_error_format(tmp_path):
    result = run(tmp_path, "-m", "jiceng.cli", "decide", "no-such-rule", stdin="{}")
    assert result.returncode == 2
    assert json.loads(result.stdout)["code"] == "unknown_decision"
