"""Shipments on the web: a logistics member's list of what it carries, and the shipment page where the carrier
records pick-up, checkpoints and hand-over (phone-sized)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from alliance_portal.shipping import CheckpointForm, CheckpointKind, carrier_next_steps
from members.models import Organisation

from .. import selectors, services
from .access import actor_of, forbidden, form_page, posted, shipment_for


@login_required
@require_safe
def carried(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.is_secretariat:
        shipments = selectors.visible_shipments(actor)
    elif actor.organisation is not None and actor.organisation.kind == Organisation.Kind.LOGISTICS:
        shipments = selectors.carried_shipments(actor.organisation)
    else:
        return forbidden(request, _("This page is for logistics members: the shipments they carry."))
    return render(request, "donations/shipment_list.html", {"shipments": shipments[:100]})


@login_required
@require_http_methods(["GET", "POST"])
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = shipment_for(request, pk)
    actor = actor_of(request)
    steps = carrier_next_steps(actor, shipment)
    if request.method == "POST" and not actor.can_write:
        return forbidden(request, _("Your role in your organisation is read-only; ask its administrator."))
    form = CheckpointForm(posted(request), steps=steps or list(CheckpointKind.values))
    return form_page(
        request,
        form=form,
        save=lambda data: services.shipment_record_step(shipment=shipment, actor=actor, **data),
        done=_("Step recorded."),
        then=reverse("donations:shipment_detail", args=[shipment.pk]),
        template="donations/shipment_detail.html",
        context={"shipment": shipment, "checkpoints": shipment.checkpoints.all(), "steps": steps},
    )
