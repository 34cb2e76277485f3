"""What the supply tests share besides fixtures (those are in conftest.py): the roles, request bodies, clients."""

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from members.models import ApiKey
from supply.models import Commitment, SupplyRequest

from ..api_helpers import api_client, key_client
from ..members.factories import make_api_key
from .factories import category

S = SupplyRequest.Status
C = Commitment.Status
TODAY = timezone.localdate

# Every role of the supply pages.
WEB_ROLES = ["secretariat", "org_admin", "org_member", "org_viewer", "supplier_user", "other_fab_user", "anonymous"]
FAB_WRITERS = {"org_admin", "org_member"}

# Every caller of the supply API: the fab `org` (its users and keys), a supplier, another fab, a partner, the
# secretariat, a person without an organisation, nobody.
ROLES = [
    "secretariat",
    "org_admin",
    "org_member",
    "org_viewer",
    "read_key",
    "write_key",
    "supplier_user",
    "supplier_viewer",
    "supplier_key",
    "other_fab_user",
    "partner_key",
    "no_org_user",
    "anonymous",
]
FAB_ROLES = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}
FAB_WRITERS_API = {"org_admin", "org_member", "write_key"}
SUPPLIER_ROLES = {"supplier_user", "supplier_viewer", "supplier_key"}


def supply_client(role: str, request) -> Client:
    """A client acting as `role` (see ROLES), answering in English."""
    if role == "supplier_key":
        _key, raw = make_api_key(request.getfixturevalue("supplier_org"), scope=ApiKey.Scope.WRITE, name=role)
        return key_client(raw)
    if role == "partner_key":
        _key, raw = make_api_key(request.getfixturevalue("partner"), scope=ApiKey.Scope.READ, name=role)
        return key_client(raw)
    return api_client(role, request)


def post(client: Client, path: str, data: dict | None = None, **headers):
    return client.post(path, data or {}, content_type="application/json", headers=headers or None)


def new_request_body(site, /, **overrides) -> dict:
    body = {
        "site": site.pk,
        "category": "photoresist",
        "material": "KrF photoresist",
        "specification": "KrF 248 nm",
        "un_number": "UN1866",
        "storage": "cold-chain",
        "quantity": "50",
        "unit": "L",
        "needed_by": (TODAY() + timedelta(days=20)).isoformat(),
        "days_of_stock": 2,
        "urgency": "critical",
        "justification": "Line 2 stops without it.",
    }
    body.update(overrides)
    return body


def request_form_data(site, /, **changes) -> dict:
    """What the fab's request form posts (the category by id, the action "submit")."""
    data = {
        "category": category("photoresist").pk,
        "material": "ArF photoresist",
        "specification": "ArF immersion, 193 nm",
        "un_number": "UN1866",
        "storage": "cold-chain",
        "quantity": "40",
        "unit": "L",
        "site": site.pk,
        "needed_by": (TODAY() + timedelta(days=5)).isoformat(),
        "days_of_stock": "2",
        "urgency": "critical",
        "justification": "Line 3 stops on Friday.",
        "action": "submit",
    }
    data.update(changes)
    return data


def request_fields(site, **overrides) -> dict:
    fields = {
        "site": site,
        "category": category("photoresist"),
        "material": "KrF photoresist",
        "specification": "KrF 248 nm, 5 µm",
        "un_number": "UN1866",
        "storage": "cold-chain",
        "quantity": Decimal(50),
        "unit": "L",
        "needed_by": timezone.localdate() + timedelta(days=20),
        "days_of_stock": 2,
        "urgency": "critical",
        "justification": "Line 2 stops without it.",
    }
    fields.update(overrides)
    return fields


def snapshot(obj) -> dict:
    """Every stored field of a row, to prove a refused action changed nothing."""
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname != "updated_at"}
