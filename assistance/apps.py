from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self):
        from . import demo, events, signals  # noqa: F401

        events.register()
        register_demo("assistance", demo.seed_demo, order=40)
