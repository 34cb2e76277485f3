from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from alliance_portal.demo import register_demo


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Member registry")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import risk  # noqa: F401  # its receivers keep each site's risk level
        from .demo_reports import seed_demo_reports
        from .models import MaterialCategory
        from .selectors import category_changed

        # The per-process memo of the categories (selectors.category_index) is read again after a change.
        post_save.connect(category_changed, sender=MaterialCategory, dispatch_uid="members.category_index")
        post_delete.connect(category_changed, sender=MaterialCategory, dispatch_uid="members.category_index.delete")

        # The members themselves are seeded by the seed_demo command before any registered seeder; the status
        # reports come first among those, so the other apps' demo data can build on them.
        register_demo("members", seed_demo_reports, order=5)
