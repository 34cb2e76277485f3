"""What an alert says, in its recipient's language: a subject, a few lines and a link, from the event's payload."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices import events

TITLES = {
    events.SUPPLY_REQUEST_SUBMITTED: gettext_lazy("New supply request"),
    events.SUPPLY_REQUEST_APPROVED: gettext_lazy("Supply request approved"),
    events.SUPPLY_REQUEST_REJECTED: gettext_lazy("Supply request rejected"),
    events.SUPPLY_REQUEST_CANCELLED: gettext_lazy("Supply request cancelled"),
    events.SUPPLY_REQUEST_FULFILLED: gettext_lazy("Supply request fulfilled"),
    events.SUPPLY_REQUEST_STALE: gettext_lazy("Supply request needs re-confirming"),
    events.COMMITMENT_MADE: gettext_lazy("New commitment of supply"),
    events.COMMITMENT_ACCEPTED: gettext_lazy("Commitment accepted"),
    events.COMMITMENT_SHIPPED: gettext_lazy("Commitment shipped"),
    events.COMMITMENT_DELIVERED: gettext_lazy("Commitment delivered"),
    events.COMMITMENT_WITHDRAWN: gettext_lazy("Commitment withdrawn"),
    events.COMMITMENT_DECLINED: gettext_lazy("Commitment declined"),
    events.NOTICE_PUBLISHED: gettext_lazy("New notice"),
    events.NOTICE_REMINDER: gettext_lazy("Reminder: a notice awaits your acknowledgement"),
    events.NOTICE_ESCALATED: gettext_lazy("Notice not acknowledged"),
}

# Payload keys worth a line, with their label; the others stay in the webhook's data.
LABELS = {
    "organisation": gettext_lazy("Requesting organisation"),
    "fab": gettext_lazy("Fab"),
    "supplier": gettext_lazy("Supplier"),
    "material": gettext_lazy("Material"),
    "category": gettext_lazy("Category"),
    "quantity": gettext_lazy("Quantity"),
    "urgency": gettext_lazy("Urgency"),
    "city": gettext_lazy("City"),
    "risk_level": gettext_lazy("Risk level"),
    "status": gettext_lazy("Status"),
    "remaining": gettext_lazy("Remaining"),
    "reason": gettext_lazy("Reason"),
    "days_since_confirmed": gettext_lazy("Days since last confirmed"),
    "tracking_number": gettext_lazy("Tracking number"),
    "received_quantity": gettext_lazy("Quantity received"),
}


@dataclass
class Content:
    subject: str
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""


def _notice_title(payload: dict, language: str) -> str:
    zh, en = payload.get("title_zh") or "", payload.get("title_en") or ""
    return (zh or en) if language.startswith("zh") else (en or zh)


def content_for(event_name: str, payload: dict, language: str) -> Content:
    with translation.override(language):
        title = str(TITLES.get(event_name, event_name))
        lines: list[tuple[str, str]] = []
        detail = ""
        unit = (payload.get("unit_labels") or {}).get(language) or payload.get("unit", "")
        if event_name.startswith("notice."):
            detail = _notice_title(payload, language)
        elif event_name.startswith("supply_request."):
            detail = " ".join(str(v) for v in (payload.get("material", ""), payload.get("quantity", ""), unit)).strip()
        elif event_name.startswith("commitment."):
            detail = _("%(quantity)s for request #%(request)s") % {
                "quantity": payload.get("quantity", ""),
                "request": payload.get("request", ""),
            }
        for key, label in LABELS.items():
            value = payload.get(key)
            if value not in (None, ""):
                if key == "quantity" and unit:
                    value = f"{value} {unit}"
                lines.append((str(label), str(value)))
        url = payload.get("url") or ""
        if url.startswith("/"):
            url = settings.SITE_URL + url
        subject = _("[Alliance Portal] %(title)s") % {"title": f"{title}: {detail}" if detail else title}
        return Content(
            subject=subject,
            title=title if not detail else f"{title}: {detail}",
            lines=lines,
            url=url or settings.SITE_URL + "/",
        )


def alert_text(alert) -> str:
    content = content_for(alert.event.name, alert.event.payload, alert.language)
    parts = [content.subject, *(f"{label}: {value}" for label, value in content.lines), content.url]
    return "\n".join(parts)
