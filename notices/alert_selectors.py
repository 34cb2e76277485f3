"""Reads of the alert pipeline: who an event reaches, and what became of the alerts it made."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from members.models import Organisation

from . import events
from .alert_models import Alert, Event, Subscription

logger = logging.getLogger(__name__)

S = Alert.Status
# Organisations that still hear from the alliance (a withdrawn member does not).
REACHABLE = Q(status__in=[Organisation.Status.ACTIVE, Organisation.Status.PENDING, Organisation.Status.SUSPENDED])

REQUEST_OUTCOMES = {
    events.SUPPLY_REQUEST_APPROVED,
    events.SUPPLY_REQUEST_REJECTED,
    events.SUPPLY_REQUEST_CANCELLED,
    events.SUPPLY_REQUEST_FULFILLED,
    events.SUPPLY_REQUEST_STALE,
}
TO_SECRETARIAT = {events.NOTICE_ESCALATED}


@dataclass(frozen=True)
class Recipients:
    organisation_ids: list[int]
    secretariat: bool = False


def _by_slugs(*slugs) -> list[int]:
    slugs = [s for s in slugs if s]
    if not slugs:
        return []
    return list(Organisation.objects.filter(REACHABLE, slug__in=slugs).values_list("pk", flat=True))


def _urgent(payload: dict) -> bool:
    return payload.get("urgency") == "critical" or payload.get("risk_level") == "high"


def _suppliers_for_request(payload: dict) -> list[int]:
    """The suppliers the fab has qualified for the material (named in the payload by supply); where it has
    qualified none yet, every supplier of the category, so an emergency still finds someone. Plus those that opted
    in to every new request; the per-channel opt-outs are applied when the alerts are made."""
    suppliers = Organisation.objects.filter(REACHABLE, kind=Organisation.Kind.SUPPLIER)
    opted_in = Subscription.objects.filter(event_type=events.SUPPLY_REQUEST_SUBMITTED, enabled=True).values(
        "organisation_id"
    )
    qualified = payload.get("qualified_suppliers") or []
    target = Q(slug__in=qualified) if qualified else Q(categories_supplied__code=payload.get("category"))
    matching = suppliers.filter(target | Q(pk__in=opted_in))
    return list(matching.values_list("pk", flat=True).distinct())


def _notice_audience(payload: dict, event: Event) -> list[int]:
    notice_id = payload.get("notice_id") or event.object_id
    try:
        from .models import Notice  # noqa: PLC0415 - the notices half may not be there yet
        from .selectors import notice_audience  # noqa: PLC0415
    except ImportError:
        logger.warning("notice.published %s: no notice_audience() yet; nobody alerted", notice_id)
        return []
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return []
    return list(notice_audience(notice).filter(REACHABLE).values_list("pk", flat=True))


def event_recipients(event: Event) -> Recipients:
    name, payload = event.name, event.payload or {}
    if name == events.SUPPLY_REQUEST_SUBMITTED:
        return Recipients(_suppliers_for_request(payload) if _urgent(payload) else [], secretariat=True)
    if name in REQUEST_OUTCOMES:
        return Recipients(_by_slugs(payload.get("organisation")) or _own(event))
    if name.startswith("commitment."):
        return Recipients(_by_slugs(payload.get("fab"), payload.get("supplier")))
    if name == events.NOTICE_PUBLISHED:
        return Recipients(_notice_audience(payload, event))
    if name == events.NOTICE_REMINDER:
        ids = [int(i) for i in payload.get("organisation_ids") or []]
        return Recipients(list(Organisation.objects.filter(REACHABLE, pk__in=ids).values_list("pk", flat=True)))
    if name in TO_SECRETARIAT:
        return Recipients([], secretariat=True)
    # An event nobody has routed yet reaches the organisation it concerns, else the secretariat.
    own = _own(event)
    return Recipients(own, secretariat=not own)


def _own(event: Event) -> list[int]:
    return [event.organisation_id] if event.organisation_id else []


def secretariat_emails() -> list[str]:
    if settings.ALERT_SECRETARIAT_EMAILS:
        return list(settings.ALERT_SECRETARIAT_EMAILS)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def delivery_progress(*, notice_id) -> dict:
    """How the alerts of a notice's publication are doing: {"delivered", "pending", "failed"} (sending counts as
    pending)."""
    alerts = Alert.objects.filter(event__name=events.NOTICE_PUBLISHED).filter(
        Q(event__object_type="notices.notice", event__object_id=str(notice_id)) | Q(event__payload__notice_id=notice_id)
    )
    counts = dict(alerts.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "delivered": counts.get(S.DELIVERED, 0),
        "pending": counts.get(S.PENDING, 0) + counts.get(S.SENDING, 0),
        "failed": counts.get(S.FAILED, 0),
    }


def alerts_visible_to(*, organisation_id: int | None, is_staff: bool) -> QuerySet[Alert]:
    alerts = Alert.objects.select_related("event", "organisation", "webhook", "robot")
    if is_staff:
        return alerts
    if organisation_id is None:
        return alerts.none()
    return alerts.filter(organisation_id=organisation_id)
