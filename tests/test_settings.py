"""Settings come from the environment and refuse values they cannot use."""

import pytest

from tests.subprocesses import run

PRODUCTION = {
    "JICENG_ENV": "production",
    "JICENG_SECRET_KEY": "k7$Qz!p9Lw2@vX4#nB6^mC8&rT0*yU1(eI3)oP5-aS7_dF9+gH1=jK3~lZ5",
    "JICENG_ALLOWED_HOSTS": "jiceng.example.cn",
}


def run_manage(tmp_path, *args, **env):
    return run(tmp_path, "manage.py", *args, **env)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("JICENG_DEBUG", "maybe", "JICENG_DEBUG='maybe' is not a boolean"),
        ("JICENG_ENV", "staging", "JICENG_ENV='staging' is not one of"),
        ("JICENG_IDLE_TIMEOUT_SECONDS", "half an hour", "is not an integer"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must start with"),
        ("JICENG_POLICY_PACKS_DIR", "/nonexistent/packs", "holds no policy packs"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(tmp_path, variable, value, message):
    result = run_manage(tmp_path, "check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_requires_a_secret_key(tmp_path):
    environment = dict(PRODUCTION)
    del environment["JICENG_SECRET_KEY"]
    result = run_manage(tmp_path, "check", **environment)
    assert "JICENG_SECRET_KEY is required" in result.stderr


def test_production_refuses_demo_mode(tmp_path):
    result = run_manage(tmp_path, "check", JICENG_DEMO="1", **PRODUCTION)
    assert "JICENG_DEMO=1 is not allowed" in result.stderr


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
