"""The member registry of the demo alliance: organisations, sites, contacts, risk areas, secretariat contacts and
the demo users. The data is in members/demo_data.json; this module reads it and writes it, idempotently.

`python manage.py seed_demo` calls `seed_members()` first, then every seeder the other apps registered
(alliance_portal.demo). Running it again creates nothing and changes nothing that is already as the file says; a
demo password someone changed is set back, so the printed logins always work.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from .models import Contact, MaterialCategory, Membership, Organisation, RiskArea, SecretariatContact, Site
from .validators import CREDIT_CODE_ALPHABET, credit_code_check_character

DATA_FILE = Path(__file__).with_name("demo_data.json")
JOINED_DAYS_AGO = 900  # members (not applicants) joined the alliance this long before the day of seeding
CREDIT_SERIAL_BASE = 7_000_000
CREDIT_SERIAL_STEP = 7919

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    organisation: str | None  # slug; None: the secretariat's staff user
    role: str | None
    name: str

    def describe(self) -> str:
        if self.organisation is None:
            return "secretariat (staff, admin site)"
        return f"{self.role} of {self.organisation}"


def demo_credit_code(region: str, serial: int) -> str:
    """A made-up but valid code: 91 (enterprise), a 6-digit region code, a 9-character serial, the check."""
    body = ""
    for _ in range(9):
        body = CREDIT_CODE_ALPHABET[serial % 31] + body
        serial //= 31
    first17 = "91" + region + body
    return first17 + credit_code_check_character(first17)


@cache
def demo_data(path: Path = DATA_FILE) -> dict[str, Any]:
    """The data file, checked against the models' choices so a typo fails here rather than half-way through."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    for spec in data["organisations"]:
        Organisation.Kind(spec["kind"])
        Organisation.Status(spec.get("status", Organisation.Status.ACTIVE))
        for site in spec.get("sites", []):
            Site.Kind(site["kind"])
    for user in data["users"]:
        if user["organisation"] is not None:
            Membership.Role(user["role"])
    return data


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(**user) for user in demo_data()["users"]]


def upsert(model: type[M], defaults: dict[str, Any], **lookup: Any) -> tuple[M, bool]:
    """update_or_create that saves only when something differs, so a re-run adds no history rows."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **defaults), True
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save()
    return obj, False


def seed_members() -> int:
    """Writes the member registry of the demo alliance; returns how many rows it created."""
    data = demo_data()
    organisations, created = _seed_organisations(data["organisations"])
    created += _seed_risk_areas(data["risk_areas"])
    created += _seed_secretariat_contacts(data["secretariat_contacts"])
    created += _seed_users(demo_logins(), organisations)
    return created


def _seed_organisations(specs: list[dict[str, Any]]) -> tuple[dict[str, Organisation], int]:
    created = 0
    today = timezone.localdate()
    categories = {c.code: c for c in MaterialCategory.objects.all()}
    organisations: dict[str, Organisation] = {}
    # The serial is the organisation's place in the file: it makes the credit code, so the order must not change.
    for serial, spec in enumerate(specs, start=1):
        status = spec.get("status", Organisation.Status.ACTIVE)
        org, new = upsert(
            Organisation,
            slug=spec["slug"],
            defaults={
                "name_zh": spec["name_zh"],
                "name_en": spec["name_en"],
                "credit_code": demo_credit_code(spec["region"], CREDIT_SERIAL_BASE + serial * CREDIT_SERIAL_STEP),
                "kind": spec["kind"],
                "status": status,
                "province": spec["province"],
                "city": spec["city"],
                "city_en": spec["city_en"],
                "address": spec.get("address", ""),
                "description_zh": spec.get("description_zh", ""),
                "description_en": spec.get("description_en", ""),
                "priority_guarantee": spec.get("priority_guarantee", False),
                "joined_on": None if status == Organisation.Status.PENDING else today - timedelta(days=JOINED_DAYS_AGO),
            },
        )
        created += new
        org.categories_supplied.set([categories[code] for code in spec.get("supplies", [])])
        org.categories_consumed.set([categories[code] for code in spec.get("consumes", [])])
        for site in spec.get("sites", []):
            _site, new = upsert(
                Site,
                organisation=org,
                name_zh=site["name_zh"],
                defaults={key: site[key] for key in ("name_en", "kind", "province", "city", "city_en")},
            )
            created += new
        for index, contact in enumerate(spec.get("contacts", [])):
            _contact, new = upsert(
                Contact,
                organisation=org,
                name=contact["name"],
                defaults={
                    "title": contact["title"],
                    "mobile": contact["mobile"],
                    "email": contact["email"],
                    "is_primary": index == 0,
                },
            )
            created += new
        organisations[spec["slug"]] = org
    return organisations, created


def _seed_risk_areas(specs: list[dict[str, Any]]) -> int:
    created = 0
    today = timezone.localdate()
    for spec in specs:
        _area, new = upsert(
            RiskArea,
            province=spec["province"],
            city=spec["city"],
            defaults={
                "city_en": spec["city_en"],
                "level": spec["level"],
                "effective_date": today - timedelta(days=spec["days_ago"]),
            },
        )
        created += new
    return created


def _seed_secretariat_contacts(specs: list[dict[str, Any]]) -> int:
    created = 0
    for order, spec in enumerate(specs):
        _contact, new = upsert(
            SecretariatContact,
            name_zh=spec["name_zh"],
            defaults={
                "name_en": spec["name_en"],
                "responsibility_zh": spec["responsibility_zh"],
                "responsibility_en": spec["responsibility_en"],
                "phone": spec["phone"],
                "email": f"{spec['mailbox']}@alliance.example.cn",
                "sort_order": order,
            },
        )
        created += new
    return created


def _seed_users(logins: list[DemoLogin], organisations: dict[str, Organisation]) -> int:
    created = 0
    user_model = get_user_model()
    for login in logins:
        user, new = user_model._default_manager.get_or_create(
            username=login.username, defaults={"email": f"{login.username}@demo.example.cn", "first_name": login.name}
        )
        # The printed passwords must work, so a changed demo password is set back.
        if new or not user.check_password(login.password):
            user.set_password(login.password)
        user.is_active = True
        staff = login.organisation is None
        user.is_staff = staff
        user.is_superuser = staff
        user.save()
        created += new
        if login.organisation is not None:
            upsert(Membership, {"organisation": organisations[login.organisation], "role": login.role}, user=user)
    return created
