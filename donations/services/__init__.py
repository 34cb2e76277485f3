"""Every write of donations, one module per family; each checks the caller's right first, then the state."""

from .appeals import AppealItemInput, appeal_close, appeal_create, appeal_open, appeals_flag_closing_soon
from .pledges import (
    LineInput,
    new_certificate_number,
    pledge_acknowledge,
    pledge_cancel,
    pledge_confirm,
    pledge_create,
    pledge_deliver,
    pledge_dispatch,
    pledge_update_customs,
    pledges_flag_overdue,
)
from .shipments import require_carrier, shipment_record_step

__all__ = [
    "AppealItemInput",
    "LineInput",
    "appeal_close",
    "appeal_create",
    "appeal_open",
    "appeals_flag_closing_soon",
    "new_certificate_number",
    "pledge_acknowledge",
    "pledge_cancel",
    "pledge_confirm",
    "pledge_create",
    "pledge_deliver",
    "pledge_dispatch",
    "pledge_update_customs",
    "pledges_flag_overdue",
    "require_carrier",
    "shipment_record_step",
]
