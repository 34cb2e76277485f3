"""The priority of a request: scored from its inputs, recomputed in bulk when an input changes, and overridden by
the secretariat with a reason that is kept."""

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import RiskArea, RiskLevel
from members.rules import Actor, require_secretariat
from members.selectors import current_risk_level
from members.selectors_reports import reported_days_of_stock

from .. import priority as priority_rules
from ..models import SupplyRequest

PRIORITY_FIELDS = ["priority_score", "priority_parts", "priority"]
# django-simple-history keeps a change reason of at most 100 characters (PostgreSQL refuses more); the full reason is
# kept on the row itself (override_reason, RequestTransition.reason).
HISTORY_REASON_MAX = 100


def _own_figure_date(request: SupplyRequest) -> date | None:
    """When the request's own days of stock were last stated: re-confirmed, submitted or written."""
    when = request.confirmed_at or request.submitted_at or request.created_at
    return timezone.localdate(when) if when is not None else None


def effective_stock(request: SupplyRequest, reported: Mapping[int, tuple[int, date]]) -> tuple[int, date | None]:
    """The days of stock that count: the fab's status-report figure for the category when it is newer than the
    request's own (then with its report date), else the request's own."""
    figure = reported.get(request.category_id)
    own_date = _own_figure_date(request)
    if figure is not None and (own_date is None or figure[1] > own_date):
        return figure[0], figure[1]
    return request.days_of_stock, None


def _apply_priority(
    request: SupplyRequest,
    *,
    risk_level: str,
    guarantee: bool,
    reported: Mapping[int, tuple[int, date]] | None = None,
    now: datetime | None = None,
) -> None:
    days_of_stock, reported_on = effective_stock(request, reported or {})
    score, parts = priority_rules.compute(
        priority_rules.Inputs(
            risk_level=risk_level,
            priority_guarantee=guarantee,
            days_of_stock=days_of_stock,
            stock_reported_on=reported_on,
            urgency=request.urgency,
            needed_by=request.needed_by,
            submitted_at=request.submitted_at,
        ),
        now=now,
    )
    request.priority_score = score
    request.priority_parts = parts
    request.priority = request.priority_override if request.priority_override is not None else score


def score(request: SupplyRequest) -> None:
    """Scores one request from its delivery site's current risk level and its fab's guarantee."""
    level = current_risk_level(province=request.site.province, city=request.site.city)
    _apply_priority(
        request,
        risk_level=level,
        guarantee=request.organisation.priority_guarantee,
        reported=reported_days_of_stock(request.organisation_id),
    )


@transaction.atomic
def priority_recompute_bulk(
    *, province: str | None = None, city: str | None = None, organisation_id: int | None = None
) -> int:
    """Recomputes every open (and draft) request matching the filter in one bulk update; returns how many.

    Called when a risk level changes (a city), when a fab's priority guarantee changes (an organisation), and
    periodically for the waiting time (everything).
    """
    requests = SupplyRequest.objects.not_closed().select_related("site", "organisation")
    if province is not None:
        requests = requests.filter(site__province=province)
    if city is not None:
        requests = requests.filter(site__city=city)
    if organisation_id is not None:
        requests = requests.filter(organisation_id=organisation_id)
    levels = {(a.province, a.city): a.level for a in RiskArea.objects.only("province", "city", "level")}
    # Each fab's latest reported days of stock, read once per fab (a handful of fabs, thousands of requests).
    reported: dict[int, dict[int, tuple[int, date]]] = {}
    now = timezone.now()
    batch: list[SupplyRequest] = []
    count = 0
    for request in requests.iterator(chunk_size=2000):
        before = (request.priority_score, request.priority_parts, request.priority)
        if request.organisation_id not in reported:
            reported[request.organisation_id] = reported_days_of_stock(request.organisation_id)
        _apply_priority(
            request,
            risk_level=levels.get((request.site.province, request.site.city), RiskLevel.LOW),
            guarantee=request.organisation.priority_guarantee,
            reported=reported[request.organisation_id],
            now=now,
        )
        count += 1
        if (request.priority_score, request.priority_parts, request.priority) == before:
            continue
        # Only rows whose priority moved are written, and they are marked changed (updated_at), so a partner
        # syncing with the API's `updated_since` sees the new order and an unchanged row keeps its ETag.
        request.updated_at = now
        batch.append(request)
        if len(batch) >= 2000:
            SupplyRequest.objects.bulk_update(batch, [*PRIORITY_FIELDS, "updated_at"])
            batch = []
    if batch:
        SupplyRequest.objects.bulk_update(batch, [*PRIORITY_FIELDS, "updated_at"])
    return count


@transaction.atomic
def supply_request_override_priority(
    *, request: SupplyRequest, priority: int | None, reason: str, actor: Actor
) -> SupplyRequest:
    """The secretariat sets the queue position by hand (or clears it with None); the reason is kept in history."""
    require_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"override_reason": _("Say why the priority is overridden; the reason is kept.")})
    max_length = SupplyRequest._meta.get_field("override_reason").max_length
    if max_length is not None and len(reason) > max_length:
        raise ValidationError(
            {"override_reason": _("The reason can be at most %(max)d characters long.") % {"max": max_length}}
        )
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    request.priority_override = priority
    request.override_reason = reason
    request.priority = priority if priority is not None else request.priority_score
    request._change_reason = reason[:HISTORY_REASON_MAX]
    request.save(update_fields=["priority_override", "override_reason", "priority", "updated_at"])
    return request
