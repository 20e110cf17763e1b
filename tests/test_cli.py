"""The `jiceng` command applies pending migrations first, on the database it is pointed at."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def jiceng(tmp_path, *args):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JICENG_", "DATABASE_URL"))
    }
    environment["JICENG_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "jiceng.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


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
