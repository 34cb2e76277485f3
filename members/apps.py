from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Member registry")

    def ready(self):
        from .demo_reports import seed_demo_reports

        # The members themselves are seeded by the seed_demo command before any registered seeder; the status
        # reports come first among those, so the other apps' demo data can build on them.
        register_demo("members", seed_demo_reports, order=5)
