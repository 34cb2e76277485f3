"""The permission matrix: every page and endpoint of the URL configuration × every role × method → the status class
the rules promise (tests/permission_matrix_table.py). Generated from the URL resolver and the API router, so a new
URL without an entry in the table fails `test_every_url_has_an_entry`, naming it.

The world is built once per module (one record of each kind owned by the tested organisation, a fab) inside a
transaction that is rolled back at the end; every request runs in its own savepoint, so a write of one request is
never seen by the next. One request per (URL, role, method).

Status classes: `ok` (2xx, or a redirect that is not to a sign-in page), `login` (a redirect to the sign-in page or
the admin's), otherwise the status code itself (`401`, `403`, `404`, `405`, `400`, `409`...).
"""

import os
import tempfile

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alliance_portal.api_urls import router
from assistance.models import AssistanceCase
from members import services as member_services
from members.models import ApiKey, Membership, Organisation
from notices.alerts.models import Alert, ChatRobot, Event, Subscription, WebhookEndpoint
from notices.models import Notice, NoticeAttachment
from supply.models import Commitment, SupplyRequest
from supply.models import Shipment as CommitmentShipment

from .donations.factories import advance, goods_pledge, make_appeal
from .members.factories import (
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RiskAreaFactory,
    SiteFactory,
    UserFactory,
    make_api_key,
)
from .members.factories_reports import StatusReportFactory
from .notices.factories import make_notice
from .permission_matrix_table import EXPECTED, ROLES
from .supply.factories import CommitmentFactory, SupplierCapacityFactory, SupplierFactory, SupplyRequestFactory

# Framework URLs left out on purpose: the admin's internals (the admin index is tested per role instead: every other
# admin page sits behind the same `admin_view` check), the language switch (a public form post), and the patterns
# without a name (the admin's catch-all and object redirects, the media files served only with DEBUG).
EXCLUDED_PREFIXES = ("admin:",)
EXCLUDED_NAMES = {"set_language"}
INCLUDED_DESPITE_PREFIX = {"admin:index"}

WEB_METHODS = ("GET", "POST")


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _api_methods(name: str) -> list[str]:
    """The methods the router maps for an API URL name (`supply-request-detail` → GET, PUT, PATCH, DELETE...)."""
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            if route.name.format(basename=basename) == name:
                return sorted(m.upper() for m, action in route.mapping.items() if hasattr(viewset, action))
    return ["GET"]  # the API root and the stats document


API_NAMES = {
    route.name.format(basename=basename)
    for _prefix, viewset, basename in router.registry
    for route in router.get_routes(viewset)
} | {"api-root", "stats"}


def _pattern_args(pattern: URLPattern) -> list[str]:
    return [n for n in pattern.pattern.regex.groupindex if n != "format"]


def _patterns() -> dict[str, list[str]]:
    """URL name → its arguments, the first pattern of each name (the router's `.json` twins share the name)."""
    seen: dict[str, list[str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name in EXCLUDED_NAMES or name in seen:
            continue
        if name.startswith(EXCLUDED_PREFIXES) and name not in INCLUDED_DESPITE_PREFIX:
            continue
        seen[name] = _pattern_args(pattern)
    return seen


def methods_for(name: str) -> list[str]:
    if name in API_NAMES:
        return _api_methods(name)
    if name == "admin:index":
        return ["GET"]
    return list(WEB_METHODS)


PATTERNS = _patterns()
CELLS = [(name, method) for name in PATTERNS for method in methods_for(name)]


# URL arguments, by name, taken from the world (attribute names of `World`).
ARGS = {
    "accept_invitation": {"token": "invitation_token"},
    "password_reset_confirm": {"uidb64": "reset_uid", "token": "reset_token"},
    "members:site_edit": {"pk": "site"},
    "members:contact_edit": {"pk": "contact"},
    "members:contact_delete": {"pk": "contact"},
    "members:invitation_revoke": {"pk": "invitation"},
    "members:membership_role": {"pk": "viewer_membership"},
    "members:membership_remove": {"pk": "viewer_membership"},
    "members:report_detail": {"pk": "report"},
    "members:report_edit": {"pk": "report"},
    "members:directory_detail": {"slug": "org_slug"},
    "supply:commitment_accept": {"request_pk": "supply_request", "pk": "commitment"},
    "supply:commitment_decline": {"request_pk": "supply_request", "pk": "commitment"},
    "supply:commitment_deliver": {"request_pk": "supply_request", "pk": "commitment"},
    "supply:commitment_withdraw": {"pk": "commitment"},
    "supply:commitment_ship": {"pk": "commitment"},
    "supply:commitment_detail": {"pk": "carried_commitment"},
    "supply:commitment_carrier": {"pk": "carried_commitment"},
    "supply:capacity_confirm": {"pk": "capacity"},
    "supply:secretariat_commitment_accept": {"request_pk": "supply_request", "pk": "commitment"},
    "supply:secretariat_commitment_decline": {"request_pk": "supply_request", "pk": "commitment"},
    "notices:attachment": {"pk": "notice", "attachment_pk": "attachment"},
    "dashboard:chart_csv": {"key": "chart_key"},
    "supply:secretariat_export": {"file_format": "export_format"},
    "donations:pledge_create": {"appeal_pk": "appeal"},
    "donations:certificate_verify": {"number": "certificate_number"},
    "organization-detail": {"slug": "org_slug"},
    "material-category-detail": {"code": "category_code"},
    "alert-detail": {"delivery_id": "alert_delivery_id"},
}
# The rest take `pk`: the record of the kind the URL is about.
PK_BY_PREFIX = {
    "supply:request_": "supply_request",
    "supply:qualification_add": "supply_request",
    "supply:supplier_request": "supply_request",
    "supply:secretariat_": "supply_request",
    "notices:": "notice",
    "start_acknowledge": "notice",
    "assistance:": "case",
    "donations:appeal_": "appeal",
    "donations:pledge_": "pledge",
    "donations:shipment_": "shipment",
    "site-": "site",
    "risk-area-": "risk_area",
    "supply-request-": "supply_request",
    "commitment-shipment-": "commitment_shipment",
    "commitment-": "commitment",
    "appeal-": "appeal",
    "pledge-": "pledge",
    "shipment-": "shipment",
    "notice-": "notice",
    "webhook-": "webhook",
    "chat-robot-": "robot",
    "alert-subscription-": "subscription",
    "status-report-": "report",
    "assistance-case-": "case",
}


def _kwargs(name: str, pattern_args: list[str], world) -> dict:
    explicit = ARGS.get(name, {})
    kwargs = {}
    for arg in pattern_args:
        if arg == "format":
            continue
        attr = explicit.get(arg)
        if attr is None and arg == "pk":
            attr = next(value for prefix, value in PK_BY_PREFIX.items() if name.startswith(prefix))
        if attr is None:
            raise LookupError(f"{name}: no value for the URL argument {arg!r}; add it to ARGS")
        value = getattr(world, attr)
        kwargs[arg] = getattr(value, "pk", value)
    return kwargs


def url_for(name: str, world) -> str:
    return reverse(name, kwargs=_kwargs(name, PATTERNS[name], world))


class World:
    """One record of each kind, owned by the tested organisation `org` (a fab) where it can own one."""


def _build_world() -> World:
    w = World()
    w.org = OrganisationFactory(
        kind=Organisation.Kind.FAB, province="hubei", city="武汉", city_en="Wuhan", name_en="Matrix Fab"
    )
    w.org_slug = w.org.slug
    w.other_org = OrganisationFactory(name_en="Matrix Other")
    w.supplier = SupplierFactory(name_en="Matrix Supplier")
    users = {
        "secretariat": UserFactory(username="matrix-secretariat@example.com", is_staff=True, is_superuser=True),
        "org_admin": MembershipFactory(organisation=w.org, role=Membership.Role.ADMIN).user,
        "org_member": MembershipFactory(organisation=w.org, role=Membership.Role.MEMBER).user,
        "org_viewer": MembershipFactory(organisation=w.org, role=Membership.Role.VIEWER).user,
        "other_admin": MembershipFactory(organisation=w.other_org, role=Membership.Role.ADMIN).user,
    }
    w.users = users
    w.viewer_membership = Membership.objects.get(user=users["org_viewer"])
    w.sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    w.sessions["suspended_admin"] = w.sessions["org_admin"]
    w.keys = {
        "read_key": make_api_key(w.org, scope=ApiKey.Scope.READ, name="matrix read")[1],
        "write_key": make_api_key(w.org, scope=ApiKey.Scope.WRITE, name="matrix write")[1],
    }

    w.site = SiteFactory(organisation=w.org)
    w.contact = ContactFactory(organisation=w.org)
    w.invitation = InvitationFactory(organisation=w.org, invited_by=users["org_admin"])
    w.invitation_token = member_services.invitation_token(w.invitation)
    w.reset_uid = urlsafe_base64_encode(force_bytes(users["org_member"].pk))
    w.reset_token = default_token_generator.make_token(users["org_member"])
    w.report = StatusReportFactory(organisation=w.org, filed_by=users["org_member"])
    w.risk_area = RiskAreaFactory()
    w.category_code = "photoresist"
    w.export_format = "xlsx"

    w.supply_request = SupplyRequestFactory(
        organisation=w.org, site=w.site, status=SupplyRequest.Status.APPROVED, created_by=users["org_member"]
    )
    w.commitment = CommitmentFactory(request=w.supply_request, supplier=w.supplier)
    w.capacity = SupplierCapacityFactory(supplier=w.supplier)
    # An accepted commitment to `org`'s request, carried by a logistics member (not `org`).
    w.carried_commitment = CommitmentFactory(
        request=w.supply_request, supplier=w.supplier, status=Commitment.Status.ACCEPTED
    )
    w.commitment_shipment = CommitmentShipment.objects.create(
        commitment=w.carried_commitment,
        carrier=OrganisationFactory(kind=Organisation.Kind.LOGISTICS, name_en="Matrix Carrier"),
        tracking_number="MX-1",
        un_number="UN1866",
    )

    w.notice = make_notice(audience_kind=Notice.Audience.ORGANISATIONS, organisations=[w.org], title_en="Matrix")
    w.attachment = NoticeAttachment(notice=w.notice, name="plan.pdf", content_type="application/pdf", size=9)
    w.attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    w.chart_key = "requests"

    w.case = AssistanceCase.objects.create(kind="logistics", description="Trucks cannot enter.", organisation=w.org)

    w.appeal = make_appeal()
    pledge = goods_pledge(w.org, w.appeal)
    w.pledge = advance(pledge, "acknowledged")
    w.certificate_number = w.pledge.certificate_number
    w.shipment = w.pledge.shipment if hasattr(w.pledge, "shipment") else w.pledge.shipments.first()

    w.webhook = WebhookEndpoint.objects.create(organisation=w.org, url="https://erp.matrix.example/hook")
    w.robot = ChatRobot.objects.create(organisation=w.org, kind="wecom", url="https://qyapi.weixin.qq.com/x?key=1")
    w.subscription = Subscription.objects.create(organisation=w.org, event_type="notice.published", channel="email")
    event = Event.objects.create(name="notice.published", payload={"title": "Matrix"})
    w.alert = Alert.objects.create(event=event, organisation=w.org, channel="webhook", webhook=w.webhook)
    w.alert_delivery_id = w.alert.delivery_id
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    media = tempfile.TemporaryDirectory()
    overridden = override_settings(MEDIA_ROOT=os.path.join(media.name, "media"), LANGUAGE_CODE="en")
    overridden.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overridden.disable()
            media.cleanup()


def client_as(role: str, world) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    elif role in world.keys:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.keys[role]}"
    return client


LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def status_class(response) -> str:
    code = response.status_code
    if 300 <= code < 400:
        return "login" if response["Location"].split("?")[0].endswith(LOGIN_PATHS) else "ok"
    if 200 <= code < 300:
        return "ok"
    return str(code)


def request(client: Client, method: str, url: str, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, "{}", content_type="application/json")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def test_every_url_has_an_entry():
    missing = [f"{name} {method}" for name, method in CELLS if f"{name} {method}" not in EXPECTED]
    assert not missing, "new URL without an entry in tests/permission_matrix_table.py:\n" + "\n".join(missing)
    unknown = sorted(set(EXPECTED) - {f"{name} {method}" for name, method in CELLS})
    assert not unknown, "entries for URLs that no longer exist:\n" + "\n".join(unknown)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method", CELLS, ids=[f"{n} {m}" for n, m in CELLS])
def test_permission_matrix(db, world, name, method, role):
    entry = EXPECTED.get(f"{name} {method}")
    if entry is None and not os.environ.get("MATRIX_RECORD"):
        pytest.fail(f"new URL without an entry: {name} {method}")
    expected = dict(zip(ROLES, (entry or " ".join("?" * len(ROLES))).split(), strict=True))[role]
    if role == "suspended_admin":
        Organisation.objects.filter(pk=world.org.pk).update(status=Organisation.Status.SUSPENDED)
    url = url_for(name, world)
    response = request(client_as(role, world), method, url, api=name in API_NAMES)
    got = status_class(response)
    if os.environ.get("MATRIX_RECORD"):
        with open(os.environ["MATRIX_RECORD"], "a") as out:
            out.write(f"{name}\t{method}\t{role}\t{got}\t{response.status_code}\n")
        return
    assert got == expected, f"{method} {url} as {role}: expected {expected}, got {response.status_code}"
