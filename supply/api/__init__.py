"""REST API of supply coordination: `supply-requests` (the priority queue), `commitments` and
`commitment-shipments`.

The views are thin: a queryset scoped to the caller (see .access), an input serializer, a call to supply.services
(the same services as the web pages and the admin), an output serializer. A service's ConflictError is a 409 and its
NotAllowed a 403 (alliance_portal.api.exception_handler). The caller is `get_caller(request).actor`, the Actor of
members.rules that the services check.
"""

from .commitments import CommitmentViewSet
from .requests import SupplyRequestViewSet
from .shipments import CommitmentShipmentSerializer, CommitmentShipmentViewSet, visible_commitment_shipments

__all__ = [
    "CommitmentShipmentSerializer",
    "CommitmentShipmentViewSet",
    "CommitmentViewSet",
    "SupplyRequestViewSet",
    "visible_commitment_shipments",
]
