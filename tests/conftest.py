"""Shared fixtures: one organisation with a user per role, another organisation, the secretariat."""

import importlib

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from members.models import Membership, Organisation

from .members.factories import MembershipFactory, OrganisationFactory, UserFactory


def pytest_configure(config):
    # Tasks run in process during tests, even where REDIS_URL is set (CI): only the tests that start a real
    # Celery worker turn this off, for themselves.
    from alliance_portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request):
    """A transactional test may start after another one's flush, which empties the tables the data migrations
    filled (the material categories); seed them again so every test sees what a migrated database holds."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("_django_db_helper")
        importlib.import_module("members.migrations.0002_seed_material_categories").seed(apps, None)


@pytest.fixture(autouse=True)
def _public_dns(monkeypatch):
    """The test machines have no DNS: a host name resolves to a public address (example.com's), as a partner's
    would. Tests of the outbound policy install their own answers (private ones, rebinding)."""
    from alliance_portal import outbound

    monkeypatch.setattr(outbound, "RESOLVER", lambda host, port: ["93.184.216.34"])


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Tests create hundreds of users; the production hasher's deliberate slowness buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(settings):
    """The site in English, whatever the default language: for tests that read the English text."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache holds lockout counters; a test must not inherit another's. Nor the belief that Redis is down, left
    # by a test that pointed the cache at a server that is not there.
    from alliance_portal import cache as portal_cache

    portal_cache._down_until = 0.0
    cache.clear()
    yield
    portal_cache._down_until = 0.0
    cache.clear()


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(
        name_zh="武汉测试晶圆有限公司",
        name_en="Wuhan Test Fab Co.",
        kind=Organisation.Kind.FAB,
        province="hubei",
        city="武汉",
        city_en="Wuhan",
    )


@pytest.fixture
def other_org(db) -> Organisation:
    return OrganisationFactory(name_zh="上海其他材料有限公司", name_en="Shanghai Other Materials Co.")


def _member(org, role):
    return MembershipFactory(organisation=org, role=role).user


@pytest.fixture
def org_admin(org):
    return _member(org, Membership.Role.ADMIN)


@pytest.fixture
def org_member(org):
    return _member(org, Membership.Role.MEMBER)


@pytest.fixture
def org_viewer(org):
    return _member(org, Membership.Role.VIEWER)


@pytest.fixture
def other_user(other_org):
    return _member(other_org, Membership.Role.ADMIN)


@pytest.fixture
def secretariat(db):
    return UserFactory(username="secretariat@example.com", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return _client_for


ROLES = ["secretariat", "org_admin", "org_member", "org_viewer", "other_user", "anonymous"]


@pytest.fixture(params=ROLES)
def role_client(request):
    """(role name, client) for each role in turn: use it to test a view against every role."""
    if request.param == "anonymous":
        return request.param, Client()
    user = request.getfixturevalue(request.param)
    return request.param, _client_for(user)
