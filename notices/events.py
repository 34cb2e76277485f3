"""The events other apps tell notices about, by name. The alert pipeline turns each into alerts."""

SUPPLY_REQUEST_SUBMITTED = "supply_request.submitted"
SUPPLY_REQUEST_APPROVED = "supply_request.approved"
SUPPLY_REQUEST_REJECTED = "supply_request.rejected"
SUPPLY_REQUEST_CANCELLED = "supply_request.cancelled"
SUPPLY_REQUEST_FULFILLED = "supply_request.fulfilled"
SUPPLY_REQUEST_STALE = "supply_request.stale"
COMMITMENT_MADE = "commitment.made"
COMMITMENT_ACCEPTED = "commitment.accepted"
COMMITMENT_SHIPPED = "commitment.shipped"
COMMITMENT_DELIVERED = "commitment.delivered"
COMMITMENT_WITHDRAWN = "commitment.withdrawn"
COMMITMENT_DECLINED = "commitment.declined"
NOTICE_PUBLISHED = "notice.published"
NOTICE_REMINDER = "notice.reminder"
NOTICE_ESCALATED = "notice.escalated"

ALL = [
    SUPPLY_REQUEST_SUBMITTED,
    SUPPLY_REQUEST_APPROVED,
    SUPPLY_REQUEST_REJECTED,
    SUPPLY_REQUEST_CANCELLED,
    SUPPLY_REQUEST_FULFILLED,
    SUPPLY_REQUEST_STALE,
    COMMITMENT_MADE,
    COMMITMENT_ACCEPTED,
    COMMITMENT_SHIPPED,
    COMMITMENT_DELIVERED,
    COMMITMENT_WITHDRAWN,
    COMMITMENT_DECLINED,
    NOTICE_PUBLISHED,
    NOTICE_REMINDER,
    NOTICE_ESCALATED,
]
