"""A commitment's page and its shipment, for every party to it: the supplier, the fab, the carrier (a logistics
member) and the secretariat; anyone else gets a 404. The carrier records pick-up, checkpoints and hand-over here
(phone-sized); the supplier or the secretariat assigns the carrier; the fab confirms receipt on its delivery page.

The page shows no price or notes: those stay between the supplier, the fab and the secretariat, on the request's
pages. Every write goes through supply.services, which decide (NotAllowed: the 403 page; ConflictError: a message).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.shipping import CheckpointForm, CheckpointKind, carrier_next_steps
from members.rules import Actor

from .. import selectors, services
from ..forms import CarrierForm
from ..models import Commitment
from .access import actor_for, forbidden, form_page, posted


def _commitment_for(actor: Actor, pk: int) -> Commitment:
    commitment = selectors.visible_commitment_for_shipment_page(actor, pk)
    if commitment is None:
        raise Http404
    return commitment


def _confirm_url(actor: Actor, commitment: Commitment) -> str:
    """Where the fab confirms receipt (with the quantity), when it may."""
    if commitment.status != Commitment.Status.SHIPPED:
        return ""
    if actor.can_write and actor.organisation_id == commitment.request.organisation_id:
        return reverse("supply:commitment_deliver", args=[commitment.request_id, commitment.pk])
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request)
    commitment = _commitment_for(actor, pk)
    shipment = getattr(commitment, "shipment", None)
    steps = carrier_next_steps(actor, shipment) if shipment is not None else []
    if request.method == "POST" and not actor.can_write:
        refusal = actor.refusal()
        return forbidden(request, str(refusal.message) if refusal else _("Your organisation or role cannot do this."))

    def save(data: dict) -> object:
        if shipment is None:
            raise ConflictError(_("No carrier has been assigned to this commitment yet."), code="no_shipment")
        return services.shipment_record_step(shipment=shipment, actor=actor, **data)

    return form_page(
        request,
        form=CheckpointForm(posted(request), steps=steps or list(CheckpointKind.values)),
        save=save,
        done=_("Step recorded."),
        then=reverse("supply:commitment_detail", args=[commitment.pk]),
        template="supply/commitment_detail.html",
        context={
            "commitment": commitment,
            "supply_request": commitment.request,
            "shipment": shipment,
            "checkpoints": shipment.checkpoints.all() if shipment is not None else [],
            "steps": steps,
            "can_assign": services.can_assign_carrier(actor, commitment),
            "confirm_url": _confirm_url(actor, commitment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_carrier(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request)
    commitment = _commitment_for(actor, pk)
    try:
        services.commitment_check_assigner(commitment=commitment, actor=actor)
    except NotAllowed as error:
        return forbidden(request, str(error.message))
    shipment = getattr(commitment, "shipment", None)
    initial = {"tracking_number": shipment.tracking_number if shipment else commitment.tracking_number}
    if shipment is not None and shipment.carrier is not None:
        initial["carrier"] = shipment.carrier.slug
    form = CarrierForm(posted(request), carriers=selectors.logistics_members(), initial=initial)

    def save(data: dict) -> object:
        if data["carrier"] is None:  # pragma: no cover - the field is required
            raise ValidationError({"carrier": [_("Choose the carrier.")]})
        return services.commitment_assign_carrier(
            commitment=commitment, actor=actor, carrier=data["carrier"], tracking_number=data["tracking_number"]
        )

    return form_page(
        request,
        form=form,
        save=save,
        done=_("The carrier is assigned; it sees the shipment and records its steps."),
        then=reverse("supply:commitment_detail", args=[commitment.pk]),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Carrier for commitment #%(id)s") % {"id": commitment.pk},
            "intro": _(
                "A logistics member of the alliance carries the goods to the fab's site; it sees the UN number and "
                "storage class of the request. The carrier can be changed until it picks the goods up."
            ),
            "submit_label": _("Assign the carrier"),
        },
    )
