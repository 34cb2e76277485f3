"""The OpenAPI schema and the interactive docs, served from our own static files (no CDN)."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client, override_settings

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
ABSOLUTE = re.compile(r"""(?:https?:)?//[a-z0-9.-]+""", re.IGNORECASE)


# Tests run with DEBUG off and nothing collected: let WhiteNoise find the files as `make run` does.
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_use_only_local_assets_and_they_are_served(path, db):
    client = Client()

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert assets, "the page loads its viewer from somewhere"
    # Swagger UI's start script comes from the page's own address (`?script`): no inline script (CSP).
    assert all(url.startswith("/static/") or url == f"{path}?script=" for url in assets), assets
    assert not ABSOLUTE.findall(html.replace("/api/schema/", "")), "no script, style or call to another host"
    for url in assets:
        served = client.get(url)
        assert served.status_code == 200, url
        assert b"".join(served.streaming_content if served.streaming else [served.content])


def test_swagger_ui_does_not_call_the_online_validator(db):
    script = Client().get("/api/docs/?script").content.decode()

    assert '"validatorUrl": null' in script


def test_schema_describes_the_resources_and_bearer_auth(db):
    response = Client().get("/api/schema/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for resource in ("organizations", "sites", "risk-areas", "material-categories"):
        assert f"/api/v1/{resource}/" in paths
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Partner API key",
    }
    create_site = paths["/api/v1/sites/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create_site["parameters"]]
    assert create_site["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Site")
    update_org = paths["/api/v1/organizations/{slug}/"]["patch"]
    assert "If-Match" in [p["name"] for p in update_org["parameters"]]
    assert "ETag" in update_org["responses"]["200"]["headers"]
    assert "delete" not in paths["/api/v1/sites/{id}/"]
    organisation = schema["components"]["schemas"]["Organization"]
    assert "credit_code" in organisation["properties"]
    assert "credit_code" not in organisation["required"]  # absent on other organisations


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "/api/v1/organizations/" in (tmp_path / "schema.yml").read_text()
