"""Appeals, pledges of money or goods, their shipment to the beneficiary, and certificates of thanks.

Money is Decimal with its currency; a pledge in a foreign currency keeps the rate entered and its CNY value, which is
what totals add up. Quantities are Decimal with their unit. Nothing is deleted: a pledge is cancelled with a reason,
an appeal closed; every transition is a `PledgeTransition` row (who, when, why) and django-simple-history keeps the
rest.
"""

from datetime import date
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliance_portal.shipping import CheckpointBase, ShipmentBase
from members.models import MaterialCategory, Organisation, pick_language

POSITIVE = MinValueValidator(Decimal("0.001"))
currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Give the currency as its three-letter ISO code, e.g. CNY."))


class Appeal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_zh = models.TextField(
        _("description (Chinese)"),
        blank=True,
        help_text=_("Markdown."),
        max_length=10000,
        validators=[MaxLengthValidator(10000)],
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("Markdown."),
        max_length=10000,
        validators=[MaxLengthValidator(10000)],
    )
    beneficiary_name = models.CharField(_("beneficiary"), max_length=200)
    beneficiary_city = models.CharField(_("beneficiary's city"), max_length=60)
    beneficiary_contact = models.CharField(
        _("beneficiary's contact"), max_length=200, blank=True, help_text=_("Name and telephone of the person.")
    )
    beneficiary_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_received",
        verbose_name=_("beneficiary's member organisation"),
        help_text=_("When the beneficiary is a member: its people may confirm receipt."),
    )
    money_target_cny = models.DecimalField(
        _("money target (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[POSITIVE]
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closing_soon_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    target_reached_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(money_target_cny__isnull=True) | Q(money_target_cny__gt=0),
                name="appeal_money_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AppealItem(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="items", verbose_name=_("appeal"))
    category = models.ForeignKey(
        MaterialCategory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"group": MaterialCategory.Group.EMERGENCY},
        verbose_name=_("item"),
    )
    specification = models.CharField(_("specification or standard"), max_length=200, blank=True)
    target_quantity = models.DecimalField(_("target quantity"), max_digits=14, decimal_places=3, validators=[POSITIVE])
    unit = models.CharField(_("unit"), max_length=20)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category__sort_order", "pk"]
        verbose_name = _("appeal item")
        verbose_name_plural = _("appeal items")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "category"], name="appeal_item_one_per_category"),
            models.CheckConstraint(condition=Q(target_quantity__gt=0), name="appeal_item_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.target_quantity.normalize():f} {self.unit}"


class PledgeQuerySet(models.QuerySet["Pledge"]):
    LIVE = ("pledged", "confirmed", "dispatched", "delivered", "acknowledged")
    NOT_DISPATCHED = ("pledged", "confirmed")
    ON_THE_WAY_OR_ARRIVED = ("dispatched", "delivered", "acknowledged")
    ARRIVED = ("delivered", "acknowledged")

    def live(self) -> Self:
        return self.filter(status__in=self.LIVE)

    def overdue(self, today: date | None = None) -> Self:
        """Past the promised date and not dispatched yet."""
        return self.filter(status__in=self.NOT_DISPATCHED, promised_date__lt=today or timezone.localdate())


class Pledge(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        MONEY = "money", _("Money")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPATCHED = "dispatched", _("Dispatched")
        DELIVERED = "delivered", _("Delivered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        DIRECT = "direct", _("Direct to the beneficiary")
        ALLIANCE = "alliance", _("Through the alliance")
        INTERNATIONAL = "international", _("International purchase")

    class Customs(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DECLARED = "declared", _("Declared")
        CLEARED = "cleared", _("Cleared")

    donor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor"))
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="pledges", verbose_name=_("appeal")
    )
    beneficiary_name = models.CharField(
        _("beneficiary"), max_length=200, blank=True, help_text=_("For a pledge outside an appeal: who receives it.")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.GOODS)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[POSITIVE]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY", validators=[currency_validator])
    exchange_rate = models.DecimalField(
        _("rate to CNY"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("CNY for one unit of the currency, as entered."),
    )
    amount_cny = models.DecimalField(_("value (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    received_cny = models.DecimalField(
        _("received (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices, default=Channel.ALLIANCE)
    origin_country = models.CharField(_("country of origin"), max_length=60, blank=True)
    supplier_name = models.CharField(_("supplier abroad"), max_length=200, blank=True)
    customs_status = models.CharField(_("customs"), max_length=12, choices=Customs.choices, blank=True)
    customs_date = models.DateField(_("customs date"), null=True, blank=True)
    named_publicly = models.BooleanField(
        _("name us on the honour roll"), default=True, help_text=_("Otherwise the gift counts without a name.")
    )
    promised_date = models.DateField(_("promised date"))
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLEDGED)
    reason = models.TextField(
        _("reason for cancelling"), blank=True, editable=False, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    certificate_number = models.CharField(
        _("certificate number"), max_length=24, null=True, blank=True, unique=True, editable=False
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Set before a save, django-simple-history writes it as the reason of the history row (declared, not assigned:
    # the attribute exists only when a service sets it).
    _change_reason: str
    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        indexes = [
            models.Index(fields=["donor", "status"]),
            # The API list's default order, for the secretariat and under a donor's scope.
            models.Index(fields=["-created_at", "-id"], name="pledge_list_idx"),
            models.Index(fields=["donor", "-created_at", "-id"], name="pledge_donor_list_idx"),
            models.Index(fields=["appeal", "status"]),
            models.Index(fields=["status", "promised_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appeal__isnull=False) | ~Q(beneficiary_name=""), name="pledge_has_beneficiary"
            ),
            models.CheckConstraint(
                condition=Q(kind="goods", amount__isnull=True)
                | Q(kind="money", amount__gt=0, exchange_rate__gt=0, amount_cny__gte=0),
                name="pledge_money_has_amount_and_rate",
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__isnull=True) | Q(status="acknowledged"),
                name="pledge_certificate_only_when_acknowledged",
            ),
            models.CheckConstraint(
                condition=Q(received_cny__isnull=True) | Q(received_cny__gte=0, received_cny__lte=F("amount_cny")),
                name="pledge_received_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.donor}"

    @property
    def beneficiary(self) -> str:
        # No query without an appeal: Django answers None for an empty foreign key without asking the database.
        appeal = self.appeal
        return appeal.beneficiary_name if appeal is not None else self.beneficiary_name

    @property
    def is_money(self) -> bool:
        return self.kind == self.Kind.MONEY

    @property
    def is_overdue(self) -> bool:
        return self.status in PledgeQuerySet.NOT_DISPATCHED and self.promised_date < timezone.localdate()

    @property
    def value_cny(self) -> Decimal:
        """What the pledge is worth in CNY: the money's value, or the goods' estimated value."""
        if self.is_money:
            return self.amount_cny or Decimal(0)
        return sum((line.estimated_value_cny or Decimal(0) for line in self.lines.all()), Decimal(0))


class PledgeLine(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="lines", verbose_name=_("pledge"))
    appeal_item = models.ForeignKey(
        AppealItem, on_delete=models.PROTECT, null=True, blank=True, related_name="lines", verbose_name=_("appeal item")
    )
    category = models.ForeignKey(
        MaterialCategory,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"group": MaterialCategory.Group.EMERGENCY},
        verbose_name=_("item"),
    )
    specification = models.CharField(
        _("specification or standard"), max_length=200, blank=True, help_text=_("e.g. GB 2626-2019 KN95")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, validators=[POSITIVE])
    unit = models.CharField(_("unit"), max_length=20)
    estimated_value_cny = models.DecimalField(
        _("estimated value (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    delivered_quantity = models.DecimalField(
        _("quantity received"), max_digits=14, decimal_places=3, default=Decimal(0), editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pledge line")
        verbose_name_plural = _("pledge lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pledge_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__gte=0, delivered_quantity__lte=F("quantity")),
                name="pledge_line_delivered_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.specification} × {self.quantity.normalize():f} {self.unit}".replace("  ", " ")


class PledgeTransition(models.Model):
    """One step of a pledge's lifecycle: who moved it, when, and why."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=12, choices=Pledge.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Pledge.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_api_key = models.ForeignKey(
        "members.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("API key")
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("pledge transition")
        verbose_name_plural = _("pledge transitions")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Shipment(ShipmentBase):
    """How a pledge's goods travel to the beneficiary (see alliance_portal.shipping)."""

    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="shipment", verbose_name=_("pledge"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["carrier", "status"])]

    def __str__(self) -> str:
        return f"{self.tracking_number or '—'} (#{self.pledge_id})"


class ShipmentCheckpoint(CheckpointBase):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="checkpoints")

    class Meta(CheckpointBase.Meta):
        verbose_name = _("shipment checkpoint")
        verbose_name_plural = _("shipment checkpoints")
