"""Every write of supply coordination, whichever door it comes through (web, API, admin, Celery).

One module per family of actions; callers use `from supply import services` and `services.<name>`.

Every service that writes for an organisation takes `actor` (members.rules.Actor) and asks members.rules first
(`require_write` / `require_secretariat`: the organisation's standing, the actor's role, kind and party), raising
NotAllowed; only then does it look at the record's state (ConflictError) and the input (ValidationError). The doors
may ask the same questions earlier (to hide a button) through the Actor's properties, never instead.
"""

from .capacity import capacity_save, qualification_add
from .commitments import (
    COMMITMENT_ACTIONS,
    allowed_commitment_actions,
    commitment_accept,
    commitment_check_part,
    commitment_create,
    commitment_decline,
    commitment_deliver,
    commitment_ship,
    commitment_withdraw,
    is_qualified,
)
from .priority import priority_recompute_bulk, supply_request_override_priority
from .requests import (
    REQUEST_FIELDS,
    TRANSITIONS,
    allowed_transitions,
    parties,
    request_payload,
    supply_request_check_part,
    supply_request_create,
    supply_request_flag_stale,
    supply_request_reconfirm,
    supply_request_transition,
    supply_request_update,
)
from .shipments import (
    ASSIGN_CARRIER,
    can_assign_carrier,
    commitment_assign_carrier,
    commitment_check_assigner,
    dangerous_goods,
    shipment_record_step,
)

__all__ = [
    "ASSIGN_CARRIER",
    "can_assign_carrier",
    "commitment_assign_carrier",
    "commitment_check_assigner",
    "dangerous_goods",
    "shipment_record_step",
    "COMMITMENT_ACTIONS",
    "allowed_commitment_actions",
    "REQUEST_FIELDS",
    "TRANSITIONS",
    "allowed_transitions",
    "capacity_save",
    "commitment_accept",
    "commitment_check_part",
    "commitment_create",
    "commitment_decline",
    "commitment_deliver",
    "commitment_ship",
    "commitment_withdraw",
    "is_qualified",
    "parties",
    "priority_recompute_bulk",
    "qualification_add",
    "request_payload",
    "supply_request_check_part",
    "supply_request_create",
    "supply_request_flag_stale",
    "supply_request_override_priority",
    "supply_request_reconfirm",
    "supply_request_transition",
    "supply_request_update",
]
