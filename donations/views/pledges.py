"""Pledges on the web: a member pledges (to an appeal or to a named beneficiary) and follows its pledges; the
secretariat confirms, records dispatch and delivery and acknowledges; the beneficiary's people confirm receipt.
One pledge page for every party, with the shipment's timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alliance_portal.downloads import file_download
from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.web import add_service_errors
from members.rules import MSG_NO_ORGANISATION, Actor
from members.selectors import membership_for

from .. import selectors, services
from ..certificates import certificate_pdf
from ..forms import (
    CustomsForm,
    DeliverForm,
    DispatchForm,
    PledgeForm,
    PledgeLineFormSet,
    ReasonForm,
)
from ..models import Appeal, Pledge, PledgeQuerySet
from .access import act, actor_of, forbidden, form_page, pledge_for, posted

P = Pledge.Status
PAGE_SIZE = 30


def _lines(formset) -> list:
    return [
        services.LineInput(
            category=form.cleaned_data["category"],
            quantity=form.cleaned_data["quantity"],
            unit=form.cleaned_data["unit"],
            specification=form.cleaned_data.get("specification") or "",
            estimated_value_cny=form.cleaned_data.get("estimated_value_cny"),
        )
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("category") and form.cleaned_data.get("quantity")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest, appeal_pk: int | None = None) -> HttpResponse:
    appeal = None
    if appeal_pk is not None:
        appeal = get_object_or_404(Appeal.objects.exclude(status=Appeal.Status.DRAFT), pk=appeal_pk)
    membership = membership_for(request.user)
    refusal = actor_of(request).refusal()
    if membership is None or refusal is not None:
        return forbidden(request, str(refusal.message if refusal else MSG_NO_ORGANISATION))
    if appeal is not None and not appeal.is_open:
        return forbidden(request, _("This appeal is not open for pledges."))
    form = PledgeForm(posted(request), appeal=appeal, initial={"kind": Pledge.Kind.GOODS})
    formset = PledgeLineFormSet(posted(request), prefix="lines")
    if appeal is not None and request.method == "GET":
        formset = PledgeLineFormSet(
            prefix="lines",
            initial=[
                {"category": item.category, "unit": item.unit} for item in appeal.items.select_related("category")
            ],
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        try:
            pledge = services.pledge_create(
                actor=actor_of(request),
                donor=membership.organisation,
                appeal=appeal,
                beneficiary_name=data.get("beneficiary_name") or "",
                kind=kind,
                amount=data.get("amount") if kind == Pledge.Kind.MONEY else None,
                currency=data.get("currency") or "CNY",
                exchange_rate=data.get("exchange_rate"),
                lines=_lines(formset) if kind == Pledge.Kind.GOODS else [],
                channel=data["channel"],
                origin_country=data.get("origin_country") or "",
                supplier_name=data.get("supplier_name") or "",
                customs_status=data.get("customs_status") or "",
                named_publicly=data.get("named_publicly", False),
                promised_date=data["promised_date"],
                note=data.get("note") or "",
            )
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: pledge #%(id)s is recorded.") % {"id": pledge.pk})
            return redirect("donations:pledge_detail", pk=pledge.pk)
    return render(request, "donations/pledge_form.html", {"form": form, "formset": formset, "appeal": appeal})


@login_required
@require_safe
def pledge_list(request: HttpRequest) -> HttpResponse:
    """A member's pledges (given, received, carried); the secretariat's list of all, filterable, overdue first."""
    actor = actor_of(request)
    if not actor.is_secretariat and actor.organisation is None:
        return forbidden(request, _("Your account does not belong to a member organisation."))
    pledges = selectors.visible_pledges(actor)
    status = request.GET.get("status", "")
    if status in P.values:
        pledges = pledges.filter(status=status)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        pledges = pledges.filter(status__in=PledgeQuerySet.NOT_DISPATCHED, promised_date__lt=timezone.localdate())
    try:
        page = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        page = 1
    rows = list(pledges.order_by("-created_at", "-pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return render(
        request,
        "donations/pledge_list.html",
        {
            "pledges": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
            "status": status,
            "overdue": overdue,
            "statuses": P.choices,
            "is_secretariat": actor.is_secretariat,
        },
    )


def allowed_actions(actor: Actor, pledge: Pledge) -> set[str]:
    """What the page offers; the services decide."""
    if not actor.can_write:
        return set()
    sec = actor.is_secretariat
    donor = actor.organisation_id == pledge.donor_id
    appeal = pledge.appeal
    receiver = appeal is not None and actor.organisation_id == appeal.beneficiary_organisation_id
    receiver = receiver and actor.organisation_id is not None
    actions: set[str] = set()
    if sec and pledge.status == P.PLEDGED:
        actions.add("confirm")
    if (sec or donor) and pledge.status == P.CONFIRMED:
        actions.add("dispatch")
    if (sec or receiver) and pledge.status == P.DISPATCHED:
        actions.add("deliver")
    if sec and pledge.status == P.DELIVERED:
        actions.add("acknowledge")
    if (sec or donor) and pledge.status in (P.PLEDGED, P.CONFIRMED, P.DISPATCHED):
        actions.add("cancel")
        if pledge.channel == Pledge.Channel.INTERNATIONAL:
            actions.add("customs")
    return actions


@login_required
@require_safe
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    actor = actor_of(request)
    shipment = getattr(pledge, "shipment", None) if not pledge.is_money else None
    return render(
        request,
        "donations/pledge_detail.html",
        {
            "pledge": pledge,
            "lines": selectors.pledge_lines(pledge),
            "transitions": pledge.transitions.select_related("by"),
            "shipment": shipment,
            "checkpoints": shipment.checkpoints.all() if shipment else [],
            "actions": allowed_actions(actor, pledge),
            "sees_certificate": pledge.status == P.ACKNOWLEDGED
            and (actor.is_secretariat or actor.organisation_id == pledge.donor_id),
        },
    )


def _back(pledge: Pledge) -> str:
    return reverse("donations:pledge_detail", args=[pledge.pk])


def _read_only(request: HttpRequest) -> HttpResponse | None:
    """A form page that only exists to write: a viewer (or a member of an organisation not in good standing) gets
    the 403 page at once rather than a form the service would refuse."""
    actor = actor_of(request)
    if actor.can_write:
        return None
    refusal = actor.refusal()
    return forbidden(request, str(refusal.message if refusal else MSG_NO_ORGANISATION))


@login_required
@require_POST
def pledge_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    return act(
        request,
        lambda: services.pledge_confirm(pledge=pledge, actor=actor_of(request)),
        done=_("Pledge confirmed."),
        then=_back(pledge),
    )


@login_required
@require_POST
def pledge_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    return act(
        request,
        lambda: services.pledge_acknowledge(pledge=pledge, actor=actor_of(request)),
        done=_("Certificate of thanks issued."),
        then=_back(pledge),
    )


def _form_context(pledge: Pledge, heading: str, submit: str, **extra) -> dict:
    return {"pledge": pledge, "heading": heading, "submit_label": submit, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def pledge_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    if (refused := _read_only(request)) is not None:
        return refused
    return form_page(
        request,
        form=DispatchForm(posted(request)),
        save=lambda data: services.pledge_dispatch(pledge=pledge, actor=actor_of(request), **data),
        done=_("Dispatch recorded."),
        then=_back(pledge),
        context=_form_context(pledge, _("Record dispatch"), _("Record dispatch")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    if (refused := _read_only(request)) is not None:
        return refused
    form = DeliverForm(posted(request), pledge=pledge)
    return form_page(
        request,
        form=form,
        save=lambda data: services.pledge_deliver(
            pledge=pledge,
            actor=actor_of(request),
            received=form.received(),
            received_cny=data.get("received_cny"),
            note=data.get("note", ""),
        ),
        done=_("Delivery recorded."),
        then=_back(pledge),
        context=_form_context(pledge, _("Confirm receipt"), _("Mark delivered")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    if (refused := _read_only(request)) is not None:
        return refused
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.pledge_cancel(pledge=pledge, actor=actor_of(request), reason=data["reason"]),
        done=_("Pledge cancelled."),
        then=_back(pledge),
        context=_form_context(pledge, _("Cancel the pledge"), _("Cancel the pledge"), danger=True),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_customs(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for(request, pk)
    if (refused := _read_only(request)) is not None:
        return refused
    return form_page(
        request,
        form=CustomsForm(posted(request), instance=None, initial={"customs_status": pledge.customs_status}),
        save=lambda data: services.pledge_update_customs(pledge=pledge, actor=actor_of(request), **data),
        done=_("Customs status saved."),
        then=_back(pledge),
        context=_form_context(pledge, _("Customs"), _("Save")),
    )


@login_required
@require_safe
def pledge_certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The certificate's PDF: the donor's and the secretariat's (the public check page shows no more than it)."""
    pledge = pledge_for(request, pk)
    actor = actor_of(request)
    if pledge.status != P.ACKNOWLEDGED:
        raise Http404
    if not (actor.is_secretariat or actor.organisation_id == pledge.donor_id):
        return forbidden(request, _("Only the donor and the secretariat download the certificate."))
    verify_url = request.build_absolute_uri(reverse("donations:certificate_verify", args=[pledge.certificate_number]))
    return file_download(
        certificate_pdf(pledge, verify_url=verify_url),
        content_type="application/pdf",
        filename=f"certificate-{pledge.certificate_number}.pdf",
    )
