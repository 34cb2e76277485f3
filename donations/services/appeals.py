"""Appeals: the secretariat opens and closes them; members hear of an opening, and of an appeal closing soon."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError
from members.models import MaterialCategory, Organisation
from members.rules import Actor, require_secretariat
from notices.alerts import emit

from .. import events
from ..models import Appeal, AppealItem

A = Appeal.Status
CLOSING_SOON_DAYS = 3


class AppealItemInput(TypedDict):
    category: MaterialCategory
    target_quantity: Decimal
    unit: str
    specification: NotRequired[str]


def _payload(appeal: Appeal) -> dict[str, Any]:
    return {
        "appeal": appeal.pk,
        "appeal_title": {"zh-hans": appeal.title_zh, "en": appeal.title_en},
        "beneficiary": appeal.beneficiary_name,
        "deadline": appeal.deadline.isoformat(),
    }


@transaction.atomic
def appeal_create(
    *,
    actor: Actor,
    title_zh: str,
    title_en: str,
    beneficiary_name: str,
    beneficiary_city: str,
    deadline: date,
    description_zh: str = "",
    description_en: str = "",
    beneficiary_contact: str = "",
    beneficiary_organisation: Organisation | None = None,
    money_target_cny: Decimal | None = None,
    items: Iterable[AppealItemInput] = (),
    open_now: bool = False,
) -> Appeal:
    """A new appeal with its items; a draft unless `open_now`."""
    require_secretariat(actor)
    appeal = Appeal(
        status=A.DRAFT,
        title_zh=title_zh,
        title_en=title_en,
        description_zh=description_zh,
        description_en=description_en,
        beneficiary_name=beneficiary_name,
        beneficiary_city=beneficiary_city,
        beneficiary_contact=beneficiary_contact,
        beneficiary_organisation=beneficiary_organisation,
        money_target_cny=money_target_cny,
        deadline=deadline,
    )
    appeal.full_clean()
    appeal.save()
    for item in items:
        AppealItem.objects.create(appeal=appeal, **item)
    if open_now:
        appeal = appeal_open(appeal=appeal, actor=actor)
    return appeal


@transaction.atomic
def appeal_open(*, appeal: Appeal, actor: Actor) -> Appeal:
    require_secretariat(actor)
    now = timezone.now()
    if not Appeal.objects.filter(pk=appeal.pk, status=A.DRAFT).update(status=A.OPEN, opened_at=now, updated_at=now):
        raise ConflictError(_("Only a draft appeal can be opened."), code="transition_not_allowed")
    appeal.refresh_from_db()
    appeal.save(update_fields=["updated_at"])
    emit(events.APPEAL_OPENED, appeal, payload=_payload(appeal))
    return appeal


@transaction.atomic
def appeal_close(*, appeal: Appeal, actor: Actor) -> Appeal:
    require_secretariat(actor)
    if not Appeal.objects.filter(pk=appeal.pk, status=A.OPEN).update(status=A.CLOSED, updated_at=timezone.now()):
        raise ConflictError(_("Only an open appeal can be closed."), code="transition_not_allowed")
    appeal.refresh_from_db()
    appeal.save(update_fields=["updated_at"])
    return appeal


@transaction.atomic
def appeals_flag_closing_soon(*, days: int = CLOSING_SOON_DAYS) -> int:
    """Raises appeal.closing_soon once for each open appeal whose deadline is within `days`."""
    horizon = timezone.localdate() + timedelta(days=days)
    count = 0
    due = Appeal.objects.filter(status=A.OPEN, deadline__lte=horizon, closing_soon_notified_at__isnull=True)
    for appeal in due:
        if Appeal.objects.filter(pk=appeal.pk, closing_soon_notified_at__isnull=True).update(
            closing_soon_notified_at=timezone.now()
        ):
            emit(events.APPEAL_CLOSING_SOON, appeal, payload=_payload(appeal))
            count += 1
    return count
