"""The events assistance raises, declared to the alert pipeline when the app starts (AssistanceConfig.ready).

`status_report.missing` is raised here, not in members: members imports no alert module, so the reminder for a
missing report is found through a members selector and raised by this app's task.
"""

from django.utils.translation import gettext_lazy, pgettext_lazy

from notices.alerts import EventType, Recipients, organisations_by_ids, register_all

CASE_OPENED = "assistance_case.opened"
CASE_ASSIGNED = "assistance_case.assigned"
CASE_NOTE = "assistance_case.note"
CASE_RESOLVED = "assistance_case.resolved"
REPORT_MISSING = "status_report.missing"

LINES = {
    "organisation_name": gettext_lazy("Organisation"),
    "type_label": gettext_lazy("Type"),
    "description": pgettext_lazy("assistance case", "Description"),
    "assignee": gettext_lazy("Assigned to"),
    "note": gettext_lazy("Note"),
    "resolution": gettext_lazy("Resolution"),
    "last_report_date": gettext_lazy("Last report"),
}


def _organisation(payload: dict) -> list[int]:
    return organisations_by_ids([payload["organisation_id"]] if payload.get("organisation_id") else [])


def _member_and_secretariat(payload: dict, event) -> Recipients:
    return Recipients(_organisation(payload), secretariat=True)


def _member(payload: dict, event) -> Recipients:
    return Recipients(_organisation(payload))


def _secretariat(payload: dict, event) -> Recipients:
    return Recipients(secretariat=True)


def _case_detail(payload: dict, language: str) -> str:
    label = (payload.get("type_labels") or {}).get(language[:2]) or payload.get("type", "")
    return f"#{payload.get('case_id', '')} {label}".strip()


def _report_detail(payload: dict, language: str) -> str:
    names = payload.get("organisation_names") or {}
    return names.get(language[:2]) or names.get("zh") or ""


def _case_event(name: str, label, recipients) -> EventType:
    return EventType(name=name, label=label, recipients=recipients, detail=_case_detail, lines=LINES, app="assistance")


EVENT_TYPES = [
    _case_event(CASE_OPENED, gettext_lazy("Assistance case opened"), _member_and_secretariat),
    _case_event(CASE_ASSIGNED, gettext_lazy("Assistance case assigned"), _secretariat),
    _case_event(CASE_NOTE, gettext_lazy("New note from the secretariat on your assistance case"), _member),
    _case_event(CASE_RESOLVED, gettext_lazy("Assistance case resolved"), _member_and_secretariat),
    EventType(
        name=REPORT_MISSING,
        label=gettext_lazy("Reminder: your status report is due"),
        recipients=_member,
        detail=_report_detail,
        lines={"last_report_date": gettext_lazy("Last report")},
        app="assistance",
    ),
]


def register() -> None:
    register_all(EVENT_TYPES)
