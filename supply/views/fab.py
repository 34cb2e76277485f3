"""A fab's supply pages: its own requests (drafts included), filing and editing them, and what it does on one:
submit, cancel, re-confirm, accept or decline offers, confirm deliveries, close as fulfilled, qualify suppliers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.web import add_service_errors
from members.models import Organisation
from members.rules import Actor

from .. import services
from ..forms import (
    DeliveryForm,
    QualificationForm,
    ReasonForm,
    RequestFilterForm,
    SupplyRequestForm,
)
from ..models import Commitment, SupplyRequest
from ..selectors import (
    fab_requests,
    matching_suppliers,
    qualified_supplier_ids,
    request_commitments,
    request_transitions,
)
from .access import act, forbidden, form_page, member_of, organisation_of, posted

S = SupplyRequest.Status
C = Commitment.Status
PAGE_SIZE = 25
MATCHING_SHOWN = 10

fab_reader = member_of(Organisation.Kind.FAB)
fab_writer = member_of(Organisation.Kind.FAB, write=True)


def _own_request(actor: Actor, pk: int) -> SupplyRequest:
    """One of the fab's own requests; another organisation's is a 404, as if it did not exist."""
    return get_object_or_404(fab_requests(organisation=organisation_of(actor)), pk=pk)


def _own_commitment(actor: Actor, request_pk: int, pk: int) -> Commitment:
    commitments = Commitment.objects.filter(
        request__organisation=organisation_of(actor), request_id=request_pk
    ).select_related("supplier", "request", "request__organisation", "request__site", "request__category")
    return get_object_or_404(commitments, pk=pk)


def _detail_url(pk: int) -> str:
    return reverse("supply:request_detail", args=[pk])


@require_safe
@fab_reader
def request_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    requests = fab_requests(organisation=organisation_of(actor), **form.filters())
    page_obj = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "can_write": actor.can_write}
    return render(request, "supply/fab/request_list.html", context)


def _saved_message(supply_request: SupplyRequest) -> str:
    if supply_request.status == S.SUBMITTED:
        return _("Request #%(id)s has been submitted to the secretariat.") % {"id": supply_request.pk}
    return _("Request #%(id)s has been saved as a draft.") % {"id": supply_request.pk}


@require_http_methods(["GET", "POST"])
@fab_writer
def request_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SupplyRequestForm(posted(request), organisation=organisation_of(actor))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.supply_request_create(
                actor=actor,
                submit=request.POST.get("action") == "submit",
                **form.service_fields(),
            )
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(created))
            return redirect(_detail_url(created.pk))
    return render(request, "supply/fab/request_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@fab_writer
def request_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    if supply_request.status != S.DRAFT:
        messages.error(
            request,
            _("Only a draft can be edited; this request is %(status)s.")
            % {"status": supply_request.get_status_display()},
        )
        return redirect(_detail_url(pk))
    # A copy for the form: a rejected form writes its values onto its instance, and the page shows the original.
    form = SupplyRequestForm(
        posted(request), instance=SupplyRequest.objects.get(pk=pk), organisation=organisation_of(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            # Saving and submitting are one step for the person, so they succeed or fail together.
            with transaction.atomic():
                saved = services.supply_request_update(request=supply_request, actor=actor, **form.service_fields())
                if request.POST.get("action") == "submit":
                    saved = services.supply_request_transition(request=saved, to_status=S.SUBMITTED, actor=actor)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(saved))
            return redirect(_detail_url(pk))
    return render(request, "supply/fab/request_form.html", {"form": form, "supply_request": supply_request})


@require_safe
@fab_reader
def request_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    allowed = services.allowed_transitions(supply_request, actor)
    commitments = list(request_commitments(request=supply_request))
    qualified = qualified_supplier_ids(fab=organisation_of(actor), category=supply_request.category)
    for commitment in commitments:
        commitment.is_qualified = commitment.supplier_id in qualified  # type: ignore[attr-defined]  # for the template
    context = {
        "supply_request": supply_request,
        "transitions": list(request_transitions(request=supply_request)),
        "commitments": commitments,
        "matching": []
        if supply_request.is_closed
        else list(matching_suppliers(request=supply_request)[:MATCHING_SHOWN]),
        "can_write": actor.can_write,
        "can_edit": supply_request.status == S.DRAFT,
        "can_submit": S.SUBMITTED in allowed,
        "can_cancel": S.CANCELLED in allowed,
        "can_close": S.FULFILLED in allowed and supply_request.qty_delivered >= supply_request.quantity,
        "can_reconfirm": supply_request.is_open,
    }
    return render(request, "supply/fab/request_detail.html", context)


@require_POST
@fab_writer
def request_submit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    return act(
        request,
        lambda: services.supply_request_transition(request=supply_request, to_status=S.SUBMITTED, actor=actor),
        done=_saved_message,
        then=_detail_url(pk),
    )


@require_http_methods(["GET", "POST"])
@fab_writer
def request_cancel(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.supply_request_transition(
            request=supply_request, to_status=S.CANCELLED, actor=actor, reason=data["reason"]
        ),
        done=_("Request #%(id)s has been cancelled; open offers against it were declined.") % {"id": pk},
        then=_detail_url(pk),
        context={
            "supply_request": supply_request,
            "heading": _("Cancel request #%(id)s") % {"id": pk},
            "intro": _("Suppliers' open offers against it are declined with your reason. This cannot be undone."),
            "submit_label": _("Cancel the request"),
            "danger": True,
        },
    )


@require_POST
@fab_writer
def request_reconfirm(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    return act(
        request,
        lambda: services.supply_request_reconfirm(request=supply_request, actor=actor),
        done=_("Thank you: request #%(id)s is confirmed as still needed.") % {"id": pk},
        then=_detail_url(pk),
    )


@require_POST
@fab_writer
def request_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    return act(
        request,
        lambda: services.supply_request_transition(request=supply_request, to_status=S.FULFILLED, actor=actor),
        done=_("Request #%(id)s is closed as fulfilled.") % {"id": pk},
        then=_detail_url(pk),
    )


@require_http_methods(["GET", "POST"])
@fab_writer
def qualification_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    supply_request = _own_request(actor, pk)
    form = QualificationForm(
        posted(request), category=supply_request.category, initial={"supplier": request.GET.get("supplier")}
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.qualification_add(
            fab=organisation_of(actor),
            supplier=data["supplier"],
            category=supply_request.category,
            actor=actor,
            note=data["note"],
        ),
        done=lambda qualification: (
            _("%(supplier)s is recorded as qualified for %(category)s.")
            % {"supplier": qualification.supplier.name, "category": qualification.category.name}
        ),
        then=_detail_url(pk),
        context={
            "supply_request": supply_request,
            "heading": _("Record a qualified supplier"),
            "intro": _(
                "Your organisation has qualified this supplier for %(category)s: its offers can then be accepted."
            )
            % {"category": supply_request.category.name},
            "submit_label": _("Record the qualification"),
        },
    )


@require_POST
@fab_writer
def commitment_accept(request: HttpRequest, actor: Actor, request_pk: int, pk: int) -> HttpResponse:
    commitment = _own_commitment(actor, request_pk, pk)
    return act(
        request,
        lambda: services.commitment_accept(commitment=commitment, actor=actor),
        done=_("You accepted %(supplier)s's offer; it can now ship.") % {"supplier": commitment.supplier.name},
        then=_detail_url(request_pk),
    )


@require_http_methods(["GET", "POST"])
@fab_writer
def commitment_decline(request: HttpRequest, actor: Actor, request_pk: int, pk: int) -> HttpResponse:
    commitment = _own_commitment(actor, request_pk, pk)
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.commitment_decline(commitment=commitment, actor=actor, reason=data["reason"]),
        done=_("You declined %(supplier)s's offer; its quantity is open again.")
        % {"supplier": commitment.supplier.name},
        then=_detail_url(request_pk),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Decline the offer of %(supplier)s") % {"supplier": commitment.supplier.name},
            "intro": _("The supplier sees your reason; the quantity becomes open to other suppliers."),
            "submit_label": _("Decline the offer"),
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
@fab_writer
def commitment_deliver(request: HttpRequest, actor: Actor, request_pk: int, pk: int) -> HttpResponse:
    commitment = _own_commitment(actor, request_pk, pk)
    form = DeliveryForm(posted(request), initial={"received_quantity": commitment.quantity})
    return form_page(
        request,
        form=form,
        save=lambda data: services.commitment_deliver(
            commitment=commitment,
            actor=actor,
            received_quantity=data["received_quantity"],
            delivered_on=data["delivered_on"],
        ),
        done=_("Delivery from %(supplier)s is confirmed.") % {"supplier": commitment.supplier.name},
        then=_detail_url(request_pk),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Confirm delivery from %(supplier)s") % {"supplier": commitment.supplier.name},
            "intro": _("Give the quantity you received; a shortfall is opened again for suppliers to commit."),
            "submit_label": _("Confirm delivery"),
        },
    )
