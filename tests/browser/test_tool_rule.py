"""The browser tests' rule for a missing chromium or playwright: skipped with the reason outside CI, a failed run
in CI. Runs without a browser (these tests are not marked `browser`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import browser_tests_decision, missing_browser_tool

MISSING_PATH = "/nonexistent/chromium-for-this-test"


def test_a_missing_chromium_is_named():
    assert missing_browser_tool(MISSING_PATH) == (
        f"{MISSING_PATH} not found (install Debian's chromium package, or set CHROMIUM_PATH)"
    )


@pytest.mark.parametrize("ci", ["true", "TRUE", "True"])
def test_in_ci_a_missing_chromium_fails_the_run_naming_it(ci):
    action, reason = browser_tests_decision(missing_browser_tool(MISSING_PATH), {"CI": ci})
    assert action == "fail"
    assert MISSING_PATH in reason and "CI" in reason


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_outside_ci_a_missing_chromium_skips_with_the_reason(environ):
    action, reason = browser_tests_decision(missing_browser_tool(MISSING_PATH), environ)
    assert action == "skip"
    assert (
        reason
        == f"browser tests skipped: {MISSING_PATH} not found (install Debian's chromium package, or set CHROMIUM_PATH)"
    )


@pytest.mark.parametrize("environ", [{}, {"CI": "true"}])
def test_with_every_tool_present_the_tests_run(environ):
    assert browser_tests_decision(None, environ) == ("run", "")


def _run_pytest_on_one_browser_test(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    """pytest in a subprocess, on a folder holding this conftest and one browser-marked test, chromium missing."""
    (tmp_path / "conftest.py").write_text(Path(__file__).with_name("conftest.py").read_text())
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: drives headless Chromium\n")
    (tmp_path / "test_one.py").write_text(
        "import pytest\n\n\n@pytest.mark.browser\ndef test_needs_a_browser():\n    pass\n"
    )
    env = {**os.environ, "CHROMIUM_PATH": MISSING_PATH, "CI": ci}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-rs", str(tmp_path)]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_in_ci_the_collection_hook_stops_the_run_naming_the_missing_browser(tmp_path):
    result = _run_pytest_on_one_browser_test(tmp_path, ci="true")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert f"browser tests cannot run in CI: {MISSING_PATH} not found" in result.stderr
    assert "skipped" not in result.stdout


def test_outside_ci_the_collection_hook_skips_the_browser_test_printing_why(tmp_path):
    result = _run_pytest_on_one_browser_test(tmp_path, ci="")
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert f"browser tests skipped: {MISSING_PATH} not found" in result.stdout
