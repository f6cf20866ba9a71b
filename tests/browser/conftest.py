"""Browser tests: Playwright (pytest-playwright's `page` fixture) driving Debian's
Chromium at /usr/bin/chromium, never a downloaded browser, against `live_server`.

- Every test in this folder is marked `browser` (`make test-browser` runs them; the
  other stages leave them out with `-m "not browser"`).
- Every test here has the Glasgow partnership loaded in its database, although
  `live_server` tests are transactional and their tables are emptied after each test.
- Chromium missing: the tests skip and say so; under PATHWAYS_REQUIRE_ALL or CI=true
  they fail instead.
- `screenshot(page, name)` saves a full-page PNG as test-artifacts/screenshots/NAME.png
  and runs axe-core on the page (`assert_accessible`): every page a journey looks at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# live_server runs in a thread beside sync Playwright's event loop, which Django would
# otherwise take for async code calling the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"

# RECIPES.md: headless, no sandbox (CI runs as root), and none of the background
# connections this machine's closed network would refuse.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's collection hook sees the whole session's items: mark only this folder's.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _chromium_present() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if REQUIRE_ALL:
            pytest.fail(f"{message}; PATHWAYS_REQUIRE_ALL: a failure, not a skip")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _partnership(_chromium_present: None, config_loaded: None) -> None:
    """The Glasgow configuration, loaded again for each (transactional) browser test."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


# axe-core from npm (package.json), run on every page a journey looks at.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page: Any, name: str) -> None:
    """axe-core's checks (WCAG 2.2 A and AA, and its best practices) find nothing wrong
    with the page as it is now; `name` says which page, in the failure."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"], f"{name}: axe-core ran no checks"
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """screenshot(page, name) -> the path of a full-page PNG of the page as it is now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert_accessible(page, name)
        return path

    return take


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """axe-core is put into each page the journeys look at: the site's own CSP (tested
    in tests/web/test_site_security.py) would refuse the script."""
    return {**browser_context_args, "bypass_csp": True}
