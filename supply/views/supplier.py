"""A materials supplier's supply pages: the queue of approved requests in its categories and committing to one,
its own commitments (withdraw, ship), and the capacity it states per category.

A supplier sees a request's public part only: never the fab's justification or history, and of the commitments
only its own, so no supplier learns another's prices or notes.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.web import add_service_errors
from members.models import MaterialCategory, Organisation
from members.rules import Actor

from .. import services
from ..forms import (
    CapacityForm,
    CommitmentFilterForm,
    CommitmentForm,
    ReasonForm,
    ShipForm,
    SupplierQueueFilterForm,
)
from ..models import Commitment, SupplierCapacity, SupplyRequest
from ..selectors import (
    request_commitments,
    supplier_capacities,
    supplier_commitments,
    supplier_queue,
    supplier_visible_requests,
)
from .access import act, forbidden, form_page, member_of, organisation_of, posted
from .paging import queue_page

C = Commitment.Status
PAGE_SIZE = 25

supplier_reader = member_of(Organisation.Kind.SUPPLIER)
supplier_writer = member_of(Organisation.Kind.SUPPLIER, write=True)


def _visible_request(actor: Actor, pk: int) -> SupplyRequest:
    """A request the supplier may look at (see supplier_visible_requests); anything else is a 404."""
    return get_object_or_404(supplier_visible_requests(supplier=organisation_of(actor)), pk=pk)


def _own_commitment(actor: Actor, pk: int) -> Commitment:
    return get_object_or_404(supplier_commitments(supplier=organisation_of(actor)), pk=pk)


@require_safe
@supplier_reader
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    supplier = organisation_of(actor)
    form = SupplierQueueFilterForm(request.GET or None, supplier=supplier)
    page_obj = queue_page(
        supplier_queue(supplier=supplier, **form.filters()), page=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request, "supply/supplier/queue.html", {"form": form, "page_obj": page_obj, "can_write": actor.can_write}
    )


@require_http_methods(["GET", "POST"])
@supplier_reader
def request_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The request's public part, the supplier's own commitments to it, and the form to commit (POST)."""
    supply_request = _visible_request(actor, pk)
    form = CommitmentForm(posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(request=supply_request, actor=actor, **form.cleaned_data)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            # Nothing was saved; the figures below are re-read so they agree with the message.
            messages.error(request, error.message)
            supply_request = _visible_request(actor, pk)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "You committed %(quantity)s %(unit)s to request #%(id)s. "
                    "The fab or the secretariat accepts it before you ship."
                )
                % {
                    "quantity": f"{commitment.quantity.normalize():f}",
                    "unit": supply_request.get_unit_display(),
                    "id": pk,
                },
            )
            return redirect("supply:supplier_request", pk=pk)
    context = {
        "supply_request": supply_request,
        "own_commitments": list(request_commitments(request=supply_request, supplier=organisation_of(actor))),
        "form": form,
        "can_commit": actor.can_write
        and supply_request.status == SupplyRequest.Status.APPROVED
        and supply_request.remaining > 0,
    }
    return render(request, "supply/supplier/request_detail.html", context, status=status)


@require_safe
@supplier_reader
def commitment_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = CommitmentFilterForm(request.GET or None)
    commitments = supplier_commitments(supplier=organisation_of(actor), **form.filters())
    page_obj = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "can_write": actor.can_write}
    return render(request, "supply/supplier/commitment_list.html", context)


@require_http_methods(["GET", "POST"])
@supplier_writer
def commitment_withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    commitment = _own_commitment(actor, pk)
    return form_page(
        request,
        form=ReasonForm(posted(request)),
        save=lambda data: services.commitment_withdraw(commitment=commitment, actor=actor, reason=data["reason"]),
        done=_("Your commitment to request #%(id)s is withdrawn; its quantity is open again.")
        % {"id": commitment.request_id},
        then=reverse("supply:commitment_list"),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Withdraw your commitment to request #%(id)s") % {"id": commitment.request_id},
            "intro": _("The fab sees your reason. Only a commitment not yet shipped can be withdrawn."),
            "submit_label": _("Withdraw the commitment"),
            "danger": True,
        },
    )


@require_http_methods(["GET", "POST"])
@supplier_writer
def commitment_ship(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    commitment = _own_commitment(actor, pk)
    return form_page(
        request,
        form=ShipForm(posted(request)),
        save=lambda data: services.commitment_ship(commitment=commitment, actor=actor, **data),
        done=_("Shipment to %(fab)s is recorded; the fab confirms delivery when it arrives.")
        % {"fab": commitment.request.organisation.name},
        then=reverse("supply:commitment_list"),
        context={
            "supply_request": commitment.request,
            "commitment": commitment,
            "heading": _("Ship your commitment to request #%(id)s") % {"id": commitment.request_id},
            "intro": _("Only an accepted commitment ships. The fab is told the carrier and tracking number."),
            "submit_label": _("Record the shipment"),
        },
    )


@require_safe
@supplier_reader
def capacity(request: HttpRequest, actor: Actor) -> HttpResponse:
    supplier = organisation_of(actor)
    capacities = list(supplier_capacities(supplier=supplier))
    stated = {c.category_id for c in capacities}
    missing = [
        category
        for category in supplier.categories_supplied.filter(group=MaterialCategory.Group.MATERIAL).order_by(
            "sort_order"
        )
        if category.pk not in stated
    ]
    context = {
        "capacities": capacities,
        "missing": missing,
        "can_write": actor.can_write,
        "stale_after_days": settings.SUPPLY_CAPACITY_STALE_AFTER_DAYS,
    }
    return render(request, "supply/supplier/capacity.html", context)


@require_http_methods(["GET", "POST"])
@supplier_writer
def capacity_save(request: HttpRequest, actor: Actor) -> HttpResponse:
    supplier = organisation_of(actor)
    initial = {}
    existing = (
        SupplierCapacity.objects.filter(supplier=supplier, category__code=request.GET.get("category", ""))
        .select_related("category")
        .first()
    )
    if existing is not None:
        initial = {
            "category": existing.category.code,
            "quantity_per_week": existing.quantity_per_week,
            "unit": existing.unit,
            "lead_time_days": existing.lead_time_days,
            "notes": existing.notes,
        }
    elif request.GET.get("category"):
        initial = {"category": request.GET["category"]}
    return form_page(
        request,
        form=CapacityForm(posted(request), supplier=supplier, initial=initial),
        save=lambda data: services.capacity_save(actor=actor, **data),
        done=lambda saved: (
            _("Your capacity for %(category)s is saved and confirmed as of today.") % {"category": saved.category.name}
        ),
        then=reverse("supply:capacity"),
        context={
            "heading": _("State your capacity"),
            "intro": _("What you can ship per week and how long it takes; saving confirms the figures as current."),
            "submit_label": _("Save"),
        },
    )


@require_POST
@supplier_writer
def capacity_confirm(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """One click: the figures still hold, so they are saved again as of now."""
    current = get_object_or_404(
        SupplierCapacity.objects.filter(supplier=organisation_of(actor)).select_related("category"), pk=pk
    )
    return act(
        request,
        lambda: services.capacity_save(
            actor=actor,
            category=current.category,
            quantity_per_week=current.quantity_per_week,
            unit=current.unit,
            lead_time_days=current.lead_time_days,
            notes=current.notes,
        ),
        done=_("Your capacity for %(category)s is confirmed as of today.") % {"category": current.category.name},
        then=reverse("supply:capacity"),
    )
