"""The supply part of the demo alliance (run by `manage.py seed_demo`, after the members it builds on).

A believable queue: the two Wuhan fabs the alliance guarantees (YMTC, Wuhan Xinxin) short of photoresist, specialty
gases and wet chemicals with days of stock left, on top for the reasons shown; the other fabs' requests below them;
a draft, a rejected request, a stale one; commitments in every state, one of them carried by the demo logistics
member (Shunda) and on its way with checkpoints; supplier capacity (one figure stale) and
qualifications. Everything is made through supply.services, as users would, so transitions, history and events
are recorded; only the clock is then set back, so the queue shows requests that have waited for days.

Running it again creates nothing: a request is known by its fab and material, capacity by supplier and category.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from alliance_portal.shipping import CheckpointKind
from members.models import MaterialCategory, Membership, Organisation, Site
from members.rules import Actor
from notices.alerts import events_backdate

from .. import services
from ..models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest
from .data import CAPACITIES, LOGINS, QUALIFICATIONS, REQUESTS, DemoCommitment, DemoRequest, DemoShipment

S = SupplyRequest.Status


def seed_demo() -> int:
    """Builds the supply demo data once; returns how many rows it created (0 when it was already there)."""
    orgs = {o.slug: o for o in Organisation.objects.all()}
    if "ymtc" not in orgs:
        return 0  # the members part was not seeded
    categories = {c.code: c for c in MaterialCategory.objects.all()}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[*LOGINS.values(), "secretariat"])}
    secretariat = Actor(user=users.get("secretariat"), is_secretariat=True)

    def actor(slug: str) -> Actor:
        # The organisation's administrator (the demo login where there is one): what a person of it would do.
        return Actor(user=users.get(LOGINS.get(slug, "")), organisation=orgs[slug], role=Membership.Role.ADMIN)

    created = 0
    for fab, pairs in QUALIFICATIONS.items():
        for supplier, code in pairs:
            _qualification, new = _qualify(orgs[fab], orgs[supplier], categories[code], secretariat)
            created += new
    for supplier, code, per_week, unit, lead_time, notes, days_ago in CAPACITIES:
        if SupplierCapacity.objects.filter(supplier=orgs[supplier], category=categories[code]).exists():
            continue
        capacity = services.capacity_save(
            actor=actor(supplier),
            category=categories[code],
            quantity_per_week=Decimal(per_week),
            unit=unit,
            lead_time_days=lead_time,
            notes=notes,
        )
        SupplierCapacity.objects.filter(pk=capacity.pk).update(
            confirmed_at=F("confirmed_at") - timedelta(days=days_ago)
        )
        created += 1
    for spec in REQUESTS:
        created += _request(spec, orgs, categories, actor, secretariat)
    if created:
        # The clock was set back after the requests were scored: score them again, waiting time included.
        services.priority_recompute_bulk()
    return created


def _qualify(fab, supplier, category, secretariat):
    existing = Qualification.objects.filter(fab=fab, supplier=supplier, category=category).first()
    if existing is not None:
        return existing, False
    qualification = services.qualification_add(
        fab=fab, supplier=supplier, category=category, actor=secretariat, note="Qualified before the epidemic."
    )
    Qualification.objects.filter(pk=qualification.pk).update(qualified_on=timezone.localdate() - timedelta(days=400))
    return qualification, True


def _request(spec: DemoRequest, orgs, categories, actor, secretariat) -> int:
    fab = orgs[spec.fab]
    if SupplyRequest.objects.filter(organisation=fab, material=spec.material).exists():
        return 0
    today = timezone.localdate()
    request = services.supply_request_create(
        actor=actor(spec.fab),
        submit=spec.status != S.DRAFT,
        site=Site.objects.get(organisation=fab, name_zh=spec.site),
        category=categories[spec.category],
        material=spec.material,
        specification=spec.specification,
        un_number=spec.un_number,
        storage=spec.storage,
        quantity=Decimal(spec.quantity),
        unit=spec.unit,
        needed_by=today + timedelta(days=spec.needed_in_days),
        days_of_stock=spec.days_of_stock,
        urgency=spec.urgency,
        justification=spec.justification,
    )
    created = 1
    if spec.status in (S.APPROVED, S.REJECTED):
        services.supply_request_transition(
            request=request, to_status=spec.status, actor=secretariat, reason=spec.reason
        )
    _set_clock_back(request, spec)
    # Offers came a day after the request was filed (the same day for one filed today or yesterday).
    offered_days_ago = max(spec.filed_days_ago - 1, 0)
    for promise in spec.commitments:
        _commit(request, promise, actor, spec.fab, offered_days_ago)
        created += 1
    if spec.close:
        services.supply_request_transition(request=request, to_status=S.FULFILLED, actor=actor(spec.fab))
    return created


def _commit(request: SupplyRequest, promise: DemoCommitment, actor, fab_slug: str, offered_days_ago: int):
    today = timezone.localdate()
    supplier = actor(promise.supplier)
    commitment = services.commitment_create(
        request=request,
        actor=supplier,
        quantity=Decimal(promise.quantity),
        expected_ship_date=today + timedelta(days=promise.ship_in_days),
        unit_price=Decimal(promise.unit_price) if promise.unit_price else None,
        notes=promise.notes,
    )
    if offered_days_ago:
        delta = timedelta(days=offered_days_ago)
        Commitment.objects.filter(pk=commitment.pk).update(created_at=F("created_at") - delta)
        Commitment.history.filter(id=commitment.pk).update(history_date=F("history_date") - delta)
        events_backdate(commitment, delta)
    if promise.state == "withdrawn":
        return services.commitment_withdraw(commitment=commitment, actor=supplier, reason=promise.reason)
    if promise.state == "offered":
        return commitment
    services.commitment_accept(commitment=commitment, actor=actor(fab_slug))
    if promise.carried is not None:
        return _carry(commitment, promise.carried, supplier)
    if promise.state == "accepted":
        return commitment
    shipped_on = today - timedelta(days=promise.shipped_days_ago)
    Commitment.objects.filter(pk=commitment.pk).update(expected_ship_date=shipped_on)
    services.commitment_ship(
        commitment=commitment,
        actor=supplier,
        carrier=promise.carrier,
        tracking_number=promise.tracking_number,
        shipped_on=shipped_on,
    )
    if promise.state == "shipped":
        return commitment
    return services.commitment_deliver(
        commitment=commitment,
        actor=actor(fab_slug),
        received_quantity=Decimal(promise.received or promise.quantity),
        delivered_on=min(shipped_on + timedelta(days=2), today),
    )


def _carry(commitment: Commitment, spec: DemoShipment, supplier: Actor) -> Commitment:
    """The supplier gives the commitment to the demo carrier, whose dispatcher records the pick-up (which ships the
    commitment) and the checkpoints since: the carrier's phone shows it in transit, waiting for the hand-over."""
    carrier = Organisation.objects.get(slug=spec.carrier)
    shipment = services.commitment_assign_carrier(
        commitment=commitment, actor=supplier, carrier=carrier, tracking_number=spec.tracking_number
    )
    dispatcher = Membership.objects.filter(organisation=carrier).select_related("user").first()
    by = Actor(user=dispatcher.user if dispatcher else None, organisation=carrier, role=Membership.Role.MEMBER)
    now = timezone.now()
    for n, (place, hours_ago, note) in enumerate(spec.steps):
        services.shipment_record_step(
            shipment=shipment,
            actor=by,
            kind=CheckpointKind.PICKUP if n == 0 else CheckpointKind.CHECKPOINT,
            place=place,
            at=now - timedelta(hours=hours_ago),
            note=note,
        )
    return commitment


def _set_clock_back(request: SupplyRequest, spec: DemoRequest) -> None:
    """Moves what was just recorded (filing, submission, the secretariat's decision) to when the story says it
    happened, so the request has waited that long; later steps keep the time they were recorded."""
    delta = timedelta(days=spec.filed_days_ago)
    if not delta:
        return
    requests = SupplyRequest.objects.filter(pk=request.pk)
    requests.update(created_at=F("created_at") - delta, submitted_at=F("submitted_at") - delta)
    if spec.confirmed_days_ago is not None:
        requests.update(confirmed_at=timezone.now() - timedelta(days=spec.confirmed_days_ago))
    else:
        requests.update(confirmed_at=F("confirmed_at") - delta)
    RequestTransition.objects.filter(request=request).update(at=F("at") - delta)
    SupplyRequest.history.filter(id=request.pk).update(history_date=F("history_date") - delta)
    events_backdate(request, delta)
