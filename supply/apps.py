from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class SupplyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supply"
    verbose_name = _("Supply coordination")

    def ready(self):
        from . import demo, events

        events.register()
        register_demo("supply", demo.seed_demo, order=10)
        from . import signals  # noqa: F401
