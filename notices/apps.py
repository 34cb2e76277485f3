from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notices and alerts")

    def ready(self):
        from . import demo, events, signals  # noqa: F401 (signals: connects its receivers)

        events.register()
        register_demo("notices", demo.seed_demo, order=20)
