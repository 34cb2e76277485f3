"""Notices' own receivers.

A notice loaded raw (`loaddata`, and so `import_alliance_data`) is saved without `Notice.save`, so its stored HTML
is what the file held: an archive made before the HTML was stored holds none. Such a row gets its HTML rendered
from its bodies as it is loaded, so a restored notice reads as it did.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import BODY_HTML, Notice


@receiver(post_save, sender=Notice, dispatch_uid="notices.render_loaded_bodies")
def render_loaded_bodies(sender: type[Notice], instance: Notice, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        return
    missing = {body for body, html in BODY_HTML.items() if getattr(instance, body) and not getattr(instance, html)}
    if not missing:
        return
    changed = instance.render_bodies(missing)
    Notice.objects.using(kwargs.get("using") or "default").filter(pk=instance.pk).update(
        **{html: getattr(instance, html) for html in changed}
    )
