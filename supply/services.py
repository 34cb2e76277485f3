"""Every write of supply coordination, whichever door it comes through (web, API, admin, Celery).

Locking: an operation on a commitment first locks its request's row, then the commitment's, always in that
order, so two operations on one request queue up instead of deadlocking. The committed total is changed only by a
conditional UPDATE that the database re-checks under the row lock, and a CHECK constraint backs it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError
from members.models import ApiKey, MaterialCategory, Organisation, RiskArea, RiskLevel
from members.selectors import current_risk_level
from notices.alerts import emit

from . import events
from . import priority as priority_rules
from .models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest, Unit

S = SupplyRequest.Status
C = Commitment.Status


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person (with their organisation, if any) or a partner's API key. Staff are the secretariat."""

    user: AbstractBaseUser | None = None
    organisation: Organisation | None = None
    api_key: ApiKey | None = None
    is_secretariat: bool = False

    @property
    def person(self) -> AbstractBaseUser | None:
        return self.user if self.user is not None and self.user.pk else None


# ---------------------------------------------------------------------------------------------------- priority


def _apply_priority(request: SupplyRequest, *, risk_level: str, guarantee: bool, now=None) -> None:
    score, parts = priority_rules.compute(
        priority_rules.Inputs(
            risk_level=risk_level,
            priority_guarantee=guarantee,
            days_of_stock=request.days_of_stock,
            urgency=request.urgency,
            needed_by=request.needed_by,
            submitted_at=request.submitted_at,
        ),
        now=now,
    )
    request.priority_score = score
    request.priority_parts = parts
    request.priority = request.priority_override if request.priority_override is not None else score


def _score(request: SupplyRequest) -> None:
    """Scores one request from its delivery site's current risk level and its fab's guarantee."""
    level = current_risk_level(province=request.site.province, city=request.site.city)
    _apply_priority(request, risk_level=level, guarantee=request.organisation.priority_guarantee)


PRIORITY_FIELDS = ["priority_score", "priority_parts", "priority"]
# django-simple-history keeps a change reason of at most 100 characters (PostgreSQL refuses more); the full reason is
# kept on the row itself (override_reason, RequestTransition.reason).
HISTORY_REASON_MAX = 100


@transaction.atomic
def priority_recompute_bulk(*, province: str | None = None, city: str | None = None, organisation_id=None) -> int:
    """Recomputes every open (and draft) request matching the filter in one bulk update; returns how many.

    Called when a risk level changes (a city), when a fab's priority guarantee changes (an organisation), and
    periodically for the waiting time (everything).
    """
    requests = SupplyRequest.objects.filter(status__in=[S.DRAFT, S.SUBMITTED, S.APPROVED]).select_related(
        "site", "organisation"
    )
    if province is not None:
        requests = requests.filter(site__province=province)
    if city is not None:
        requests = requests.filter(site__city=city)
    if organisation_id is not None:
        requests = requests.filter(organisation_id=organisation_id)
    levels = {(a.province, a.city): a.level for a in RiskArea.objects.only("province", "city", "level")}
    now = timezone.now()
    batch: list[SupplyRequest] = []
    count = 0
    for request in requests.iterator(chunk_size=2000):
        before = (request.priority_score, request.priority_parts, request.priority)
        _apply_priority(
            request,
            risk_level=levels.get((request.site.province, request.site.city), RiskLevel.LOW),
            guarantee=request.organisation.priority_guarantee,
            now=now,
        )
        count += 1
        if (request.priority_score, request.priority_parts, request.priority) == before:
            continue
        # Only rows whose priority moved are written, and they are marked changed (updated_at), so a partner
        # syncing with the API's `updated_since` sees the new order and an unchanged row keeps its ETag.
        request.updated_at = now
        batch.append(request)
        if len(batch) >= 2000:
            SupplyRequest.objects.bulk_update(batch, [*PRIORITY_FIELDS, "updated_at"])
            batch = []
    if batch:
        SupplyRequest.objects.bulk_update(batch, [*PRIORITY_FIELDS, "updated_at"])
    return count


@transaction.atomic
def supply_request_override_priority(
    *, request: SupplyRequest, priority: int | None, reason: str, actor: Actor
) -> SupplyRequest:
    """The secretariat sets the queue position by hand (or clears it with None); the reason is kept in history."""
    if not actor.is_secretariat:
        raise PermissionError("only the secretariat may override a priority")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"override_reason": _("Say why the priority is overridden; the reason is kept.")})
    max_length = SupplyRequest._meta.get_field("override_reason").max_length
    if len(reason) > max_length:
        raise ValidationError(
            {"override_reason": _("The reason can be at most %(max)d characters long.") % {"max": max_length}}
        )
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    request.priority_override = priority
    request.override_reason = reason
    request.priority = priority if priority is not None else request.priority_score
    request._change_reason = reason[:HISTORY_REASON_MAX]
    request.save(update_fields=["priority_override", "override_reason", "priority", "updated_at"])
    return request


# ---------------------------------------------------------------------------------------------------- requests

REQUEST_FIELDS = (
    "site",
    "category",
    "material",
    "specification",
    "un_number",
    "storage",
    "quantity",
    "unit",
    "needed_by",
    "days_of_stock",
    "urgency",
    "justification",
)


def _validate_request(request: SupplyRequest) -> None:
    errors: dict[str, list[str]] = {}
    if request.site_id and request.site.organisation_id != request.organisation_id:
        errors.setdefault("site", []).append(_("Choose one of your own sites for the delivery."))
    elif request.site_id and not request.site.is_active:
        errors.setdefault("site", []).append(_("This site is no longer in use."))
    if request.category_id and request.category.hazardous and not request.un_number:
        errors.setdefault("un_number", []).append(
            _("%(category)s are hazardous goods: give the UN number.") % {"category": request.category.name}
        )
    if request.category_id and request.category.group != MaterialCategory.Group.MATERIAL:
        errors.setdefault("category", []).append(_("Supply requests are for IC materials; donations are separate."))
    try:
        request.full_clean(exclude=["organisation", "created_by"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _record(request: SupplyRequest, from_status: str, actor: Actor, reason: str = "") -> None:
    RequestTransition.objects.create(
        request=request,
        from_status=from_status,
        to_status=request.status,
        by=actor.person,
        by_api_key=actor.api_key,
        reason=reason,
    )


def _unit_label(unit: str, language: str) -> str:
    with translation.override(language):
        return str(Unit(unit).label) if unit in Unit.values else unit


def _request_payload(request: SupplyRequest) -> dict:
    return {
        "id": request.pk,
        "organisation": request.organisation.slug,
        "category": request.category.code,
        "material": request.material,
        "quantity": str(request.quantity),
        "unit": request.unit,
        # The unit as people read it, in both languages: the alert texts are written where supply is unknown.
        "unit_labels": {code: _unit_label(request.unit, code) for code, _name in settings.LANGUAGES},
        "urgency": request.urgency,
        "status": request.status,
        "priority": request.priority,
        "province": request.site.province,
        "city": request.site.city,
        "risk_level": next((p["value"] for p in request.priority_parts if p["factor"] == "risk"), RiskLevel.LOW),
        "remaining": str(request.remaining),
    }


def _submit(request: SupplyRequest, actor: Actor) -> None:
    now = timezone.now()
    from_status = request.status
    request.status = S.SUBMITTED
    request.submitted_at = now
    request.confirmed_at = now
    _score(request)
    request.save()
    _record(request, from_status, actor)
    # The alert pipeline reaches the suppliers this fab has qualified for the material first; notices may not
    # read supply's tables, so the payload names them.
    qualified = Qualification.objects.filter(fab_id=request.organisation_id, category_id=request.category_id)
    payload = {
        **_request_payload(request),
        "qualified_suppliers": sorted(qualified.values_list("supplier__slug", flat=True)),
    }
    emit(events.SUPPLY_REQUEST_SUBMITTED, request, payload=payload, organisation=request.organisation)


@transaction.atomic
def supply_request_create(*, actor: Actor, submit: bool = False, **fields) -> SupplyRequest:
    """A fab's new request, saved as a draft or submitted at once."""
    if actor.organisation is None or actor.organisation.kind != Organisation.Kind.FAB:
        raise PermissionError("only a fab files supply requests")
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    request = SupplyRequest(organisation=actor.organisation, created_by=actor.person, status=S.DRAFT, **fields)
    _validate_request(request)
    _score(request)
    request.save()
    _record(request, "", actor)
    if submit:
        _submit(request, actor)
    return request


@transaction.atomic
def supply_request_update(*, request: SupplyRequest, actor: Actor, **fields) -> SupplyRequest:
    """Edits a draft. A submitted request is read-only to the fab: it can only be cancelled or re-confirmed."""
    request = (
        SupplyRequest.objects.select_for_update().select_related("site", "organisation", "category").get(pk=request.pk)
    )
    if "fab" not in _roles(request, actor):
        raise PermissionError("only the requesting fab edits its request")
    if request.status != S.DRAFT:
        raise ConflictError(
            _("Only a draft can be edited; this request is %(status)s.") % {"status": request.get_status_display()},
            code="not_draft",
        )
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(request, name, value)
    _validate_request(request)
    _score(request)
    request.save()
    return request


# Who may move a request from one status to another: "fab" is the requesting organisation, "secretariat" staff.
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (S.DRAFT, S.SUBMITTED): {"fab"},
    (S.DRAFT, S.CANCELLED): {"fab"},
    (S.SUBMITTED, S.APPROVED): {"secretariat"},
    (S.SUBMITTED, S.REJECTED): {"secretariat"},
    (S.SUBMITTED, S.CANCELLED): {"fab", "secretariat"},
    (S.APPROVED, S.CANCELLED): {"fab", "secretariat"},
    (S.APPROVED, S.FULFILLED): {"fab", "secretariat"},
}
REASON_REQUIRED = {S.REJECTED, S.CANCELLED}
EVENT_FOR = {
    S.APPROVED: events.SUPPLY_REQUEST_APPROVED,
    S.REJECTED: events.SUPPLY_REQUEST_REJECTED,
    S.CANCELLED: events.SUPPLY_REQUEST_CANCELLED,
    S.FULFILLED: events.SUPPLY_REQUEST_FULFILLED,
}


def _roles(request: SupplyRequest, actor: Actor) -> set[str]:
    roles = set()
    if actor.is_secretariat:
        roles.add("secretariat")
    if actor.organisation is not None and actor.organisation.pk == request.organisation_id:
        roles.add("fab")
    return roles


def allowed_transitions(request: SupplyRequest, actor: Actor) -> list[str]:
    roles = _roles(request, actor)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == request.status and who & roles]


@transaction.atomic
def supply_request_transition(
    *, request: SupplyRequest, to_status: str, actor: Actor, reason: str = ""
) -> SupplyRequest:
    request = (
        SupplyRequest.objects.select_for_update().select_related("site", "organisation", "category").get(pk=request.pk)
    )
    who = TRANSITIONS.get((request.status, to_status))
    if who is None:
        raise ConflictError(
            _("A request that is %(current)s cannot become %(target)s.")
            % {
                "current": request.get_status_display(),
                "target": S(to_status).label if to_status in S.values else to_status,
            },
            code="transition_not_allowed",
            extra={"status": request.status, "allowed": allowed_transitions(request, actor)},
        )
    if not who & _roles(request, actor):
        raise PermissionError("this actor may not make this transition")
    reason = (reason or "").strip()
    if to_status in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept with the request.")})
    if to_status == S.FULFILLED and request.qty_delivered < request.quantity:
        raise ConflictError(
            _("Only %(delivered)s of %(quantity)s %(unit)s have been delivered; it cannot be closed as fulfilled yet.")
            % {
                "delivered": f"{request.qty_delivered.normalize():f}",
                "quantity": f"{request.quantity.normalize():f}",
                "unit": request.get_unit_display(),
            },
            code="not_delivered",
        )
    if to_status == S.SUBMITTED:
        _validate_request(request)
        _submit(request, actor)
        return request
    from_status = request.status
    request.status = to_status
    request._change_reason = reason[:HISTORY_REASON_MAX]
    request.save(update_fields=["status", "updated_at"])
    if to_status in (S.CANCELLED, S.REJECTED):
        # Promises against a request that will not be served are released, so suppliers are free again.
        live = list(Commitment.objects.select_for_update().filter(request=request, status__in=[C.OFFERED, C.ACCEPTED]))
        for commitment in live:
            commitment.status = C.DECLINED
            commitment.reason = reason
            commitment.save(update_fields=["status", "reason", "updated_at"])
        released = sum((c.quantity for c in live), Decimal(0))
        if released:
            SupplyRequest.objects.filter(pk=request.pk).update(
                qty_committed=F("qty_committed") - released, updated_at=timezone.now()
            )
            request.refresh_from_db(fields=["qty_committed"])
    _record(request, from_status, actor, reason)
    emit(
        EVENT_FOR[to_status],
        request,
        payload={**_request_payload(request), "reason": reason},
        organisation=request.organisation,
    )
    return request


@transaction.atomic
def supply_request_reconfirm(*, request: SupplyRequest, actor: Actor) -> SupplyRequest:
    """The fab says it still needs this: the request is no longer stale."""
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    if "fab" not in _roles(request, actor):
        raise PermissionError("only the requesting fab re-confirms")
    if not request.is_open:
        raise ConflictError(_("Only an open request can be re-confirmed."), code="not_open")
    request.confirmed_at = timezone.now()
    request.stale_notified_at = None
    request.save(update_fields=["confirmed_at", "stale_notified_at", "updated_at"])
    return request


def supply_request_flag_stale(*, now: datetime | None = None) -> int:
    """Reports each open request its fab has not re-confirmed for SUPPLY_STALE_AFTER_DAYS, once until it is
    re-confirmed; returns how many were reported.

    Each request is claimed with a conditional UPDATE in its own transaction, so two runs at once (or a retry after
    a crash half-way) report every request exactly once, and one failure does not undo the reports before it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUPPLY_STALE_AFTER_DAYS)
    stale = SupplyRequest.objects.open().filter(confirmed_at__lt=cutoff, stale_notified_at__isnull=True)
    count = 0
    for pk in list(stale.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = SupplyRequest.objects.filter(
                pk=pk, status__in=[S.SUBMITTED, S.APPROVED], confirmed_at__lt=cutoff, stale_notified_at=None
            ).update(stale_notified_at=now)
            if not claimed:
                continue
            request = SupplyRequest.objects.select_related("organisation", "site", "category").get(pk=pk)
            emit(
                events.SUPPLY_REQUEST_STALE,
                request,
                payload={
                    **_request_payload(request),
                    "confirmed_at": request.confirmed_at.isoformat(),
                    "days_since_confirmed": (now - request.confirmed_at).days,
                },
                organisation=request.organisation,
            )
            count += 1
    return count


# ---------------------------------------------------------------------------------------------------- commitments


def _remaining_message(request: SupplyRequest) -> str:
    remaining = max(request.quantity - request.qty_committed, Decimal(0))
    return _("Only %(remaining)s %(unit)s of this request are still open.") % {
        "remaining": f"{remaining.normalize():f}",
        "unit": request.get_unit_display(),
    }


def _commitment_payload(commitment: Commitment) -> dict:
    return {
        "id": commitment.pk,
        "request": commitment.request_id,
        "supplier": commitment.supplier.slug,
        "fab": commitment.request.organisation.slug,
        "quantity": str(commitment.quantity),
        "status": commitment.status,
    }


@transaction.atomic
def commitment_create(
    *,
    request: SupplyRequest,
    actor: Actor,
    quantity: Decimal,
    expected_ship_date: date,
    unit_price: Decimal | None = None,
    currency: str = "CNY",
    notes: str = "",
) -> Commitment:
    supplier = actor.organisation
    if supplier is None or supplier.kind != Organisation.Kind.SUPPLIER:
        raise PermissionError("only a materials supplier commits supply")
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": _("Commit a quantity greater than zero.")})
    if expected_ship_date < timezone.localdate():
        raise ValidationError({"expected_ship_date": _("The expected ship date cannot be in the past.")})
    request = SupplyRequest.objects.select_related("organisation", "site", "category").get(pk=request.pk)
    if request.status != S.APPROVED:
        raise ConflictError(_("Only approved requests take commitments."), code="not_approved")
    if not supplier.categories_supplied.filter(pk=request.category_id).exists():
        raise ValidationError(
            {"request": _("Your organisation does not supply %(category)s.") % {"category": request.category.name}}
        )
    # The database decides: the UPDATE matches only while enough is open, re-checked under the row lock.
    updated = SupplyRequest.objects.filter(
        pk=request.pk, status=S.APPROVED, qty_committed__lte=F("quantity") - quantity
    ).update(qty_committed=F("qty_committed") + quantity, updated_at=timezone.now())
    if not updated:
        request.refresh_from_db()
        if request.status != S.APPROVED:
            raise ConflictError(_("Only approved requests take commitments."), code="not_approved")
        raise ConflictError(
            _remaining_message(request), code="over_commitment", extra={"remaining": str(request.remaining)}
        )
    commitment = Commitment.objects.create(
        request=request,
        supplier=supplier,
        quantity=quantity,
        expected_ship_date=expected_ship_date,
        unit_price=unit_price,
        currency=currency or "CNY",
        notes=notes,
        created_by=actor.person,
    )
    emit(events.COMMITMENT_MADE, commitment, payload=_commitment_payload(commitment), organisation=request.organisation)
    return commitment


def _locked(commitment: Commitment) -> tuple[SupplyRequest, Commitment]:
    request = SupplyRequest.objects.select_for_update().select_related("organisation").get(pk=commitment.request_id)
    commitment = Commitment.objects.select_for_update().select_related("supplier").get(pk=commitment.pk)
    commitment.request = request
    return request, commitment


def _commitment_roles(commitment: Commitment, actor: Actor) -> set[str]:
    roles = _roles(commitment.request, actor)
    if actor.organisation is not None and actor.organisation.pk == commitment.supplier_id:
        roles.add("supplier")
    return roles


def _refuse(commitment: Commitment, action: str) -> ConflictError:
    return ConflictError(
        _("A commitment that is %(status)s cannot be %(action)s.")
        % {"status": commitment.get_status_display(), "action": action},
        code="transition_not_allowed",
        extra={"status": commitment.status},
    )


def is_qualified(*, fab_id, supplier_id, category_id) -> bool:
    return Qualification.objects.filter(fab_id=fab_id, supplier_id=supplier_id, category_id=category_id).exists()


@transaction.atomic
def commitment_accept(*, commitment: Commitment, actor: Actor) -> Commitment:
    request, commitment = _locked(commitment)
    if not {"fab", "secretariat"} & _commitment_roles(commitment, actor):
        raise PermissionError("only the fab or the secretariat accepts")
    if commitment.status != C.OFFERED:
        raise _refuse(commitment, _("accepted"))
    if not is_qualified(
        fab_id=request.organisation_id, supplier_id=commitment.supplier_id, category_id=request.category_id
    ):
        raise ConflictError(
            _("%(fab)s has not qualified %(supplier)s for this material; record the qualification first.")
            % {"fab": request.organisation.name, "supplier": commitment.supplier.name},
            code="not_qualified",
        )
    commitment.status = C.ACCEPTED
    commitment.save(update_fields=["status", "updated_at"])
    emit(
        events.COMMITMENT_ACCEPTED,
        commitment,
        payload=_commitment_payload(commitment),
        organisation=commitment.supplier,
    )
    return commitment


@transaction.atomic
def commitment_ship(
    *, commitment: Commitment, actor: Actor, carrier: str, tracking_number: str, shipped_on: date
) -> Commitment:
    request, commitment = _locked(commitment)
    if "supplier" not in _commitment_roles(commitment, actor) and not actor.is_secretariat:
        raise PermissionError("only the supplier ships")
    if commitment.status != C.ACCEPTED:
        raise _refuse(commitment, _("shipped"))
    errors = {}
    if not (carrier or "").strip():
        errors["carrier"] = [_("Name the carrier.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("Give the tracking number.")]
    if shipped_on > timezone.localdate():
        errors["shipped_on"] = [_("The ship date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    commitment.status = C.SHIPPED
    commitment.carrier = carrier.strip()
    commitment.tracking_number = tracking_number.strip()
    commitment.shipped_on = shipped_on
    commitment.save(update_fields=["status", "carrier", "tracking_number", "shipped_on", "updated_at"])
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_in_transit=F("qty_in_transit") + commitment.quantity, updated_at=timezone.now()
    )
    emit(
        events.COMMITMENT_SHIPPED,
        commitment,
        payload={
            **_commitment_payload(commitment),
            "carrier": commitment.carrier,
            "tracking_number": commitment.tracking_number,
        },
        organisation=request.organisation,
    )
    return commitment


@transaction.atomic
def commitment_deliver(
    *, commitment: Commitment, actor: Actor, received_quantity: Decimal, delivered_on: date
) -> Commitment:
    """The fab confirms receipt. A shortfall is released back to the request, so someone can commit it."""
    request, commitment = _locked(commitment)
    if not {"fab", "secretariat"} & _commitment_roles(commitment, actor):
        raise PermissionError("only the fab confirms delivery")
    if commitment.status != C.SHIPPED:
        raise _refuse(commitment, _("confirmed as delivered"))
    received_quantity = Decimal(received_quantity)
    errors = {}
    if received_quantity < 0 or received_quantity > commitment.quantity:
        errors["received_quantity"] = [
            _("The received quantity must be between 0 and the %(quantity)s shipped.")
            % {"quantity": f"{commitment.quantity.normalize():f}"}
        ]
    if delivered_on > timezone.localdate():
        errors["delivered_on"] = [_("The delivery date cannot be in the future.")]
    if commitment.shipped_on and delivered_on < commitment.shipped_on:
        errors["delivered_on"] = [_("The delivery date cannot be before the ship date.")]
    if errors:
        raise ValidationError(errors)
    commitment.status = C.DELIVERED
    commitment.delivered_quantity = received_quantity
    commitment.delivered_on = delivered_on
    commitment.save(update_fields=["status", "delivered_quantity", "delivered_on", "updated_at"])
    shortfall = commitment.quantity - received_quantity
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_in_transit=F("qty_in_transit") - commitment.quantity,
        qty_delivered=F("qty_delivered") + received_quantity,
        qty_committed=F("qty_committed") - shortfall,
        updated_at=timezone.now(),
    )
    emit(
        events.COMMITMENT_DELIVERED,
        commitment,
        payload={**_commitment_payload(commitment), "received_quantity": str(received_quantity)},
        organisation=commitment.supplier,
    )
    return commitment


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, actor: Actor, reason: str) -> Commitment:
    """The supplier takes its promise back before shipping."""
    return _release(commitment, actor, reason, who={"supplier"}, to=C.WITHDRAWN, event=events.COMMITMENT_WITHDRAWN)


@transaction.atomic
def commitment_decline(*, commitment: Commitment, actor: Actor, reason: str) -> Commitment:
    """The fab or the secretariat turns an offer (or an accepted, unshipped promise) down."""
    return _release(
        commitment, actor, reason, who={"fab", "secretariat"}, to=C.DECLINED, event=events.COMMITMENT_DECLINED
    )


def _release(commitment: Commitment, actor: Actor, reason: str, *, who: set[str], to: str, event: str) -> Commitment:
    request, commitment = _locked(commitment)
    if not who & _commitment_roles(commitment, actor):
        raise PermissionError("this actor may not release this commitment")
    if commitment.status not in (C.OFFERED, C.ACCEPTED):
        raise _refuse(commitment, _("withdrawn") if to == C.WITHDRAWN else _("declined"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept with the commitment.")})
    commitment.status = to
    commitment.reason = reason
    commitment.save(update_fields=["status", "reason", "updated_at"])
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_committed=F("qty_committed") - commitment.quantity, updated_at=timezone.now()
    )
    emit(
        event,
        commitment,
        payload={**_commitment_payload(commitment), "reason": reason},
        organisation=request.organisation,
    )
    return commitment


# ---------------------------------------------------------------------------------------------------- capacity


@transaction.atomic
def capacity_save(
    *,
    actor: Actor,
    category: MaterialCategory,
    quantity_per_week: Decimal,
    unit: str,
    lead_time_days: int,
    notes: str = "",
) -> SupplierCapacity:
    """A supplier states (or re-states) its capacity for a category; saving it confirms it as of now."""
    supplier = actor.organisation
    if supplier is None or supplier.kind != Organisation.Kind.SUPPLIER:
        raise PermissionError("only a supplier states capacity")
    capacity, _created = SupplierCapacity.objects.select_for_update().get_or_create(
        supplier=supplier,
        category=category,
        defaults={"quantity_per_week": quantity_per_week, "unit": unit, "lead_time_days": lead_time_days},
    )
    capacity.quantity_per_week = quantity_per_week
    capacity.unit = unit
    capacity.lead_time_days = lead_time_days
    capacity.notes = notes
    capacity.confirmed_at = timezone.now()
    capacity.full_clean()
    capacity.save()
    return capacity


@transaction.atomic
def qualification_add(
    *, fab: Organisation, supplier: Organisation, category: MaterialCategory, actor: Actor, note: str = ""
) -> Qualification:
    if not (actor.is_secretariat or (actor.organisation is not None and actor.organisation.pk == fab.pk)):
        raise PermissionError("only the fab or the secretariat records a qualification")
    if fab.kind != Organisation.Kind.FAB:
        raise ValidationError({"fab": _("Only a fab qualifies suppliers.")})
    if supplier.kind != Organisation.Kind.SUPPLIER:
        raise ValidationError({"supplier": _("Only a materials supplier can be qualified.")})
    qualification, _created = Qualification.objects.get_or_create(
        fab=fab, supplier=supplier, category=category, defaults={"note": note}
    )
    return qualification
