"""Browser security: the Content-Security-Policy (no inline script or style anywhere in the templates), the
Permissions-Policy and the referrer policy on pages and API answers; the API docs' own relaxations."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from dashboard.tiles import COLUMNS, GRID, ROWS

from .api_helpers import login

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_secure(response) -> None:
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "script-src" not in policy and "style-src" not in policy, "scripts and styles: 'self' only"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_page_has_the_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    _assert_secure(response)


def test_an_api_answer_has_the_security_headers(org_admin):
    response = login(org_admin).get("/api/v1/organizations/")

    assert response.status_code == 200
    _assert_secure(response)


def test_an_api_refusal_has_the_security_headers(db):
    response = Client().get("/api/v1/organizations/")

    assert response.status_code == 401
    _assert_secure(response)


def test_the_admin_has_the_strict_policy(client, secretariat):
    client.force_login(secretariat)
    response = client.get("/admin/")

    assert response.status_code == 200
    _assert_secure(response)


def test_swagger_ui_has_the_strict_policy_and_its_script_is_a_file(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    _assert_secure(page)
    assert "<script>" not in page.content.decode()
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_redoc_alone_may_use_inline_styles_and_blob_workers_but_no_inline_script(client):
    policy = _directives(client.get("/api/redoc/")["Content-Security-Policy"])

    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert "script-src" not in policy


# --- no inline script or style in any template ---------------------------------------------------------------------

# Emails are not pages: mail programs drop style sheets, so their templates keep inline styles (no policy applies).
NOT_PAGES = {"templates/emails"}
INLINE = {
    "an inline <script> (give it a src)": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}


def _page_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    found = [path for folder in folders for path in folder.rglob("*.html")]
    return [path for path in found if not any(str(path.relative_to(ROOT)).startswith(skip) for skip in NOT_PAGES)]


def test_templates_are_found_for_the_scan():
    names = {str(path.relative_to(ROOT)) for path in _page_templates()}
    assert "templates/base.html" in names
    assert "templates/donations/_progress.html" in names
    assert not any(name.startswith("templates/emails/") for name in names)


def test_no_template_has_an_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in _page_templates()
        for text in [path.read_text(encoding="utf-8")]
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize("sample", ['<div style="x">', "<script>alert(1)</script>", '<a onclick="x()">', "<style>"])
def test_the_scan_would_see_an_inline_script_or_style(sample):
    assert any(pattern.search(sample) for pattern in INLINE.values())


def test_every_tile_of_the_dashboard_map_has_its_place_in_the_style_sheet():
    css = (ROOT / "dashboard/static/dashboard/dashboard.css").read_text()
    places = {f".dash-cols-{COLUMNS} ", f".dash-rows-{ROWS} "}
    for col, row in GRID.values():
        places |= {f".dash-col-{col} ", f".dash-row-{row} "}
    assert [place for place in places if place not in css] == []


def test_every_progress_width_has_its_class():
    css = (ROOT / "static/css/portal.css").read_text()
    assert all(f".pct-{n} {{ width: {n}%; }}" in css for n in range(101))
