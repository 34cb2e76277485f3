"""Who may open which donations page, and how a page turns a service's answer into what the person sees.

Appeals, the honour roll and the certificate check are public. Pledges and shipments are looked up through
donations.selectors.visible_pledges / visible_shipments, so a record the person is no party to is a 404; whether they
may act on it is the service's question (NotAllowed: the 403 page; ConflictError: a message and nothing changed).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from alliance_portal import web
from alliance_portal.web import act
from members.rules import Actor, actor_for_user
from members.views.access import forbidden, posted

from ..models import Pledge, Shipment
from ..selectors import visible_pledges, visible_shipments

__all__ = ["act", "actor_of", "forbidden", "form_page", "pledge_for", "posted", "shipment_for"]


def actor_of(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def pledge_for(request: HttpRequest, pk: int) -> Pledge:
    return get_object_or_404(visible_pledges(actor_of(request)), pk=pk)


def shipment_for(request: HttpRequest, pk: int) -> Shipment:
    return get_object_or_404(visible_shipments(actor_of(request)), pk=pk)


def form_page(request: HttpRequest, *, template: str = "donations/action_form.html", **kwargs: Any) -> HttpResponse:
    """alliance_portal.web.form_page with donations' action page."""
    return web.form_page(request, template=template, **kwargs)
