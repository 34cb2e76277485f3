"""The v1 contract of every API list, pinned: the exact keys (and nested keys) of each row, per kind of caller.

Lists are served flat and cheap (docs/architecture.md, "API lists"); this test says the shape a partner reads did not
change with it. The pinned shapes are in tests/api_list_shapes.json, written from main before the lists were made
flat. A deliberate change of the contract rewrites the file: `PIN_API_SHAPES=1 pytest tests/test_api_list_shapes.py`,
and the diff shows the change in review.
"""

import json
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from alliance_portal import flat as alliance_flat
from members.models import ApiKey, Organisation
from notices.alerts.models import ChatRobot, Subscription, WebhookEndpoint

from .api_helpers import ENGLISH, key_client, query_count
from .donations.factories import make_appeal
from .members.factories import make_api_key

PINNED = Path(__file__).with_name("api_list_shapes.json")

LISTS = [
    "organizations",
    "sites",
    "risk-areas",
    "material-categories",
    "supply-requests",
    "commitments",
    "appeals",
    "pledges",
    "shipments",
    "notices",
    "webhooks",
    "alerts",
    "chat-robots",
    "alert-subscriptions",
    "status-reports",
    "assistance-cases",
]
# Demo logins (members/demo_data.json) of each kind of caller, and a read key of a fab and of a supplier.
USERS = ["secretariat", "ymtc-admin", "ymtc-viewer", "supplier-admin", "gas-admin", "shunda-carrier"]
KEYS = {"ymtc-key": "ymtc", "supplier-key": "guanghui-pr"}


def paths(value, prefix: str = "") -> list[str]:
    """Every key path under `value`: `site.id`, `priority_parts[].label`; a null or a scalar ends its path."""
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.append(prefix + key)
            found.extend(paths(item, f"{prefix}{key}."))
        return found
    if isinstance(value, list):
        found = []
        for item in value:
            found.extend(paths(item, prefix.rstrip(".") + "[]."))
        return found
    return []


def row_shapes(rows: list[dict]) -> list[list[str]]:
    """The distinct shapes of a page's rows (a null relation or a private part is a shape of its own)."""
    return sorted({tuple(sorted(set(paths(row)))) for row in rows}, key=lambda shape: (len(shape), shape))  # type: ignore[return-value]


def envelope_and_shapes(client: Client, name: str) -> dict:
    response = client.get(f"/api/v1/{name}/", {"page_size": 200})
    assert response.status_code == 200, (name, response.content[:300])
    body = response.json()
    return {"envelope": sorted(body), "rows": [list(shape) for shape in row_shapes(body["results"])]}


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet-logins")
    # What the demo does not make: a fab's outbound channels and one of its subscriptions.
    ymtc = Organisation.objects.get(slug="ymtc")
    for index in range(2):
        WebhookEndpoint.objects.create(
            organisation=ymtc, url=f"https://erp.example.com/hook{index}", event_types=["notice.published"]
        )
        ChatRobot.objects.create(
            organisation=ymtc, kind="feishu", url=f"https://open.feishu.cn/open-apis/bot/v2/{index}"
        )
    make_appeal(title_en="A second appeal")  # the demo has one: a query per appeal would not show
    for channel in ("email", "webhook"):
        Subscription.objects.create(organisation=ymtc, event_type="notice.published", channel=channel, enabled=False)


def callers() -> dict[str, Client]:
    found: dict[str, Client] = {}
    for username in USERS:
        client = Client(headers=ENGLISH)
        client.force_login(get_user_model().objects.get(username=username))
        found[username] = client
    for caller, slug in KEYS.items():
        _key, raw = make_api_key(Organisation.objects.get(slug=slug), scope=ApiKey.Scope.READ, name=caller)
        found[caller] = key_client(raw)
    return found


def shapes_now() -> dict:
    clients = callers()
    return {name: {caller: envelope_and_shapes(client, name) for caller, client in clients.items()} for name in LISTS}


def test_every_list_row_keeps_its_keys(demo):
    found = shapes_now()
    if os.environ.get("PIN_API_SHAPES"):
        PINNED.write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    pinned = json.loads(PINNED.read_text())
    for name in LISTS:
        for caller, shape in pinned[name].items():
            assert found[name][caller] == shape, (name, caller)


def test_the_demo_fills_every_list_the_shapes_are_pinned_on(demo):
    """A list pinned empty would pin nothing: each has rows for at least one caller."""
    pinned = json.loads(PINNED.read_text())
    empty = [name for name in LISTS if not any(shape["rows"] for shape in pinned[name].values())]
    assert not empty


def test_every_list_answers_what_drf_itself_would(demo, monkeypatch):
    """The flat rows (alliance_portal.flat) are DRF's own, value for value, for every kind of caller; and every
    list's serializer compiles (none falls back to DRF's path)."""
    compiled = []
    alliance_flat._plans.__dict__.clear()  # compile afresh (plans are kept per thread)
    real_compile = alliance_flat.compile_serializer

    def recording(serializer):
        row = real_compile(serializer)
        compiled.append((type(serializer).__name__, row is not None))
        return row

    monkeypatch.setattr(alliance_flat, "compile_serializer", recording)
    for caller, client in callers().items():
        for name in LISTS:
            flat = client.get(f"/api/v1/{name}/", {"page_size": 200}).json()
            monkeypatch.setattr(alliance_flat, "ENABLED", False)
            drf = client.get(f"/api/v1/{name}/", {"page_size": 200}).json()
            monkeypatch.setattr(alliance_flat, "ENABLED", True)
            assert flat == drf, (name, caller)
    assert compiled
    assert not [name for name, ok in compiled if not ok]


# A key's page: the page's rows and at most one more (a prefetch); a session's: the user and its membership too
# (the session itself is read from the cache). The once-a-minute last-used note of a key is outside the count: each
# client has made its first request before it is counted.
MAX_QUERIES = {"key": 2, "session": 3}
# Not there yet (one query over): an appeal's progress is two grouped queries (items and money), a shipment's
# checkpoints and its pledge's lines two prefetches. Small lists (a few appeals, one shipment a pledge).
ONE_OVER = {"appeals", "shipments"}
# `shipments` is one list of two kinds (pledges' and commitments' shipments, dashboard/api.py): a page is one UNION of
# keys, then each kind present on it is read with its checkpoints (and a pledge's lines). A page with one kind costs
# less than a page with both, so its count is checked against the most a page of both kinds may cost, never against
# the number of rows: at most three queries more than a one-kind list.
TWO_KINDS = {"shipments": 3}


def test_every_list_costs_the_same_few_queries_with_one_row_or_many(demo):
    counted = {}
    for caller, client in callers().items():
        for name in LISTS:
            url = f"/api/v1/{name}/"
            client.get(url)
            small = query_count(client, f"{url}?page_size=1")
            big = query_count(client, f"{url}?page_size=200")
            rows = len(client.get(url, {"page_size": 200}).json()["results"])
            counted[(name, caller)] = (small, big, rows)
    too_many = {
        key: value
        for key, value in counted.items()
        if (value[1] != value[0] and key[0] not in TWO_KINDS)
        or value[0] > value[1]
        or value[1]
        > MAX_QUERIES["key" if key[1] in KEYS else "session"] + (key[0] in ONE_OVER) + TWO_KINDS.get(key[0], 0)
    }
    assert not too_many  # (list, caller): (queries with one row, with a page of 200, rows)
    # Each list shows several rows to somebody, so that a query per row would show.
    for name in LISTS:
        assert max(rows for (list_name, _caller), (_s, _b, rows) in counted.items() if list_name == name) >= 2, name
