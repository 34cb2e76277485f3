"""A pledge's shipment page, where the carrier records pick-up, checkpoints and hand-over (phone-sized). The list of
what a carrier carries, pledges' and commitments' together, is dashboard.views.shipments."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance_portal.shipping import CheckpointForm, CheckpointKind, carrier_next_steps

from .. import services
from .access import actor_of, forbidden, form_page, posted, shipment_for


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
