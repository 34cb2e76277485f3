"""The donations API: `appeals`, `pledges`, `shipments` (views), their shapes (serializers) and filters."""

from .views import AppealViewSet, PledgeViewSet, ShipmentViewSet

__all__ = ["AppealViewSet", "PledgeViewSet", "ShipmentViewSet"]
