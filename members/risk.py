"""The risk level kept on each site (`Site.risk_level`): the level of the risk area of its city, low when the
authorities have not listed the city. Lists of supply requests show the delivery site's level on every row; kept
here, a page reads it with the site instead of looking each city up.

Kept by signals, so that every door that writes a site or a risk area (the admin and its imports, the API, the
services, the demo) keeps it: a site takes its city's level when it is saved; a risk area's sites follow it when it
is saved (its old city's too, when it moved) or deleted. Writes that send no signals (`bulk_create`,
`QuerySet.update`) call `refresh_site_risk_levels` after them. Each change is written in the transaction of the
write that caused it.
"""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import RiskArea, RiskLevel, Site
from .selectors import current_risk_level


def refresh_site_risk_levels(*, province: str | None = None, city: str | None = None, site_id: int | None = None):
    """Writes the level in force on the sites of one city (`province` and `city`), on one site, or on every site;
    one UPDATE. Answers how many sites were written."""
    sites = Site.objects.all()
    if site_id is not None:
        sites = sites.filter(pk=site_id)
    if province is not None or city is not None:
        sites = sites.filter(province=province, city=city)
    level = RiskArea.objects.filter(province=OuterRef("province"), city=OuterRef("city")).values("level")[:1]
    return sites.update(risk_level=Coalesce(Subquery(level), Value(RiskLevel.LOW)))


# Rows loaded raw (`loaddata`, a backup's import: alliance_portal.backup) are kept too, in whichever order the sites
# and the areas come: a site takes the level of an area already loaded, an area gives its level to the sites already
# loaded. An archive made before sites kept their level thus comes back right.


@receiver(pre_save, sender=Site, dispatch_uid="members.risk.site_level")
def _site_takes_its_citys_level(sender, instance: Site, **kwargs):
    instance.risk_level = current_risk_level(province=instance.province, city=instance.city)


@receiver(post_save, sender=Site, dispatch_uid="members.risk.site_level_fields")
def _site_saved_with_some_fields(sender, instance: Site, raw=False, update_fields=None, **kwargs):
    # A save of chosen fields that moved the site writes only those: its level is written after them.
    if raw or update_fields is None or "risk_level" in update_fields:
        return
    if {"province", "city"} & set(update_fields):
        refresh_site_risk_levels(site_id=instance.pk)


@receiver(pre_save, sender=RiskArea, dispatch_uid="members.risk.old_city")
def _remember_old_city(sender, instance: RiskArea, raw=False, **kwargs):
    """The area's city before this save, as `instance._old_city` ((province, city), or None for a new area); supply's
    priorities read it too."""
    instance._old_city = (  # type: ignore[attr-defined]
        RiskArea.objects.filter(pk=instance.pk).values_list("province", "city").first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=RiskArea, dispatch_uid="members.risk.area_saved")
def _sites_follow_their_area(sender, instance: RiskArea, **kwargs):
    refresh_site_risk_levels(province=instance.province, city=instance.city)
    old = getattr(instance, "_old_city", None)
    if old and old != (instance.province, instance.city):
        refresh_site_risk_levels(province=old[0], city=old[1])


@receiver(post_delete, sender=RiskArea, dispatch_uid="members.risk.area_deleted")
def _sites_of_a_delisted_city(sender, instance: RiskArea, **kwargs):
    refresh_site_risk_levels(province=instance.province, city=instance.city)
