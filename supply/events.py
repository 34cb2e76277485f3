"""The events supply raises, declared to the alert pipeline when the app starts (SupplyConfig.ready).

Who hears of each by default, and how it reads, is supply's decision: the payload (written by supply.services)
carries what the recipients and the wording need, so the pipeline never reads supply's tables.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance_portal.shipping import CheckpointKind
from notices.alerts import EventType, Recipients, organisations_by_slugs, reachable_organisations, register_all
from notices.alerts import subscribed_organisation_ids as subscribed

SUPPLY_REQUEST_SUBMITTED = "supply_request.submitted"
SUPPLY_REQUEST_APPROVED = "supply_request.approved"
SUPPLY_REQUEST_REJECTED = "supply_request.rejected"
SUPPLY_REQUEST_CANCELLED = "supply_request.cancelled"
SUPPLY_REQUEST_FULFILLED = "supply_request.fulfilled"
SUPPLY_REQUEST_STALE = "supply_request.stale"
COMMITMENT_MADE = "commitment.made"
COMMITMENT_ACCEPTED = "commitment.accepted"
COMMITMENT_SHIPPED = "commitment.shipped"
COMMITMENT_DELIVERED = "commitment.delivered"
COMMITMENT_WITHDRAWN = "commitment.withdrawn"
COMMITMENT_DECLINED = "commitment.declined"
COMMITMENT_CARRIER_ASSIGNED = "commitment.carrier_assigned"
COMMITMENT_SHIPMENT_CHECKPOINT = "commitment.shipment_checkpoint"

# Payload keys worth a line in a message, with their labels, in this order.
LINES = {
    "organisation": gettext_lazy("Requesting organisation"),
    "fab": gettext_lazy("Fab"),
    "supplier": gettext_lazy("Supplier"),
    "material": gettext_lazy("Material"),
    "category": gettext_lazy("Category"),
    "quantity": gettext_lazy("Quantity"),
    "urgency": gettext_lazy("Urgency"),
    "city": gettext_lazy("City"),
    "risk_level": gettext_lazy("Risk level"),
    "status": gettext_lazy("Status"),
    "remaining": gettext_lazy("Remaining"),
    "reason": gettext_lazy("Reason"),
    "days_since_confirmed": gettext_lazy("Days since last confirmed"),
    "tracking_number": gettext_lazy("Tracking number"),
    "received_quantity": gettext_lazy("Quantity received"),
    "carrier": gettext_lazy("Carrier"),
    "step": gettext_lazy("Step"),
    "place": gettext_lazy("Place"),
    "note": gettext_lazy("Note"),
    "un_number": gettext_lazy("UN number"),
    "storage_class": gettext_lazy("Storage class"),
}


def _urgent(payload: dict) -> bool:
    return payload.get("urgency") == "critical" or payload.get("risk_level") == "high"


def _suppliers_for_request(payload: dict) -> list[int]:
    """The suppliers the fab has qualified for the material (named in the payload); where it has qualified none yet,
    every supplier of the category, so an emergency still finds someone. Plus those that opted in to every new
    request; the per-channel opt-outs are applied when the alerts are made."""
    from django.db.models import Q  # noqa: PLC0415

    from members.models import Organisation  # noqa: PLC0415

    qualified = payload.get("qualified_suppliers") or []
    target = Q(slug__in=qualified) if qualified else Q(categories_supplied__code=payload.get("category"))
    matching = (
        reachable_organisations()
        .filter(kind=Organisation.Kind.SUPPLIER)
        .filter(target | Q(pk__in=subscribed(SUPPLY_REQUEST_SUBMITTED)))
    )
    return list(matching.values_list("pk", flat=True).distinct())


def _submitted(payload: dict, event) -> Recipients:
    """Every new request reaches the secretariat; an urgent one (critical, or for a high-risk city) its suppliers."""
    return Recipients(_suppliers_for_request(payload) if _urgent(payload) else [], secretariat=True)


def _to_fab(payload: dict, event) -> Recipients:
    own = [event.organisation_id] if event.organisation_id else []
    return Recipients(organisations_by_slugs(payload.get("organisation")) or own)


def _to_both_parties(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_slugs(payload.get("fab"), payload.get("supplier")))


def _to_parties_of_shipment(payload: dict, event) -> Recipients:
    """The fab, the supplier and the carrier: everyone the shipment concerns (a withdrawn one hears nothing)."""
    return Recipients(organisations_by_slugs(payload.get("fab"), payload.get("supplier"), payload.get("carrier_slug")))


def _unit(payload: dict, language: str) -> str:
    return (payload.get("unit_labels") or {}).get(language) or payload.get("unit", "")


def _values(payload: dict, language: str) -> dict:
    """The quantity reads with its unit, and a shipment's step with its name, in the reader's language."""
    step = payload.get("step")
    if step in CheckpointKind.values:
        payload = {**payload, "step": str(CheckpointKind(step).label)}
    unit = _unit(payload, language)
    if payload.get("quantity") in (None, "") or not unit:
        return payload
    return {**payload, "quantity": f"{payload['quantity']} {unit}"}


def _request_detail(payload: dict, language: str) -> str:
    unit = _unit(payload, language)
    return " ".join(str(v) for v in (payload.get("material", ""), payload.get("quantity", ""), unit)).strip()


def _commitment_detail(payload: dict, language: str) -> str:
    return _("%(quantity)s for request #%(request)s") % {
        "quantity": payload.get("quantity", ""),
        "request": payload.get("request", ""),
    }


def _request_event(name: str, label, recipients=_to_fab) -> EventType:
    return EventType(
        name=name,
        label=label,
        recipients=recipients,
        detail=_request_detail,
        lines=LINES,
        values=_values,
        app="supply",
    )


def _commitment_event(name: str, label, recipients=_to_both_parties) -> EventType:
    return EventType(
        name=name,
        label=label,
        recipients=recipients,
        detail=_commitment_detail,
        lines=LINES,
        values=_values,
        app="supply",
    )


EVENT_TYPES = [
    _request_event(SUPPLY_REQUEST_SUBMITTED, gettext_lazy("New supply request"), _submitted),
    _request_event(SUPPLY_REQUEST_APPROVED, gettext_lazy("Supply request approved")),
    _request_event(SUPPLY_REQUEST_REJECTED, gettext_lazy("Supply request rejected")),
    _request_event(SUPPLY_REQUEST_CANCELLED, gettext_lazy("Supply request cancelled")),
    _request_event(SUPPLY_REQUEST_FULFILLED, gettext_lazy("Supply request fulfilled")),
    _request_event(SUPPLY_REQUEST_STALE, gettext_lazy("Supply request needs re-confirming")),
    _commitment_event(COMMITMENT_MADE, gettext_lazy("New commitment of supply")),
    _commitment_event(COMMITMENT_ACCEPTED, gettext_lazy("Commitment accepted")),
    _commitment_event(COMMITMENT_SHIPPED, gettext_lazy("Commitment shipped")),
    _commitment_event(COMMITMENT_DELIVERED, gettext_lazy("Commitment delivered")),
    _commitment_event(COMMITMENT_WITHDRAWN, gettext_lazy("Commitment withdrawn")),
    _commitment_event(COMMITMENT_DECLINED, gettext_lazy("Commitment declined")),
    _commitment_event(
        COMMITMENT_CARRIER_ASSIGNED, gettext_lazy("Carrier assigned to a commitment"), _to_parties_of_shipment
    ),
    _commitment_event(
        COMMITMENT_SHIPMENT_CHECKPOINT, gettext_lazy("Commitment shipment update"), _to_parties_of_shipment
    ),
]


def register() -> None:
    register_all(EVENT_TYPES)
