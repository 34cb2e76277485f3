"""The movement of goods, shared by every app that ships something (donations' pledges, supply's commitments):
abstract models for a shipment and its checkpoints, the rules of its small workflow, who records which step, the
checkpoint event's common payload and the web form of a step.

A shipment may be carried by a member organisation of kind logistics (`carrier`), or by a carrier named in words
only (`carrier_name`, e.g. the donor's own lorry). Its steps:

    planned → picked up → in transit (any number of checkpoints: place, time, note) → handed over → received

The carrier records pick-up, checkpoints and hand-over; the receiver (or the secretariat) confirms receipt. Each step
is a checkpoint row, so the timeline is the list of checkpoints, oldest first
(templates/includes/shipment_timeline.html).
Dangerous goods keep their UN number and storage class on the shipment, so the carrier always sees them.

A concrete app subclasses both (`class Shipment(ShipmentBase)` with a link to its own record, and
`class ShipmentCheckpoint(CheckpointBase)` with `shipment = ForeignKey(Shipment, related_name="checkpoints")`).
Its service checks the step's right with `require_step_right` (the app says who stands in for a carrier that is no
member, and who receives), then calls `advance_shipment` (or `mark_received` when the receiver's own workflow
confirms the receipt) and emits its checkpoint event with `checkpoint_payload`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import ConflictError, NotAllowed

if TYPE_CHECKING:
    from members.rules import Actor

un_number_validator = RegexValidator(r"^UN\d{4}$", _("Write the UN number as UN followed by four digits, e.g. UN1017."))


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    HANDED_OVER = "handed_over", _("Handed over")
    RECEIVED = "received", _("Received")


class CheckpointKind(models.TextChoices):
    PICKUP = "pickup", _("Picked up")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    HANDOVER = "handover", _("Handed over")
    RECEIVED = "received", _("Receipt confirmed")


# Which step may follow which status; the step's kind sets the new status.
STEP_FROM: dict[str, tuple[str, ...]] = {
    CheckpointKind.PICKUP: (ShipmentStatus.PLANNED,),
    CheckpointKind.CHECKPOINT: (ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT),
    CheckpointKind.HANDOVER: (ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT),
    CheckpointKind.RECEIVED: (ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT, ShipmentStatus.HANDED_OVER),
}
STEP_TO: dict[str, str] = {
    CheckpointKind.PICKUP: ShipmentStatus.PICKED_UP,
    CheckpointKind.CHECKPOINT: ShipmentStatus.IN_TRANSIT,
    CheckpointKind.HANDOVER: ShipmentStatus.HANDED_OVER,
    CheckpointKind.RECEIVED: ShipmentStatus.RECEIVED,
}
# The carrier's own steps; receipt is the receiver's.
CARRIER_STEPS = (CheckpointKind.PICKUP, CheckpointKind.CHECKPOINT, CheckpointKind.HANDOVER)


class ShipmentBase(models.Model):
    carrier = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_carried",
        limit_choices_to={"kind": "logistics"},
        verbose_name=_("carrier (logistics member)"),
    )
    carrier_name = models.CharField(
        _("carrier"), max_length=100, blank=True, help_text=_("When the carrier is not a member: its name.")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    status = models.CharField(
        _("shipment status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.PLANNED
    )
    un_number = models.CharField(_("UN number"), max_length=6, blank=True, validators=[un_number_validator])
    storage_class = models.CharField(
        _("storage class"), max_length=60, blank=True, help_text=_("e.g. flammable liquids, cold chain 2–8 °C.")
    )
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Set before a save, django-simple-history (where the concrete model has it) writes it as the reason of the
    # history row (declared, not assigned: the attribute exists only when advance_shipment sets it).
    _change_reason: str

    class Meta:
        abstract = True

    @property
    def carrier_label(self) -> str:
        return str(self.carrier) if self.carrier_id else self.carrier_name

    @property
    def is_dangerous(self) -> bool:
        return bool(self.un_number)


class CheckpointBase(models.Model):
    kind = models.CharField(_("step"), max_length=12, choices=CheckpointKind.choices)
    place = models.CharField(_("place"), max_length=120, blank=True)
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_key = models.ForeignKey(
        "members.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


TIMESTAMP_FIELD: dict[str, str] = {
    CheckpointKind.PICKUP: "picked_up_at",
    CheckpointKind.HANDOVER: "handed_over_at",
    CheckpointKind.RECEIVED: "received_at",
}


CheckpointT = TypeVar("CheckpointT", bound=CheckpointBase)


def advance_shipment(
    shipment: ShipmentBase,
    *,
    checkpoints: models.Manager[CheckpointT],
    kind: str,
    actor: Actor,
    place: str = "",
    at: datetime | None = None,
    note: str = "",
) -> CheckpointT:
    """Records one step of a shipment (call it inside the app's service, after the app checked the actor's right).

    The status moves with one conditional UPDATE (`status IN` the statuses the step may follow), so a step the
    status does not allow, or the loser of two concurrent steps, is a ConflictError and changes nothing. The step is
    a row of `checkpoints` (the app's CheckpointBase manager, e.g. `ShipmentCheckpoint.objects`)."""
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise ValidationError({"at": [gettext("The time of a step cannot be in the future.")]})
    if kind == CheckpointKind.CHECKPOINT and not place.strip():
        raise ValidationError({"place": [gettext("Say where the goods are.")]})
    fields: dict[str, Any] = {"status": STEP_TO[kind], "updated_at": now}
    if kind in TIMESTAMP_FIELD:
        fields[TIMESTAMP_FIELD[kind]] = at
    model = type(shipment)
    if not model._default_manager.filter(pk=shipment.pk, status__in=STEP_FROM[kind]).update(**fields):
        current = model._default_manager.filter(pk=shipment.pk).values_list("status", flat=True).first() or ""
        label = ShipmentStatus(current).label if current in ShipmentStatus.values else current
        raise ConflictError(
            gettext("The shipment is %(status)s: this step is not possible now.") % {"status": label},
            code="transition_not_allowed",
            extra={"status": current},
        )
    shipment.refresh_from_db()
    # The UPDATE bypassed django-simple-history (where the model has it): saving records the new state there too.
    shipment._change_reason = str(CheckpointKind(kind).label)
    shipment.save(update_fields=["updated_at"])
    return checkpoints.create(
        shipment=shipment,
        kind=kind,
        place=place.strip(),
        at=at,
        note=note.strip(),
        recorded_by=actor.person,
        recorded_by_key=actor.api_key,
    )


def require_step_right(
    actor: Actor,
    shipment: ShipmentBase,
    kind: str,
    *,
    without_member_carrier: Callable[[Actor], None],
    receiver: Callable[[Actor], None],
) -> None:
    """Who records which step (call it before looking at the shipment's state). The carrier's steps: the carrying
    logistics member's admins, members and write keys (the secretariat always), or, for a carrier named in words
    only, whoever `without_member_carrier` lets through (the app's sender). Receipt: whoever `receiver` lets
    through. Each raises NotAllowed."""
    from members.models import Organisation  # noqa: PLC0415 - the app registry is ready by the time a step is taken
    from members.rules import require_write  # noqa: PLC0415

    if kind not in CheckpointKind.values:
        raise ValidationError({"kind": [gettext("Choose a step.")]})
    if kind in CARRIER_STEPS:
        if shipment.carrier_id is not None:
            require_write(actor, organisation=shipment.carrier_id, kinds=[Organisation.Kind.LOGISTICS])
        else:
            without_member_carrier(actor)
    elif kind == CheckpointKind.RECEIVED:
        receiver(actor)
    else:  # pragma: no cover - every kind is one of the two above
        raise NotAllowed(gettext("Unknown step."), code="unknown_step")


def is_carrier(actor: Actor, shipment: ShipmentBase) -> bool:
    """The actor acts for the member that carries the shipment (reading; writing asks `require_step_right`)."""
    return shipment.carrier_id is not None and actor.organisation_id == shipment.carrier_id


def carrier_next_steps(actor: Actor, shipment: ShipmentBase) -> list[str]:
    """The carrier's steps that the shipment's status allows now, for a door to offer (the service decides)."""
    if not actor.can_write or not (actor.is_secretariat or is_carrier(actor, shipment)):
        return []
    return [step for step in CARRIER_STEPS if shipment.status in STEP_FROM[step]]


def mark_received(shipment: ShipmentBase, *, record: Callable[[str], CheckpointT | None]) -> CheckpointT | None:
    """The receiver's own workflow confirmed the receipt (the pledge delivered, the commitment's delivery confirmed),
    after it checked the right: a shipment not yet received is now, through `record(kind)` (the app's step service).
    A shipment still planned (the goods came without the carrier's steps) is taken as picked up first, so the
    receipt is the one step recorded."""
    if shipment.status == ShipmentStatus.RECEIVED:
        return None
    if shipment.status == ShipmentStatus.PLANNED:
        type(shipment)._default_manager.filter(pk=shipment.pk, status=ShipmentStatus.PLANNED).update(
            status=ShipmentStatus.PICKED_UP
        )
        shipment.status = ShipmentStatus.PICKED_UP
    return record(CheckpointKind.RECEIVED)


def checkpoint_payload(shipment: ShipmentBase, checkpoint: CheckpointBase) -> dict[str, Any]:
    """What every app's shipment checkpoint event carries about the step (the app adds its own record's part)."""
    carrier = shipment.carrier
    return {
        "shipment": shipment.pk,
        "carrier": shipment.carrier_label,
        "carrier_slug": carrier.slug if carrier is not None else None,
        "tracking_number": shipment.tracking_number,
        "un_number": shipment.un_number,
        "storage_class": shipment.storage_class,
        "step": checkpoint.kind,
        "place": checkpoint.place,
        "note": checkpoint.note,
        "at": checkpoint.at.isoformat(),
    }


class CheckpointForm(forms.Form):
    """A carrier's step on the web: the steps offered are the ones `carrier_next_steps` allows."""

    kind = forms.ChoiceField(label=_("step"), choices=[])
    place = forms.CharField(label=_("place"), max_length=120, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args: Any, steps: tuple[str, ...] | list[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # declared above
        kind.choices = [(step, CheckpointKind(step).label) for step in steps]
