from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

admin.site.site_header = _("Alliance Portal — secretariat")
admin.site.site_title = _("Alliance Portal")
admin.site.index_title = _("Secretariat administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
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
    path("api/v1/", include("alliance_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

handler404 = "alliance_portal.views.page_not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
