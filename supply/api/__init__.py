"""REST API of supply coordination: `supply-requests` (the priority queue) and `commitments`.

The views are thin: a queryset scoped to the caller (see .access), an input serializer, a call to supply.services
(the same services as the web pages and the admin), an output serializer. A service's ConflictError is a 409 and its
PermissionError a 403 (alliance_portal.api.exception_handler).
"""

from .commitments import CommitmentViewSet
from .requests import SupplyRequestViewSet

__all__ = ["CommitmentViewSet", "SupplyRequestViewSet"]
