"""The `jiceng` command applies pending migrations first, on the database it is pointed at."""

import sqlite3

from tests.subprocesses import run


def jiceng(tmp_path, *args):
    return run(tmp_path, "-m", "jiceng.cli", *args)


def test_audit_verify_migrates_a_new_database_first(tmp_path):
    result = jiceng(tmp_path, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "audit chain intact: 0 entries checked" in result.stdout
    tables = sqlite3.connect(tmp_path / "jiceng.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE name = 'accounts_auditentry'"
    )
    assert tables.fetchall() == [("accounts_auditentry",)]


def test_token_create_refuses_an_unknown_user(tmp_path):
    result = jiceng(tmp_path, "token", "create", "nobody", "export")
    assert result.returncode == 1
    assert "no active user named 'nobody'" in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = jiceng(tmp_path, "manage", "showmigrations", "accounts")
    assert "[X] 0002_audit_append_only" in result.stdout
