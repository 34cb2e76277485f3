"""A fab's supply requests: filed, edited as drafts, moved through their workflow, re-confirmed, reported stale.

Each write checks the actor first (members.rules: standing, role, kind, party), then the request's state.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Organisation, RiskLevel
from members.rules import MSG_SECRETARIAT_ONLY, Actor, require_write
from notices.alerts import emit

from .. import events
from ..models import Commitment, Qualification, RequestTransition, SupplyRequest, Unit
from .priority import HISTORY_REASON_MAX, score

S = SupplyRequest.Status
C = Commitment.Status

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
    try:
        # SupplyRequest.clean(): the UN number of a hazardous category, IC materials only, no needed-by date past.
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


def request_payload(request: SupplyRequest) -> dict[str, Any]:
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
    score(request)
    request.save()
    _record(request, from_status, actor)
    # The alert pipeline reaches the suppliers this fab has qualified for the material first; notices may not
    # read supply's tables, so the payload names them.
    qualified = Qualification.objects.filter(fab_id=request.organisation_id, category_id=request.category_id)
    payload = {
        **request_payload(request),
        "qualified_suppliers": sorted(qualified.values_list("supplier__slug", flat=True)),
    }
    emit(events.SUPPLY_REQUEST_SUBMITTED, request, payload=payload, organisation=request.organisation)


MSG_NOT_THE_FAB = gettext_lazy("Only the fab that filed this request can do this.")


def _require_requesting_fab(actor: Actor, request: SupplyRequest) -> None:
    """Editing and re-confirming are the fab's own acts: the secretariat does not do them for it."""
    if actor.is_secretariat:
        raise NotAllowed(MSG_NOT_THE_FAB, code="not_the_fab")
    require_write(actor, organisation=request.organisation_id)


@transaction.atomic
def supply_request_create(*, actor: Actor, submit: bool = False, **fields: Any) -> SupplyRequest:
    """A fab's new request, saved as a draft or submitted at once."""
    require_write(actor, kinds={Organisation.Kind.FAB}, secretariat=False)
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    request = SupplyRequest(organisation=actor.organisation, created_by=actor.person, status=S.DRAFT, **fields)
    _validate_request(request)
    score(request)
    request.save()
    _record(request, "", actor)
    if submit:
        _submit(request, actor)
    return request


def _locked(request: SupplyRequest) -> SupplyRequest:
    return (
        SupplyRequest.objects.select_for_update().select_related("site", "organisation", "category").get(pk=request.pk)
    )


@transaction.atomic
def supply_request_update(*, request: SupplyRequest, actor: Actor, **fields: Any) -> SupplyRequest:
    """Edits a draft. A submitted request is read-only to the fab: it can only be cancelled or re-confirmed."""
    _require_requesting_fab(actor, request)
    request = _locked(request)
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
    score(request)
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
EVENT_FOR: dict[str, str] = {
    S.APPROVED: events.SUPPLY_REQUEST_APPROVED,
    S.REJECTED: events.SUPPLY_REQUEST_REJECTED,
    S.CANCELLED: events.SUPPLY_REQUEST_CANCELLED,
    S.FULFILLED: events.SUPPLY_REQUEST_FULFILLED,
}


def parties(actor: Actor, *, fab_id: int | None = None, supplier_id: int | None = None) -> set[str]:
    """The parts this actor may play on a record: "secretariat", and "fab" / "supplier" when it writes for that
    organisation (members.rules' can_write: good standing and a writing role)."""
    roles = set()
    if actor.is_secretariat:
        roles.add("secretariat")
    if actor.can_write and actor.organisation_id is not None:
        if actor.organisation_id == fab_id:
            roles.add("fab")
        if actor.organisation_id == supplier_id:
            roles.add("supplier")
    return roles


def allowed_transitions(request: SupplyRequest, actor: Actor) -> list[str]:
    roles = parties(actor, fab_id=request.organisation_id)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == request.status and who & roles]


def _require_party(who: set[str], roles: set[str]) -> None:
    if who & roles:
        return
    if who == {"secretariat"}:
        raise NotAllowed(MSG_SECRETARIAT_ONLY, code="secretariat_only")
    raise NotAllowed(MSG_NOT_THE_FAB, code="not_the_fab")


def supply_request_check_part(*, request: SupplyRequest, to_status: str, actor: Actor) -> set[str]:
    """NotAllowed unless the actor may take a request to `to_status` from some state; its parts otherwise.

    The caller's part before the request's state (and before its input): one who may never take this step is told
    so (403) whatever state the request is in, and learns nothing about the workflow (issue 8). The API asks it
    before reading the body."""
    require_write(actor, organisation=request.organisation_id)
    roles = parties(actor, fab_id=request.organisation_id)
    ever = set().union(*(who for (_from, to), who in TRANSITIONS.items() if to == to_status))
    if ever:
        _require_party(ever, roles)
    return roles


@transaction.atomic
def supply_request_transition(
    *, request: SupplyRequest, to_status: str, actor: Actor, reason: str = ""
) -> SupplyRequest:
    roles = supply_request_check_part(request=request, to_status=to_status, actor=actor)
    request = _locked(request)
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
    _require_party(who, roles)
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
        payload={**request_payload(request), "reason": reason},
        organisation=request.organisation,
    )
    return request


@transaction.atomic
def supply_request_reconfirm(*, request: SupplyRequest, actor: Actor) -> SupplyRequest:
    """The fab says it still needs this: the request is no longer stale."""
    _require_requesting_fab(actor, request)
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ConflictError(_("Only an open request can be re-confirmed."), code="not_open")
    request.confirmed_at = timezone.now()
    request.stale_notified_at = None
    request.save(update_fields=["confirmed_at", "stale_notified_at", "updated_at"])
    return request


def supply_request_flag_stale(*, now: datetime | None = None) -> int:
    """Reports each stale request (SupplyRequestQuerySet.stale) once until it is re-confirmed; returns how many.

    Each request is claimed with a conditional UPDATE in its own transaction, so two runs at once (or a retry after
    a crash half-way) report every request exactly once, and one failure does not undo the reports before it.
    """
    now = now or timezone.now()
    unreported = SupplyRequest.objects.stale(now=now).filter(stale_notified_at__isnull=True)
    count = 0
    for pk in list(unreported.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = unreported.filter(pk=pk).update(stale_notified_at=now)
            if not claimed:
                continue
            request = SupplyRequest.objects.select_related("organisation", "site", "category").get(pk=pk)
            assert request.confirmed_at is not None  # stale: confirmed before the cutoff
            emit(
                events.SUPPLY_REQUEST_STALE,
                request,
                payload={
                    **request_payload(request),
                    "confirmed_at": request.confirmed_at.isoformat(),
                    "days_since_confirmed": (now - request.confirmed_at).days,
                },
                organisation=request.organisation,
            )
            count += 1
    return count
