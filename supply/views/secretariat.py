"""The secretariat's supply pages: the queue of every open request, highest priority first, with filters and bulk
approve / reject; and one request in full, with approve, reject, cancel, priority override and the commitments."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from import_export.formats.base_formats import CSV, XLSX

from alliance_portal.errors import ConflictError, NotAllowed

from .. import services
from ..forms import BulkActionForm, ClearOverrideForm, OverrideForm, ReasonForm, SecretariatQueueFilterForm
from ..models import Commitment, SupplyRequest
from ..resources import SupplyRequestResource
from ..selectors import (
    REQUEST_JOINS,
    matching_suppliers,
    qualified_supplier_ids,
    request_commitments,
    request_transitions,
    secretariat_queue,
    with_risk_level,
)
from .access import act, actor_for, form_page, posted, secretariat_required
from .paging import queue_page
from .rows import QUEUE_ROW_VALUES, secretariat_queue_table

S = SupplyRequest.Status
PAGE_SIZE = 50
MATCHING_SHOWN = 10


def _request(pk: int) -> SupplyRequest:
    return get_object_or_404(with_risk_level(SupplyRequest.objects.select_related(*REQUEST_JOINS)), pk=pk)


def _commitment(request_pk: int, pk: int) -> Commitment:
    commitments = Commitment.objects.filter(request_id=request_pk).select_related("supplier", "request")
    return get_object_or_404(commitments, pk=pk)


def _next_or(request: HttpRequest, default: str) -> str:
    """Back where the action was started (the filtered queue, say), if that is a page of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _detail_url(pk: int) -> str:
    return reverse("supply:secretariat_request", args=[pk])


def _queue_page(request: HttpRequest, query: QueryDict, bulk_form: BulkActionForm, status: int = 200) -> HttpResponse:
    form = SecretariatQueueFilterForm(query or None)
    if form.is_bound:
        form.is_valid()
    rows = secretariat_queue(**form.filters()).values(*QUEUE_ROW_VALUES)
    page_obj = queue_page(rows, page=query.get("page"), per_page=PAGE_SIZE)
    posted_data = bulk_form.data if bulk_form.is_bound else None  # the QueryDict of the POST it was bound to
    here = f"{reverse('supply:secretariat_queue')}?{query.urlencode()}" if query else ""
    table = secretariat_queue_table(
        page_obj.object_list,
        back_to=here or request.get_full_path(),
        selected={str(v) for v in posted_data.getlist("requests")} if isinstance(posted_data, QueryDict) else set(),
        csrf_token=get_token(request),
    )
    context = {"form": form, "page_obj": page_obj, "table": table, "bulk_form": bulk_form}
    return render(request, "supply/secretariat/queue.html", context, status=status)


@require_safe
@secretariat_required
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, request.GET, BulkActionForm())


EXPORT_FORMATS = {"csv": CSV, "xlsx": XLSX}


@require_safe
@secretariat_required
def queue_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The queue as the page's filters and search select it, every row (not a page), as CSV or Excel
    (supply.resources, the admin's export too)."""
    form = SecretariatQueueFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    dataset = SupplyRequestResource().export(queryset=secretariat_queue(**form.filters()))
    export = EXPORT_FORMATS[file_format]()
    data = export.export_data(dataset)
    if not export.is_binary():
        data = data.encode("utf-8-sig")  # with its BOM, so that Excel opens the Chinese as Unicode
    name = f"supply-queue-{timezone.localdate().isoformat()}.{file_format}"
    response = HttpResponse(data, content_type=export.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@secretariat_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected requests, each on its own: one refused does not hold back the others."""
    form = BulkActionForm(request.POST)
    query = QueryDict(request.POST.get("filters", ""))
    if not form.is_valid():
        return _queue_page(request, query, form)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    to_status = S.APPROVED if action == BulkActionForm.APPROVE else S.REJECTED
    actor = actor_for(request)
    ids = form.cleaned_data["requests"]
    done, refused = [], []
    found = SupplyRequest.objects.filter(pk__in=ids).order_by("-priority", "pk")
    for supply_request in found:
        try:
            services.supply_request_transition(request=supply_request, to_status=to_status, actor=actor, reason=reason)
        except (ConflictError, NotAllowed) as error:
            refused.append(f"#{supply_request.pk}: {error.message}")
        else:
            done.append(f"#{supply_request.pk}")
    not_found = _("not found")
    refused += [f"#{pk}: {not_found}" for pk in sorted(set(ids) - {r.pk for r in found})]
    if done:
        template = (
            ngettext("%(count)d request approved: %(ids)s.", "%(count)d requests approved: %(ids)s.", len(done))
            if to_status == S.APPROVED
            else ngettext("%(count)d request rejected: %(ids)s.", "%(count)d requests rejected: %(ids)s.", len(done))
        )
        messages.success(request, template % {"count": len(done), "ids": ", ".join(done)})
    if refused:
        messages.error(request, _("Not changed: %(list)s") % {"list": " ".join(refused)})
    url = reverse("supply:secretariat_queue")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@require_safe
@secretariat_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = _request(pk)
    commitments = list(request_commitments(request=supply_request))
    qualified = qualified_supplier_ids(fab=supply_request.organisation, category=supply_request.category)
    for commitment in commitments:
        commitment.is_qualified = commitment.supplier_id in qualified  # type: ignore[attr-defined]  # for the template
    allowed = services.allowed_transitions(supply_request, actor_for(request))
    context = {
        "supply_request": supply_request,
        "transitions": list(request_transitions(request=supply_request)),
        "commitments": commitments,
        "matching": list(matching_suppliers(request=supply_request)[:MATCHING_SHOWN])
        if not supply_request.is_closed
        else [],
        "can_approve": S.APPROVED in allowed,
        "can_reject": S.REJECTED in allowed,
        "can_cancel": S.CANCELLED in allowed,
        "can_close": S.FULFILLED in allowed and supply_request.qty_delivered >= supply_request.quantity,
    }
    return render(request, "supply/secretariat/request_detail.html", context)


def _transition(request: HttpRequest, pk: int, to_status: str, done: str) -> HttpResponse:
    supply_request = get_object_or_404(SupplyRequest, pk=pk)
    return act(
        request,
        lambda: services.supply_request_transition(
            request=supply_request, to_status=to_status, actor=actor_for(request)
        ),
        done=done % {"id": pk},
        then=_next_or(request, _detail_url(pk)),
    )


@require_POST
@secretariat_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, S.APPROVED, _("Request #%(id)s is approved; suppliers see it in their queue."))


@require_POST
@secretariat_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, S.FULFILLED, _("Request #%(id)s is closed as fulfilled."))


def _reason_page(request: HttpRequest, pk: int, *, to_status: str, heading: str, intro: str, label: str, done: str):
    supply_request = _request(pk)
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.supply_request_transition(
            request=supply_request, to_status=to_status, actor=actor_for(request), reason=data["reason"]
        ),
        done=done % {"id": pk},
        then=_next_or(request, _detail_url(pk)),
        context={
            "supply_request": supply_request,
            "heading": heading % {"id": pk},
            "intro": intro,
            "submit_label": label,
            "danger": True,
            "next": _next_or(request, ""),
        },
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        to_status=S.REJECTED,
        heading=_("Reject request #%(id)s"),
        intro=_("The fab sees your reason. Open offers against the request are declined."),
        label=_("Reject the request"),
        done=_("Request #%(id)s is rejected."),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        to_status=S.CANCELLED,
        heading=_("Cancel request #%(id)s"),
        intro=_("For a request the fab no longer needs or that was filed twice. Open offers are declined."),
        label=_("Cancel the request"),
        done=_("Request #%(id)s is cancelled."),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def request_override(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = _request(pk)
    form = OverrideForm(posted(request), initial={"priority": supply_request.priority})
    return form_page(
        request,
        form=form,
        save=lambda data: services.supply_request_override_priority(
            request=supply_request, priority=data["priority"], reason=data["reason"], actor=actor_for(request)
        ),
        done=lambda saved: (
            _("Request #%(id)s now has priority %(priority)d (computed: %(score)d).")
            % {"id": pk, "priority": saved.priority, "score": saved.priority_score}
        ),
        then=_next_or(request, _detail_url(pk)),
        context={
            "supply_request": supply_request,
            "heading": _("Override the priority of request #%(id)s") % {"id": pk},
            "intro": _("The queue sorts by your figure instead of the computed score until you clear it."),
            "submit_label": _("Override the priority"),
            "next": _next_or(request, ""),
        },
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def request_clear_override(request: HttpRequest, pk: int) -> HttpResponse:
    supply_request = _request(pk)
    if supply_request.priority_override is None:
        messages.info(request, _("Request #%(id)s has no priority override.") % {"id": pk})
        return redirect(_detail_url(pk))
    return form_page(
        request,
        form=ClearOverrideForm(posted(request)),
        save=lambda data: services.supply_request_override_priority(
            request=supply_request, priority=None, reason=data["reason"], actor=actor_for(request)
        ),
        done=lambda saved: (
            _("Request #%(id)s is back to its computed priority, %(score)d.")
            % {"id": pk, "score": saved.priority_score}
        ),
        then=_detail_url(pk),
        context={
            "supply_request": supply_request,
            "heading": _("Clear the priority override of request #%(id)s") % {"id": pk},
            "intro": _("The request goes back to its computed score. Say why; the reason is kept."),
            "submit_label": _("Clear the override"),
        },
    )


@require_POST
@secretariat_required
def commitment_accept(request: HttpRequest, request_pk: int, pk: int) -> HttpResponse:
    commitment = _commitment(request_pk, pk)
    return act(
        request,
        lambda: services.commitment_accept(commitment=commitment, actor=actor_for(request)),
        done=_("The offer of %(supplier)s is accepted.") % {"supplier": commitment.supplier.name},
        then=_detail_url(request_pk),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def commitment_decline(request: HttpRequest, request_pk: int, pk: int) -> HttpResponse:
    commitment = _commitment(request_pk, pk)
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.commitment_decline(
            commitment=commitment, actor=actor_for(request), reason=data["reason"]
        ),
        done=_("The offer of %(supplier)s is declined.") % {"supplier": commitment.supplier.name},
        then=_detail_url(request_pk),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Decline the offer of %(supplier)s") % {"supplier": commitment.supplier.name},
            "intro": _("The supplier and the fab see your reason; the quantity becomes open again."),
            "submit_label": _("Decline the offer"),
            "danger": True,
        },
    )
