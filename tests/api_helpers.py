"""Clients for the API tests: every role of tests/conftest.py, plus API keys and a user without an organisation."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members.models import ApiKey

from .members.factories import UserFactory, make_api_key

# Own-organisation roles see `org`'s private records; the others do not.
API_ROLES = [
    "secretariat",
    "org_admin",
    "org_member",
    "org_viewer",
    "read_key",
    "write_key",
    "other_user",
    "no_org_user",
    "anonymous",
]
OWN_ORG_ROLES = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}


# Messages are compared in English; the portal's default language is Chinese.
ENGLISH = {"Accept-Language": "en"}


def login(user) -> Client:
    client = Client(headers=ENGLISH)
    client.force_login(user)
    return client


def key_client(raw_key: str) -> Client:
    return Client(headers={**ENGLISH, "Authorization": f"Bearer {raw_key}"})


def api_client(role: str, request) -> Client:
    """A client acting as `role`; API keys belong to the `org` fixture."""
    request.getfixturevalue("db")
    if role == "anonymous":
        return Client(headers=ENGLISH)
    if role in ("read_key", "write_key"):
        scope = ApiKey.Scope.WRITE if role == "write_key" else ApiKey.Scope.READ
        _key, raw = make_api_key(request.getfixturevalue("org"), scope=scope, name=role)
        return key_client(raw)
    return login(UserFactory() if role == "no_org_user" else request.getfixturevalue(role))


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)
