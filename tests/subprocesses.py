"""Run the project's commands in a child process against a throw-away data directory."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any jiceng setting, pointed at ``data_dir``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JICENG_", "DATABASE_URL"))
    }
    environment.update(extra, JICENG_DATA_DIR=str(data_dir))
    return environment


def run(
    data_dir: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python ARGS…`` from the repository root, e.g. ``run(tmp, "manage.py", "check")``."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_environment(data_dir, **env),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
