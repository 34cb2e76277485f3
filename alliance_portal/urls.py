from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import views

admin.site.site_header = _("Alliance Portal — secretariat")
admin.site.site_title = _("Alliance Portal")
admin.site.index_title = _("Secretariat administration")

urlpatterns = [
    # First: partners' systems call the API all day, and a path is matched against the patterns in order.
    path("api/v1/", include("alliance_portal.api_urls")),
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("start/", include("dashboard.urls_start")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("members.urls_accounts")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    path("supply/", include("supply.urls")),
    path("notices/", include("notices.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("assistance/", include("assistance.urls")),
    path("donations/", include("donations.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script from its own address (`?script`), not inline.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # ReDoc writes its styles into <style> elements as it renders and runs its search in a worker made from a blob:
    # on this page only, inline styles and blob: workers are allowed (still no inline script, nothing foreign).
    path(
        "api/redoc/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="api-redoc",
    ),
]

handler404 = "alliance_portal.views.page_not_found"

# The benchmark's bare `.values()` views (bench/api_floor.py): only on a server started with API_BENCH_VIEWS=1.
if settings.API_BENCH_VIEWS:
    from . import bench_views

    urlpatterns += bench_views.urlpatterns

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
