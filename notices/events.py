"""The events notices raises, declared to the alert pipeline when the app starts (NoticesConfig.ready)."""

from django.utils.translation import gettext_lazy

from notices.alerts import EventType, Recipients, organisations_by_ids, reachable_organisations, register_all

NOTICE_PUBLISHED = "notice.published"
NOTICE_REMINDER = "notice.reminder"
NOTICE_ESCALATED = "notice.escalated"

LINES = {"category": gettext_lazy("Category")}


def _title(payload: dict, language: str) -> str:
    zh, en = payload.get("title_zh") or "", payload.get("title_en") or ""
    return (zh or en) if language.startswith("zh") else (en or zh)


def _audience(payload: dict, event) -> Recipients:
    """Every reachable organisation of the notice's audience (the notice is read at fan-out, in the same
    transaction that published it)."""
    from .models import Notice  # noqa: PLC0415 - declared before the models load
    from .selectors import notice_audience  # noqa: PLC0415

    notice = Notice.objects.filter(pk=payload.get("notice_id") or event.object_id).first()
    if notice is None:
        return Recipients()
    reachable = reachable_organisations().values("pk")
    return Recipients(list(notice_audience(notice).filter(pk__in=reachable).values_list("pk", flat=True)))


def _missing(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_ids(payload.get("organisation_ids")))


def _secretariat(payload: dict, event) -> Recipients:
    return Recipients(secretariat=True)


EVENT_TYPES = [
    EventType(
        name=NOTICE_PUBLISHED,
        label=gettext_lazy("New notice"),
        recipients=_audience,
        detail=_title,
        lines=LINES,
        app="notices",
    ),
    EventType(
        name=NOTICE_REMINDER,
        label=gettext_lazy("Reminder: a notice awaits your acknowledgement"),
        recipients=_missing,
        detail=_title,
        app="notices",
    ),
    EventType(
        name=NOTICE_ESCALATED,
        label=gettext_lazy("Notice not acknowledged"),
        recipients=_secretariat,
        detail=_title,
        app="notices",
    ),
]


def register() -> None:
    register_all(EVENT_TYPES)
