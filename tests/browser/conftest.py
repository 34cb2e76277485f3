"""Headless Chromium through Playwright, against the live test server.

Playwright cannot download its own browser here, so the tests drive Debian's chromium. Where it (or playwright)
is missing and `make test` could not install it, these tests are skipped with the reason printed -- except in CI
(`CI=true`), where a missing tool fails the run instead, naming what is missing: CI must never pass by skipping
the browser tests (the real-worker test in tests/notices/test_worker.py does the same for Redis).
"""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parents[2] / "test-output"))

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def missing_browser_tool(chromium: str = CHROMIUM) -> str | None:
    """What the browser tests need and this machine lacks, in words; None when chromium and playwright are there."""
    if not (os.path.exists(chromium) or shutil.which(chromium)):
        return f"{chromium} not found (install Debian's chromium package, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "playwright is not installed (make test installs requirements-dev.txt)"
    return None


def browser_tests_decision(missing: str | None, environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """("run", ""), ("skip", reason) outside CI, or ("fail", reason) when CI=true: CI never skips them silently."""
    if missing is None:
        return "run", ""
    if environ.get("CI", "").lower() == "true":
        return "fail", f"browser tests cannot run in CI: {missing}. CI must run them; install it or fix the image."
    return "skip", f"browser tests skipped: {missing}"


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    action, reason = browser_tests_decision(missing_browser_tool())
    if action == "run":
        return
    if action == "fail":
        raise pytest.UsageError(reason)
    print(f"\n{reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


# What the Content-Security-Policy blocked during the current test, in any page of any context (Chromium reports each
# block in the console).
CSP_VIOLATIONS: list[str] = []


def _note_csp_violation(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.text} ({message.location.get('url', '')})")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        new_context = browser.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.on("console", _note_csp_violation)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Every browser test also proves that its pages break no rule of the Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


PASSWORD = "correct-horse-battery"  # the password tests/members/factories.UserFactory gives every user


@pytest.fixture
def sign_in(live_server):
    """Signs a user in through the login page, in English, as a person would."""

    def _sign_in(page, username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email or user name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("You are signed in.").wait_for()
        # The text shows before the scripts at the end of the page have run (the menu's toggle among them): on a
        # busy machine a click on "Menu" could come first and open nothing.
        page.wait_for_load_state("load")

    return _sign_in
