"""Real headless Chromium (Debian's) driven by Playwright's sync API against ``live_server``.

Never run ``playwright install``: the machines have no network. Without Chromium the browser
tests are skipped, unless ``JICENG_REQUIRE_BROWSER=1`` asks for them to fail instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path():
    found = shutil.which("chromium")
    if found:
        return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return None


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        reason = "Chromium not found (apt-get install chromium puts it at /usr/bin/chromium)"
        if os.environ.get("JICENG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"JICENG_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, so Django refuses ORM
    # calls (test data, the database flush after each test) unless told otherwise. Allowed only
    # while the browser runs, so the rest of the suite and the subprocesses it starts keep
    # Django's async-safety check.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Open pages with a given viewport; afterwards, check nothing was fetched from elsewhere."""
    contexts = []
    outside: list[str] = []
    own_origin = live_server.url.rstrip("/")

    def open_page(width=1280, height=900):
        context = browser.new_context(
            locale="en-US",  # an English browser still gets Chinese pages by default
            viewport={"width": width, "height": height},
            base_url=live_server.url,
        )
        context.set_default_timeout(15_000)
        context.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((own_origin, "data:"))
                else outside.append(request.url)
            ),
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert outside == [], "pages must work offline: nothing may be fetched from another host"


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save
