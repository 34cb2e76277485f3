from django.urls import path
from rest_framework.routers import DefaultRouter

from assistance.api import AssistanceCaseViewSet
from dashboard.api import ShipmentViewSet, StatsView
from donations.api import AppealViewSet, PledgeViewSet
from members.api import MaterialCategoryViewSet, OrganizationViewSet, RiskAreaViewSet, SiteViewSet
from members.api_reports import StatusReportViewSet
from notices.alerts.api import AlertViewSet, ChatRobotViewSet, SubscriptionViewSet, WebhookViewSet
from notices.api import NoticeViewSet
from supply.api import CommitmentShipmentViewSet, CommitmentViewSet, SupplyRequestViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("sites", SiteViewSet, basename="site")
router.register("risk-areas", RiskAreaViewSet, basename="risk-area")
router.register("material-categories", MaterialCategoryViewSet, basename="material-category")
router.register("supply-requests", SupplyRequestViewSet, basename="supply-request")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("pledges", PledgeViewSet, basename="pledge")
# Pledges' and commitments' shipments in one list (dashboard.api reads both apps); a commitment's is updated at
# commitment-shipments/{id}/, a pledge's at shipments/{id}/.
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("commitment-shipments", CommitmentShipmentViewSet, basename="commitment-shipment")
router.register("notices", NoticeViewSet, basename="notice")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("alerts", AlertViewSet, basename="alert")
router.register("chat-robots", ChatRobotViewSet, basename="chat-robot")
router.register("alert-subscriptions", SubscriptionViewSet, basename="alert-subscription")
router.register("status-reports", StatusReportViewSet, basename="status-report")
router.register("assistance-cases", AssistanceCaseViewSet, basename="assistance-case")

# A single read-only document rather than a collection: a view of its own, not a viewset.
urlpatterns = [*router.urls, path("stats/", StatsView.as_view(), name="stats")]
