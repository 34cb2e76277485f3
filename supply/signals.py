"""Priorities follow their inputs that live in members: a city's risk level, a fab's priority guarantee, and the
days of stock a fab gives in its status report. And the queue filters' memo of the material categories is
forgotten when one changes, and the secretariat's cached count of requests to triage when a request is saved.

members may not import supply, so supply listens. Each handler recomputes the affected requests in one bulk
update, inside the transaction that changed the input. The value before the save is noted on the instance itself,
an attribute members' models do not declare (members may not know of supply): hence the ignores.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from members.models import Organisation, RiskArea
from members.signals import status_report_saved

from .models import SupplyRequest
from .selectors import TRIAGE_COUNT_KEY
from .services import priority_recompute_bulk


@receiver(post_save, sender=RiskArea)
def risk_area_changed(sender, instance: RiskArea, raw=False, **kwargs):
    if raw:
        return
    priority_recompute_bulk(province=instance.province, city=instance.city)
    old = getattr(instance, "_old_city", None)  # noted by members.risk before the save
    if old and old != (instance.province, instance.city):
        priority_recompute_bulk(province=old[0], city=old[1])


@receiver(post_delete, sender=RiskArea)
def risk_area_deleted(sender, instance: RiskArea, **kwargs):
    """A city the authorities no longer list counts as low: its requests' priorities follow."""
    priority_recompute_bulk(province=instance.province, city=instance.city)


@receiver(pre_save, sender=Organisation)
def _remember_old_guarantee(sender, instance: Organisation, **kwargs):
    instance._old_guarantee = (  # type: ignore[attr-defined]
        Organisation.objects.filter(pk=instance.pk).values_list("priority_guarantee", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Organisation)
def organisation_changed(sender, instance: Organisation, created=False, raw=False, **kwargs):
    if raw or created:
        return
    if getattr(instance, "_old_guarantee", None) != instance.priority_guarantee:
        priority_recompute_bulk(organisation_id=instance.pk)


@receiver(status_report_saved)
def status_report_saved_by_a_fab(sender, report, **kwargs):
    """A fab's status report may carry newer days of stock than its open requests: their priority follows."""
    if report.organisation.kind == Organisation.Kind.FAB:
        priority_recompute_bulk(organisation_id=report.organisation_id)


@receiver([post_save, post_delete], sender=SupplyRequest)
def forget_triage_count(sender, update_fields=None, **kwargs):
    """The navigation's count of requests to triage (supply.selectors.TRIAGE_COUNT_KEY) is counted again."""
    if update_fields is not None and "status" not in update_fields:
        return
    # Now for this process's next page, and again after the commit: a page counting meanwhile saw the old rows.
    cache.delete(TRIAGE_COUNT_KEY)
    transaction.on_commit(lambda: cache.delete(TRIAGE_COUNT_KEY))
