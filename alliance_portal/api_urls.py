from rest_framework.routers import DefaultRouter

from members.api import MaterialCategoryViewSet, OrganizationViewSet, RiskAreaViewSet, SiteViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("sites", SiteViewSet, basename="site")
router.register("risk-areas", RiskAreaViewSet, basename="risk-area")
router.register("material-categories", MaterialCategoryViewSet, basename="material-category")

urlpatterns = router.urls
