from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The secretariat's dashboard, the members' alliance summary and the `stats` API: read-only figures.

    The top of the import graph: it reads every other app's models and selectors, and nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = _("Dashboard")
