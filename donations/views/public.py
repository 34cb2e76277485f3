"""Pages anyone may read: the appeals and their progress, the honour roll, and the check of a certificate."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from alliance_portal.markdown import render as render_markdown
from members.rules import actor_for_user

from .. import selectors
from ..models import Pledge


@require_safe
def appeal_list(request: HttpRequest) -> HttpResponse:
    appeals = list(selectors.public_appeals().order_by("status", "deadline", "pk")[:50])
    progress = selectors.appeals_progress(appeals)
    rows = [(appeal, progress[appeal.pk][1], progress[appeal.pk][0]) for appeal in appeals]
    return render(request, "donations/appeal_list.html", {"rows": rows})


@require_safe
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(selectors.public_appeals().select_related("beneficiary_organisation"), pk=pk)
    actor = actor_for_user(request.user)
    return render(
        request,
        "donations/appeal_detail.html",
        {
            "appeal": appeal,
            "description": render_markdown(appeal.description),
            "items": selectors.appeal_items_progress(appeal),
            "money": selectors.appeal_money_progress(appeal),
            "can_pledge": appeal.is_open and actor.organisation is not None and actor.can_write,
        },
    )


@require_safe
def honour_roll(request: HttpRequest) -> HttpResponse:
    return render(request, "donations/honour_roll.html", selectors.honour_roll())


@require_safe
def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Confirms a certificate by its number, showing only what the certificate itself says publicly."""
    pledge = (
        Pledge.objects.filter(certificate_number=number, status=Pledge.Status.ACKNOWLEDGED)
        .select_related("donor", "appeal")
        .first()
    )
    if pledge is None:
        raise Http404
    return render(request, "donations/certificate_verify.html", {"pledge": pledge})
