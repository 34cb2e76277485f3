"""Reads of supply coordination that more than one door needs (web pages, API), each with its joins.

Every list here is built so that a page of it costs the same number of queries whatever its length: the joins are
`select_related`, and the delivery city's current risk level is a correlated subquery, not a look-up per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When

from alliance_portal.shipping import ShipmentStatus
from members.models import MaterialCategory, Organisation
from members.rules import GOOD_STANDING, Actor

from .models import (
    Commitment,
    Qualification,
    RequestTransition,
    Shipment,
    ShipmentCheckpoint,
    SupplierCapacity,
    SupplyRequest,
    SupplyRequestQuerySet,
    Urgency,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

S = SupplyRequest.Status
REQUEST_JOINS = ("organisation", "site", "category")


class RiskLevelAnnotation(TypedDict):
    risk_level: str


def with_risk_level(
    requests: QuerySet[SupplyRequest],
) -> QuerySet[WithAnnotations[SupplyRequest, RiskLevelAnnotation]]:
    """Annotates `risk_level`: the level in force now in the delivery site's city (low when the city is unlisted),
    as the site keeps it (members.risk)."""
    return requests.annotate(risk_level=F("site__risk_level"))


def _filter_stale(requests: SupplyRequestQuerySet, stale: bool | None) -> SupplyRequestQuerySet:
    if stale is None:
        return requests
    return requests.stale() if stale else requests.not_stale()


# ---------------------------------------------------------------------------------------------------- fab


def fab_requests(*, organisation: Organisation, status: str = "") -> QuerySet[SupplyRequest]:
    """All of a fab's own requests, drafts included, newest first."""
    requests = SupplyRequest.objects.filter(organisation=organisation).select_related(*REQUEST_JOINS)
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def request_transitions(*, request: SupplyRequest) -> QuerySet[RequestTransition]:
    return RequestTransition.objects.filter(request=request).select_related("by", "by_api_key").order_by("at", "pk")


def request_commitments(*, request: SupplyRequest, supplier: Organisation | None = None) -> QuerySet[Commitment]:
    """The commitments against a request, newest first; only one supplier's own when `supplier` is given, because
    a supplier never sees another supplier's prices or notes."""
    commitments = Commitment.objects.filter(request=request).select_related("supplier")
    if supplier is not None:
        commitments = commitments.filter(supplier=supplier)
    return commitments.order_by("-created_at", "-pk")


def qualified_supplier_ids(*, fab: Organisation, category: MaterialCategory) -> set[int]:
    return set(Qualification.objects.filter(fab=fab, category=category).values_list("supplier_id", flat=True))


def matching_suppliers(*, request: SupplyRequest) -> QuerySet[Organisation]:
    """Active suppliers of the request's category: qualified by the fab first, then those with fresh capacity,
    then those in the delivery site's province, then by name. Each carries its capacity figures, if any."""
    capacity = SupplierCapacity.objects.filter(supplier=OuterRef("pk"), category_id=request.category_id)
    qualified = Qualification.objects.filter(
        fab_id=request.organisation_id, supplier=OuterRef("pk"), category_id=request.category_id
    )
    return (
        Organisation.objects.public()
        .filter(kind=Organisation.Kind.SUPPLIER, categories_supplied=request.category_id)
        .only("slug", "name_zh", "name_en", "province", "city", "city_en")
        .annotate(
            is_qualified=Exists(qualified),
            has_fresh_capacity=Exists(capacity.fresh()),
            same_province=Case(
                When(province=request.site.province, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            capacity_per_week=Subquery(capacity.values("quantity_per_week")[:1]),
            capacity_unit=Subquery(capacity.values("unit")[:1]),
            capacity_lead_time_days=Subquery(capacity.values("lead_time_days")[:1]),
            capacity_confirmed_at=Subquery(capacity.values("confirmed_at")[:1]),
        )
        .order_by("-is_qualified", "-has_fresh_capacity", "-same_province", "name_en", "pk")
    )


# ---------------------------------------------------------------------------------------------------- supplier


def _supplied_category_ids(supplier: Organisation) -> QuerySet[Any, Any]:
    return Organisation.categories_supplied.through.objects.filter(organisation=supplier).values("materialcategory_id")


_Requests = TypeVar("_Requests", bound=QuerySet[SupplyRequest])


def search_requests(requests: _Requests, q: str) -> _Requests:
    """Requests matching every word of `q` (any part of: the material, its specification, UN number, category, the
    fab, the delivery site and city; "#12" or "12" is also the request's number). One query, whatever the words."""
    for word in q.split()[:5]:
        number = word.removeprefix("#")
        match = (
            Q(material__icontains=word)
            | Q(specification__icontains=word)
            | Q(un_number__icontains=word)
            | Q(category__name_zh__icontains=word)
            | Q(category__name_en__icontains=word)
            | Q(organisation__name_zh__icontains=word)
            | Q(organisation__name_en__icontains=word)
            | Q(site__name_zh__icontains=word)
            | Q(site__name_en__icontains=word)
            | Q(site__city__icontains=word)
            | Q(site__city_en__icontains=word)
        )
        if number.isdigit() and len(number) < 10:
            match |= Q(pk=int(number))
        requests = requests.filter(match)
    return requests


def supplier_queue(
    *, supplier: Organisation, category: MaterialCategory | None = None, q: str = ""
) -> QuerySet[SupplyRequest]:
    """Approved requests in the supplier's categories that still have something open, highest priority first."""
    requests = (
        SupplyRequest.objects.queue()
        .filter(status=S.APPROVED, category_id__in=_supplied_category_ids(supplier), qty_committed__lt=F("quantity"))
        .select_related(*REQUEST_JOINS)
    )
    if category is not None:
        requests = requests.filter(category=category)
    if q:
        requests = search_requests(requests, q)
    return with_risk_level(requests)


def supplier_visible_requests(*, supplier: Organisation) -> QuerySet[SupplyRequest]:
    """What a supplier may open: approved requests in its categories (even fully committed ones), and any request it
    has committed to, whatever became of it since."""
    own = Commitment.objects.filter(supplier=supplier, request=OuterRef("pk"))
    in_its_categories = Q(status=S.APPROVED, category_id__in=_supplied_category_ids(supplier))
    return with_risk_level(SupplyRequest.objects.filter(in_its_categories | Exists(own)).select_related(*REQUEST_JOINS))


def supplier_commitments(*, supplier: Organisation, status: str = "") -> QuerySet[Commitment]:
    commitments = Commitment.objects.filter(supplier=supplier).select_related(
        "request", "request__organisation", "request__site", "request__category"
    )
    if status:
        commitments = commitments.filter(status=status)
    return commitments.order_by("-created_at", "-pk")


def supplier_capacities(*, supplier: Organisation) -> QuerySet[SupplierCapacity]:
    return (
        SupplierCapacity.objects.filter(supplier=supplier).select_related("category").order_by("category__sort_order")
    )


# ---------------------------------------------------------------------------------------------------- secretariat


def secretariat_queue(
    *,
    status: str = "",
    category: MaterialCategory | None = None,
    province: str = "",
    risk_level: str = "",
    urgency: str = "",
    stale: bool | None = None,
    q: str = "",
) -> QuerySet[SupplyRequest]:
    """Every open request (submitted and approved), highest priority first, narrowed by the filters given."""
    requests = SupplyRequest.objects.queue().select_related(*REQUEST_JOINS)
    if q:
        requests = search_requests(requests, q)
    if status:
        requests = requests.filter(status=status)
    if category is not None:
        requests = requests.filter(category=category)
    if province:
        requests = requests.filter(site__province=province)
    if urgency:
        requests = requests.filter(urgency=urgency)
    ranked = with_risk_level(_filter_stale(requests, stale))
    if risk_level:
        ranked = ranked.filter(risk_level=risk_level)
    return ranked


# ---------------------------------------------------------------------------------------------------- start pages


def fab_open_requests(*, organisation: Organisation) -> QuerySet[SupplyRequest]:
    """A fab's open requests (submitted or approved), highest priority first, with the delivery city's risk level."""
    return with_risk_level(
        SupplyRequest.objects.queue().filter(organisation=organisation).select_related(*REQUEST_JOINS)
    )


def fab_commitments_awaiting(*, organisation: Organisation) -> QuerySet[Commitment]:
    """Commitments against a fab's requests that wait for the fab: offers to accept or decline, and shipments to
    confirm as delivered; shipped ones first (goods at the gate), then oldest first."""
    C = Commitment.Status
    return (
        Commitment.objects.filter(request__organisation=organisation, status__in=[C.SHIPPED, C.OFFERED])
        .select_related("supplier", "request", "request__site", "request__category")
        .annotate(shipped_first=Case(When(status=C.SHIPPED, then=Value(0)), default=Value(1)))
        .order_by("shipped_first", "created_at", "pk")
    )


def requests_to_triage() -> QuerySet[SupplyRequest]:
    """Submitted requests the secretariat has not approved or rejected yet (its navigation badge counts them)."""
    return SupplyRequest.objects.filter(status=S.SUBMITTED)


# The secretariat's navigation badge counts requests_to_triage() on every page it opens; the count is kept in the
# shared cache under this key for TRIAGE_COUNT_SECONDS (dashboard.context_processors), and forgotten at once when a
# request is saved or deleted (supply.signals). A status written with a bulk `update()` shows within the seconds.
TRIAGE_COUNT_KEY = "supply:requests-to-triage:count"
TRIAGE_COUNT_SECONDS = 10


def secretariat_supply_counts() -> dict[str, int]:
    """Requests to triage (submitted), and critical requests not met yet (open: submitted or approved, not closed
    as fulfilled), as the secretariat's queue filtered by status or urgency lists them: one query."""
    return SupplyRequest.objects.open().aggregate(
        to_triage=Count("pk", filter=Q(status=S.SUBMITTED)),
        critical_open=Count("pk", filter=Q(urgency=Urgency.CRITICAL)),
    )


# ---------------------------------------------------------------------------------------------------- shipments

SHIPMENT_JOINS = (
    "carrier",
    "commitment",
    "commitment__supplier",
    "commitment__request",
    "commitment__request__organisation",
    "commitment__request__site",
    "commitment__request__category",
)


def visible_shipments(actor: Actor) -> QuerySet[Shipment]:
    """Commitments' shipments: the carrier sees what it carries and nothing else; the supplier and the fab their
    commitments'; the secretariat all."""
    shipments = Shipment.objects.select_related(*SHIPMENT_JOINS)
    if actor.is_secretariat:
        return shipments
    org_id = actor.organisation_id
    if org_id is None:
        return shipments.none()
    return shipments.filter(
        Q(carrier_id=org_id) | Q(commitment__supplier_id=org_id) | Q(commitment__request__organisation_id=org_id)
    )


def carried_shipments(organisation: Organisation) -> QuerySet[Shipment]:
    """What a logistics member carries, the ones still to move first."""
    return (
        Shipment.objects.filter(carrier=organisation).select_related(*SHIPMENT_JOINS).order_by("status", "-created_at")
    )


# A shipment in one of these still waits for its carrier's pick-up, checkpoint or hand-over.
CARRIER_PENDING = (ShipmentStatus.PLANNED, ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT)


def shipments_to_update(organisation: Organisation) -> QuerySet[Shipment]:
    """What a carrier still has to record: planned, picked up or in transit, of a commitment still under way (a
    withdrawn or declined one's shipment takes no more steps)."""
    return carried_shipments(organisation).filter(
        status__in=CARRIER_PENDING, commitment__status__in=(Commitment.Status.ACCEPTED, Commitment.Status.SHIPPED)
    )


def shipment_checkpoints(shipment: Shipment) -> QuerySet[ShipmentCheckpoint]:
    return shipment.checkpoints.all()


def visible_commitment_for_shipment_page(actor: Actor, pk: int) -> Commitment | None:
    """The commitment page's record: for its supplier, its fab, its carrier and the secretariat (None otherwise)."""
    commitments = Commitment.objects.select_related(
        "supplier", "request", "request__organisation", "request__site", "request__category"
    )
    if not actor.is_secretariat:
        org_id = actor.organisation_id
        if org_id is None:
            return None
        commitments = commitments.filter(
            Q(supplier_id=org_id) | Q(request__organisation_id=org_id) | Q(shipment__carrier_id=org_id)
        )
    return commitments.filter(pk=pk).first()


def logistics_members() -> QuerySet[Organisation]:
    """The carriers a commitment may be given to: logistics members in good standing."""
    return Organisation.objects.filter(kind=Organisation.Kind.LOGISTICS, status__in=GOOD_STANDING).order_by("name_zh")
