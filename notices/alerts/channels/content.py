"""What an alert says, in its recipient's language: a subject, a few lines and a link, from the event's payload."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .. import registry


@dataclass
class Content:
    subject: str
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""


def content_for(event_name: str, payload: dict, language: str) -> Content:
    with translation.override(language):
        declared = registry.get(event_name)
        title = str(declared.label) if declared is not None else event_name
        lines: list[tuple[str, str]] = []
        labels = dict(declared.lines) if declared is not None else {}
        detail = declared.detail(payload, language) if declared is not None and declared.detail is not None else ""
        values = declared.values(payload, language) if declared is not None and declared.values else payload
        for key, label in labels.items():
            value = values.get(key)
            if value not in (None, ""):
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
