"""Schemathesis against the portal's own schema: every operation of `/api/schema/`, loaded from the Django app
(WSGI, in process, no server), called with generated input as a fab's write key, a supplier's write key and the
secretariat's session, with every check schemathesis has on: no 500, and every answer (status, headers, body)
as the schema says.

`make test` runs a few examples per operation and caller (FUZZ_EXAMPLES, 1, besides the cases schemathesis derives
from the schema: its coverage phase, ~13,600 requests per caller); `make fuzz` runs more (200). The world is built
once per module inside a transaction rolled back at the end; each operation runs in its own savepoint. The throttles
count every call against budgets no run reaches (the keys and the session stay cached, as for a partner calling
again and again), and a 401 to a caller that brought no credentials of the case's own fails the test:
the secretariat's session once never reached the server (Werkzeug's client dropped its `Cookie` header).
"""

import os
import secrets
import tempfile

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.transport.requests import prepare_multipart_parts
from schemathesis.transport.serialization import serialize_binary
from schemathesis.transport.wsgi import WSGI_TRANSPORT
from schemathesis.transport.wsgi import multipart_serializer as werkzeug_multipart
from urllib3.filepost import encode_multipart_formdata
from werkzeug.test import Client as WerkzeugClient

from alliance_portal.throttling import AnonRateThrottle, KeyRateThrottle, UserRateThrottle, WriteRateThrottle
from members.models import ApiKey, Membership, Organisation

from .members.factories import MembershipFactory, OrganisationFactory, SiteFactory, UserFactory, make_api_key
from .supply.factories import CommitmentFactory, SupplierFactory, SupplyRequestFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
THROTTLES = (AnonRateThrottle, KeyRateThrottle, UserRateThrottle, WriteRateThrottle)

# Operations where a request the schema allows can still be refused with a 400, for a reason the schema cannot
# state: only here is schemathesis' "schema-valid request accepted" check (positive_data_acceptance) left out; every
# other check (no 5xx, documented status, content type, headers, response body) still runs on them.
_NAMES_RECORDS = (
    "the body names other records (an organisation's slug, a site, a request, a category); the schema cannot say "
    "which exist, and one that does not is a 400 naming the field, as the API contract says"
)
_NAMES_CATEGORIES = (
    "a filter names material categories by code (`category`); the categories are data the secretariat keeps, not a "
    "list the schema can hold, and an unknown code is a 400 naming the parameter"
)
_TITLE_IN_ONE_LANGUAGE = (
    "a notice needs a title in Chinese, English or both: a rule across two fields, each of which may be empty alone"
)
_CREDIT_CODE = (
    "a unified social credit code ends in a check character computed from the other 17 (GB 32100-2015); a code the "
    "check refuses is a 400 naming the field"
)
POSITIVE_MAY_BE_400 = {
    "POST /api/v1/assistance-cases/": _NAMES_RECORDS,
    "POST /api/v1/notices/": _TITLE_IN_ONE_LANGUAGE,
    "POST /api/v1/organizations/": _CREDIT_CODE,
    "POST /api/v1/alert-subscriptions/": _NAMES_RECORDS,
    "POST /api/v1/chat-robots/": _NAMES_RECORDS,
    "POST /api/v1/webhooks/": _NAMES_RECORDS,
    "POST /api/v1/sites/": _NAMES_RECORDS,
    "POST /api/v1/status-reports/": _NAMES_RECORDS,
    "POST /api/v1/pledges/": _NAMES_RECORDS,
    "POST /api/v1/commitments/": _NAMES_RECORDS,
    "POST /api/v1/supply-requests/": _NAMES_RECORDS,
    "GET /api/v1/organizations/": _NAMES_CATEGORIES,
    "GET /api/v1/supply-requests/": _NAMES_CATEGORIES,
}
CALLERS = ["fab_write_key", "supplier_write_key", "secretariat_session"]


class FuzzWorld:
    headers: dict[str, dict[str, str]]


def _build() -> FuzzWorld:
    world = FuzzWorld()
    fab = OrganisationFactory(kind=Organisation.Kind.FAB, province="hubei", city="武汉", city_en="Wuhan")
    supplier = SupplierFactory()
    MembershipFactory(organisation=fab, role=Membership.Role.ADMIN)
    site = SiteFactory(organisation=fab)
    supply_request = SupplyRequestFactory(organisation=fab, site=site)
    CommitmentFactory(request=supply_request, supplier=supplier)
    secretariat = UserFactory(username="fuzz-secretariat@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(secretariat)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header (SessionAuthentication)
    fab_key, fab_raw = make_api_key(fab, scope=ApiKey.Scope.WRITE)
    supplier_key, supplier_raw = make_api_key(supplier, scope=ApiKey.Scope.WRITE)
    world.headers = {
        "fab_write_key": {"Authorization": f"Bearer {fab_raw}"},
        "supplier_write_key": {"Authorization": f"Bearer {supplier_raw}"},
        "secretariat_session": {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
        },
    }
    return world


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    media = tempfile.TemporaryDirectory()
    # The checks' probes send invalid keys on purpose; the lockout they would earn the test address (it has its own
    # tests, tests/test_api_auth.py) must not turn the callers' valid keys away.
    overridden = override_settings(MEDIA_ROOT=os.path.join(media.name, "media"), API_KEY_FAILURE_LIMIT=10**9)
    overridden.enable()
    # Tens of thousands of calls per caller must not turn into 429s: the throttles keep counting (their code runs on
    # every call, as for a partner), against budgets no run reaches (tests/test_api_throttling.py tests the rates).
    rates = dict.fromkeys(("anon", "key", "user", "write"), "1000000000/minute")
    saved_rates = {throttle: throttle.THROTTLE_RATES for throttle in THROTTLES}
    for throttle in THROTTLES:
        throttle.THROTTLE_RATES = rates
    # The WSGI handler closes the connection after each request (close_old_connections); Django's test client
    # stops that, and so must we, or the first request would end the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            overridden.disable()
            for throttle, saved in saved_rates.items():
                throttle.THROTTLE_RATES = saved
            media.cleanup()


@WSGI_TRANSPORT.serializer("multipart/form-data")
def multipart_as_clients_send_it(ctx, value):
    """A form body encoded as HTTP clients (requests, curl) encode it. Werkzeug's encoder, which schemathesis' WSGI
    transport uses, leaves out the line break that ends an empty field, so Django reads `organization=""` as no
    field at all, and the check would judge a body the server never received."""
    if not isinstance(value, dict):
        return werkzeug_multipart(ctx, value)
    files, data = prepare_multipart_parts(ctx, value)
    fields: list = [
        (name, item if isinstance(item, str | bytes) else str(item))
        for name, values in (data or {}).items()
        for item in (values if isinstance(values, list) else [values])
    ]
    for name, part in files or []:
        filename, content, *rest = part if isinstance(part, tuple) else (name, part)
        if not isinstance(content, str | bytes):
            content = serialize_binary(content) if filename is not None else str(content)
        # Without a filename (and content type) a part is a plain form field, as requests sends it.
        fields.append((name, content if filename is None and not rest else (filename, content, *rest[:1])))
    body, content_type = encode_multipart_formdata(fields)
    return {"data": body, "content_type": content_type}


# Loaded when the module is collected: the schema view needs no database. (schemathesis' lazy `from_fixture`
# loading does not work with pytest 9: it sets a node attribute pytest no longer has.)
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


class HeaderCookiesClient(WerkzeugClient):
    """Werkzeug's test client replaces a `Cookie` header with the cookies of its own jar (none, unless the case
    carries one): the secretariat's session would never reach the server, every answer a 401. This one keeps the
    header, after the jar's cookies so that the caller's own session wins over a generated one."""

    def _add_cookies_to_wsgi(self, environ):
        given = environ.get("HTTP_COOKIE")
        super()._add_cookies_to_wsgi(environ)
        if given:
            environ["HTTP_COOKIE"] = "; ".join(filter(None, [environ.get("HTTP_COOKIE"), given]))


client = HeaderCookiesClient(application)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, db, fuzz_world):
    # Each generated request is sent by every caller (the failure's curl line shows whose headers it carried).
    excluded = [positive_data_acceptance] if case.operation.label in POSITIVE_MAY_BE_400 else []
    for caller in CALLERS:
        response = case.call_and_validate(session=client, headers=fuzz_world.headers[caller], excluded_checks=excluded)
        # Every caller carries valid credentials: a 401 means they did not reach the server (unless the case brought
        # credentials of its own, generated and invalid, which the server rightly refuses).
        own_credentials = "Authorization" in (case.headers or {}) or settings.SESSION_COOKIE_NAME in (
            case.cookies or {}
        )
        assert own_credentials or response.status_code != 401, f"{caller} was not recognised ({case.operation.label})"
