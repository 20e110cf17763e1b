"""County intranets have no internet: nothing we serve may point a browser outside this host."""

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//"""
)
APPS = ("jiceng", "accounts", "divisions", "institutions", "workforce", "residents")


def served_files():
    for app in APPS:
        for pattern in ("templates/**/*.html", "static/**/*.css", "static/**/*.js"):
            yield from (ROOT / app).glob(pattern)


@pytest.mark.parametrize(
    "path", sorted(served_files()), ids=lambda path: str(path.relative_to(ROOT))
)
def test_templates_and_assets_load_nothing_from_outside(path):
    assert not EXTERNAL.search(path.read_text()), f"{path} refers to another host"


def test_api_docs_are_served_from_local_files(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not EXTERNAL.search(html)
