from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class DonationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from . import demo, events

        events.register()
        register_demo("donations", demo.seed_demo, order=30)
