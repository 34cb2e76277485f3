"""The events donations raises, declared to the alert pipeline when the app starts (DonationsConfig.ready).

The payloads (written by donations.services) carry the slugs of the parties and both languages' titles, so the
pipeline never reads donations' tables.
"""

from django.utils.translation import gettext_lazy

from notices.alerts import EventType, Recipients, organisations_by_slugs, reachable_organisations, register_all

PLEDGE_MADE = "pledge.made"
PLEDGE_CONFIRMED = "pledge.confirmed"
PLEDGE_DISPATCHED = "pledge.dispatched"
PLEDGE_DELIVERED = "pledge.delivered"
PLEDGE_ACKNOWLEDGED = "pledge.acknowledged"
PLEDGE_CANCELLED = "pledge.cancelled"
PLEDGE_OVERDUE = "pledge.overdue"
APPEAL_OPENED = "appeal.opened"
APPEAL_CLOSING_SOON = "appeal.closing_soon"
APPEAL_TARGET_REACHED = "appeal.target_reached"
SHIPMENT_CHECKPOINT = "shipment.checkpoint"

LINES = {
    "donor": gettext_lazy("Donor"),
    "beneficiary": gettext_lazy("Beneficiary"),
    "goods": gettext_lazy("Goods"),
    "amount": gettext_lazy("Amount"),
    "value_cny": gettext_lazy("Value (CNY)"),
    "promised_date": gettext_lazy("Promised date"),
    "deadline": gettext_lazy("Deadline"),
    "carrier": gettext_lazy("Carrier"),
    "tracking_number": gettext_lazy("Tracking number"),
    "step": gettext_lazy("Step"),
    "place": gettext_lazy("Place"),
    "note": gettext_lazy("Note"),
    "reason": gettext_lazy("Reason"),
    "certificate_number": gettext_lazy("Certificate number"),
}


def _pick(texts, language: str) -> str:
    if not isinstance(texts, dict):
        return str(texts or "")
    return texts.get("zh-hans" if language.startswith("zh") else "en") or next(iter(texts.values()), "")


def _pledge_detail(payload: dict, language: str) -> str:
    donor = _pick(payload.get("donor_name"), language)
    return f"#{payload.get('pledge', '')} {donor}".strip()


def _appeal_detail(payload: dict, language: str) -> str:
    return _pick(payload.get("appeal_title"), language)


def _to_donor(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_slugs(payload.get("donor")))


def _to_donor_and_secretariat(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_slugs(payload.get("donor")), secretariat=True)


def _to_donor_and_receiver(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_slugs(payload.get("donor"), payload.get("beneficiary_organisation")))


def _to_parties_of_shipment(payload: dict, event) -> Recipients:
    return Recipients(
        organisations_by_slugs(
            payload.get("donor"), payload.get("carrier_slug"), payload.get("beneficiary_organisation")
        )
    )


def _to_every_member(payload: dict, event) -> Recipients:
    from members.models import Organisation  # noqa: PLC0415 - the registry loads before the models

    active = reachable_organisations().filter(status=Organisation.Status.ACTIVE)
    return Recipients(list(active.values_list("pk", flat=True)), secretariat=True)


def _to_appeal_donors(payload: dict, event) -> Recipients:
    return Recipients(organisations_by_slugs(*(payload.get("donors") or [])), secretariat=True)


def _pledge_event(name: str, label, recipients) -> EventType:
    return EventType(name=name, label=label, recipients=recipients, detail=_pledge_detail, lines=LINES, app="donations")


def _appeal_event(name: str, label, recipients) -> EventType:
    return EventType(name=name, label=label, recipients=recipients, detail=_appeal_detail, lines=LINES, app="donations")


EVENT_TYPES = [
    _pledge_event(PLEDGE_MADE, gettext_lazy("New pledge"), _to_donor_and_secretariat),
    _pledge_event(PLEDGE_CONFIRMED, gettext_lazy("Pledge confirmed"), _to_donor_and_receiver),
    _pledge_event(PLEDGE_DISPATCHED, gettext_lazy("Pledge dispatched"), _to_donor_and_receiver),
    _pledge_event(PLEDGE_DELIVERED, gettext_lazy("Pledge delivered"), _to_donor_and_secretariat),
    _pledge_event(PLEDGE_ACKNOWLEDGED, gettext_lazy("Certificate of thanks issued"), _to_donor),
    _pledge_event(PLEDGE_CANCELLED, gettext_lazy("Pledge cancelled"), _to_donor_and_secretariat),
    _pledge_event(PLEDGE_OVERDUE, gettext_lazy("Pledge overdue"), _to_donor_and_secretariat),
    _pledge_event(SHIPMENT_CHECKPOINT, gettext_lazy("Shipment update"), _to_parties_of_shipment),
    _appeal_event(APPEAL_OPENED, gettext_lazy("New donation appeal"), _to_every_member),
    _appeal_event(APPEAL_CLOSING_SOON, gettext_lazy("Donation appeal closing soon"), _to_every_member),
    _appeal_event(APPEAL_TARGET_REACHED, gettext_lazy("Donation appeal reached its target"), _to_appeal_donors),
]


def register() -> None:
    register_all(EVENT_TYPES)
