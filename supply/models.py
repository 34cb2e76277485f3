from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliance_portal.shipping import CheckpointBase, ShipmentBase, un_number_validator
from members.models import MaterialCategory, Organisation, Site


class Unit(models.TextChoices):
    PIECES = "pcs", _("pieces (片/件)")
    KG = "kg", _("kg")
    LITRES = "L", _("litres")
    TONNES = "t", _("tonnes")
    CYLINDERS = "cyl", _("cylinders (瓶)")
    SETS = "set", _("sets")


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class Storage(models.TextChoices):
    AMBIENT = "ambient", _("Ambient")
    COLD_CHAIN = "cold-chain", _("Cold chain")
    DRY_INERT = "dry-inert", _("Dry / inert atmosphere")
    HAZMAT = "hazmat", _("Hazardous goods store")


POSITIVE = MinValueValidator(Decimal("0.001"))


def request_stale_cutoff(now: datetime | None = None) -> datetime:
    """Open requests last confirmed by their fab before this moment are stale."""
    return (now or timezone.now()) - timedelta(days=settings.SUPPLY_STALE_AFTER_DAYS)


def capacity_stale_cutoff(now: datetime | None = None) -> datetime:
    """Capacity figures last confirmed before this moment are stale."""
    return (now or timezone.now()) - timedelta(days=settings.SUPPLY_CAPACITY_STALE_AFTER_DAYS)


class SupplyRequestQuerySet(models.QuerySet["SupplyRequest"]):
    # The statuses of the queue (waiting to be served); every door asks `open()` / `is_open`, never a copy.
    OPEN_STATUSES = ("submitted", "approved")
    # The statuses after which nothing more happens to a request.
    CLOSED_STATUSES = ("rejected", "cancelled", "fulfilled")

    def open(self) -> Self:
        return self.filter(status__in=self.OPEN_STATUSES)

    def not_open(self) -> Self:
        return self.exclude(status__in=self.OPEN_STATUSES)

    def not_closed(self) -> Self:
        """Drafts and open requests: the ones whose priority still matters."""
        return self.exclude(status__in=self.CLOSED_STATUSES)

    @classmethod
    def stale_condition(cls, *, now: datetime | None = None) -> Q:
        """The stale rule as a filter: open, and not re-confirmed for SUPPLY_STALE_AFTER_DAYS."""
        return Q(status__in=cls.OPEN_STATUSES, confirmed_at__lt=request_stale_cutoff(now))

    def stale(self, *, now: datetime | None = None) -> Self:
        return self.filter(self.stale_condition(now=now))

    def not_stale(self, *, now: datetime | None = None) -> Self:
        return self.exclude(self.stale_condition(now=now))

    def queue(self) -> Self:
        """The priority queue: open requests, highest priority first (one indexed query)."""
        return self.open().order_by("-priority", "submitted_at", "pk")


class SupplyRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        FULFILLED = "fulfilled", _("Closed as fulfilled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supply_requests", verbose_name=_("requesting fab")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("delivery site"))
    category = models.ForeignKey(
        MaterialCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("material category")
    )
    material = models.CharField(_("material"), max_length=200)
    specification = models.TextField(
        _("specification (grade, purity)"), blank=True, max_length=500, validators=[MaxLengthValidator(500)]
    )
    un_number = models.CharField(_("UN number"), max_length=6, blank=True, validators=[un_number_validator])
    storage = models.CharField(_("storage"), max_length=20, choices=Storage.choices, default=Storage.AMBIENT)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, validators=[POSITIVE])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    needed_by = models.DateField(_("needed by"))
    days_of_stock = models.PositiveIntegerField(
        _("days of stock left"), help_text=_("Days until a line stops without this material.")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    justification = models.TextField(
        _("justification"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    # Rolled up from the commitments, under the request's row lock (see supply.services).
    qty_committed = models.DecimalField(_("committed"), max_digits=14, decimal_places=3, default=Decimal(0))
    qty_in_transit = models.DecimalField(_("in transit"), max_digits=14, decimal_places=3, default=Decimal(0))
    qty_delivered = models.DecimalField(_("delivered"), max_digits=14, decimal_places=3, default=Decimal(0))

    # The computed score and its parts; `priority` is what the queue sorts on (the override when one is set).
    priority_score = models.IntegerField(_("computed priority"), default=0)
    priority_parts = models.JSONField(_("priority parts"), default=list, blank=True)
    priority_override = models.IntegerField(_("priority override"), null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    priority = models.IntegerField(_("priority"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("last confirmed at"), null=True, blank=True, help_text=_("When the fab last confirmed it still needs this.")
    )
    # Set when the request is reported stale, so the report goes out once; re-confirming clears it.
    stale_notified_at = models.DateTimeField(_("reported stale at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set before a save, django-simple-history writes it as the reason of the history row (declared, not assigned:
    # the attribute exists only when a service sets it).
    _change_reason: str
    objects = SupplyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "submitted_at", "pk"]
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        indexes = [
            # The queue: open requests by priority. A partial index keeps it small and the query a single scan.
            models.Index(
                fields=["-priority", "submitted_at", "id"],
                name="supply_queue_idx",
                condition=Q(status__in=list(SupplyRequestQuerySet.OPEN_STATUSES)),
            ),
            # Lists of every status (a fab's history, a partner's full sync) keep the same order without a sort.
            models.Index(fields=["-priority", "submitted_at", "id"], name="supply_priority_idx"),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["category", "status"]),
            # A fab's own list (the API's default order under its scope).
            models.Index(fields=["organisation", "-priority", "submitted_at", "id"], name="supply_org_priority_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supply_request_quantity_positive"),
            # The last line of defence against over-allocation, whatever the code above it does.
            models.CheckConstraint(
                condition=Q(qty_committed__gte=0) & Q(qty_committed__lte=F("quantity")),
                name="supply_request_not_overcommitted",
            ),
            models.CheckConstraint(
                condition=Q(qty_delivered__gte=0) & Q(qty_in_transit__gte=0), name="supply_request_rollups_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "rejected", "cancelled", "fulfilled"]),
                name="supply_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.material} × {self.quantity.normalize():f} {self.get_unit_display()}"

    def clean(self) -> None:
        """The request's own rules, known from its fields alone, so that a form says them all in its first round:
        a hazardous category needs its UN number; supply requests are for IC materials; a draft (what a fab
        writes or edits) is not needed by a day already past."""
        errors: dict[str, list[str]] = {}
        category = self.category if self.category_id is not None else None
        if category is not None and category.hazardous and not self.un_number:
            errors.setdefault("un_number", []).append(
                str(_("%(category)s are hazardous goods: give the UN number.") % {"category": category.name})
            )
        if category is not None and category.group != MaterialCategory.Group.MATERIAL:
            errors.setdefault("category", []).append(
                str(_("Supply requests are for IC materials; donations are separate."))
            )
        problem = needed_by_problem(self.needed_by) if self.status == self.Status.DRAFT else None
        if problem:
            errors.setdefault("needed_by", []).append(problem)
        if errors:
            raise ValidationError(errors)

    @property
    def remaining(self) -> Decimal:
        return max(self.quantity - self.qty_committed, Decimal(0))

    @property
    def is_open(self) -> bool:
        return self.status in SupplyRequestQuerySet.OPEN_STATUSES

    @property
    def committed_state(self) -> str:
        return _fill_state(self.qty_committed, self.quantity)

    @property
    def delivered_state(self) -> str:
        return _fill_state(self.qty_delivered, self.quantity)

    @property
    def is_closed(self) -> bool:
        return self.status in SupplyRequestQuerySet.CLOSED_STATUSES

    @property
    def is_stale(self) -> bool:
        """SupplyRequestQuerySet.stale() for the row in hand (a list shows it without a query per row)."""
        return self.is_open and self.confirmed_at is not None and self.confirmed_at < request_stale_cutoff()


def needed_by_problem(needed_by: date | None) -> str | None:
    """Why a needed-by date cannot be asked for (a day already past), or None; today is accepted."""
    if isinstance(needed_by, date) and needed_by < timezone.localdate():
        return str(
            _("The needed-by date %(date)s is in the past. Give the day you need it by: today or later.")
            % {"date": needed_by.isoformat()}
        )
    return None


def _fill_state(done: Decimal, wanted: Decimal) -> str:
    if done <= 0:
        return "nothing"
    return "complete" if done >= wanted else "partial"


class RequestTransition(models.Model):
    """One step of a request's workflow: who moved it, when, and why."""

    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=12, choices=SupplyRequest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=SupplyRequest.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_api_key = models.ForeignKey(
        "members.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("API key")
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    LIVE_STATUSES = ("offered", "accepted", "shipped", "delivered")

    def live(self) -> Self:
        return self.filter(status__in=self.LIVE_STATUSES)


class Commitment(models.Model):
    """A supplier's promise of a quantity against a request, then its shipment and delivery."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        SupplyRequest, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("supply request")
    )
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("supplier")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, validators=[POSITIVE])
    expected_ship_date = models.DateField(_("expected ship date"))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    notes = models.TextField(_("notes"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_quantity = models.DecimalField(
        _("received quantity"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why it was withdrawn or declined."),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["request", "status"]),
            # The API list's default order, for the secretariat and under a supplier's scope.
            models.Index(fields=["-created_at", "-id"], name="commitment_list_idx"),
            models.Index(fields=["supplier", "-created_at", "-id"], name="commitment_supplier_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commitment_quantity_positive"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__isnull=True) | Q(delivered_quantity__gte=0),
                name="commitment_delivered_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → #{self.request_id}: {self.quantity.normalize():f}"

    @property
    def is_live(self) -> bool:
        return self.status in CommitmentQuerySet.LIVE_STATUSES


class Shipment(ShipmentBase):
    """How a commitment's goods travel from the supplier to the fab's site, carried by a logistics member (see
    alliance_portal.shipping). Its UN number and storage class are the request's, copied when the carrier is assigned,
    so the carrier sees them without seeing the request's private part."""

    commitment = models.OneToOneField(
        Commitment, on_delete=models.PROTECT, related_name="shipment", verbose_name=_("commitment")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commitment shipment")
        verbose_name_plural = _("commitment shipments")
        indexes = [models.Index(fields=["carrier", "status"])]

    def __str__(self) -> str:
        return f"{self.tracking_number or '—'} (commitment #{self.commitment_id})"


class ShipmentCheckpoint(CheckpointBase):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="checkpoints")

    class Meta(CheckpointBase.Meta):
        verbose_name = _("commitment shipment checkpoint")
        verbose_name_plural = _("commitment shipment checkpoints")


class SupplierCapacityQuerySet(models.QuerySet["SupplierCapacity"]):
    def stale(self, *, now: datetime | None = None) -> Self:
        return self.filter(confirmed_at__lt=capacity_stale_cutoff(now))

    def fresh(self, *, now: datetime | None = None) -> Self:
        return self.filter(confirmed_at__gte=capacity_stale_cutoff(now))


class SupplierCapacity(models.Model):
    """What a supplier says it can ship of a category, and when it last said so."""

    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("supplier")
    )
    category = models.ForeignKey(
        MaterialCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("material category")
    )
    quantity_per_week = models.DecimalField(
        _("quantity per week"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("last confirmed at"), default=timezone.now)

    history = HistoricalRecords()
    objects = SupplierCapacityQuerySet.as_manager()

    class Meta:
        ordering = ["supplier_id", "category__sort_order"]
        verbose_name = _("supplier capacity")
        verbose_name_plural = _("supplier capacities")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "category"], name="capacity_one_per_supplier_category")
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.category}"

    @property
    def is_stale(self) -> bool:
        """SupplierCapacityQuerySet.stale() for the row in hand."""
        return self.confirmed_at < capacity_stale_cutoff()


class Qualification(models.Model):
    """A fab has qualified a supplier for a category: only then can the fab take that supplier's material."""

    fab = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="qualified_suppliers", verbose_name=_("fab")
    )
    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("supplier")
    )
    category = models.ForeignKey(
        MaterialCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("material category")
    )
    qualified_on = models.DateField(_("qualified on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["fab_id", "supplier_id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["fab", "supplier", "category"], name="qualification_unique"),
            models.CheckConstraint(condition=~Q(fab=F("supplier")), name="qualification_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.fab} ✓ {self.supplier} ({self.category})"
