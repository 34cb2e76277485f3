"""Rows loaded without Model.__init__ (alliance_portal.fast_load) are the instances Django's own loading makes: the
same values, deferred columns still deferred, joined rows cached, and saved as updates; a model that needs
__init__ (a listener of post_init, a field that acts when set) still gets it."""

import pytest
from django.db.models import Model
from django.db.models.signals import post_init
from django.test.utils import isolate_apps

from alliance_portal import fast_load
from members.models import Organisation, Site

from .members.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _django_loaded(queryset):
    fast = Model.__dict__["from_db"]
    Model.from_db = classmethod(fast_load._django_from_db)  # type: ignore[method-assign, assignment]
    try:
        return list(queryset)
    finally:
        Model.from_db = fast  # type: ignore[method-assign]


def _state(instance) -> dict:
    values = {key: value for key, value in vars(instance).items() if key != "_state"}
    return {"values": values, "adding": instance._state.adding, "db": instance._state.db}


def test_the_fast_loaded_rows_equal_djangos_own_with_joins_and_deferred_columns():
    site = SiteFactory(name_zh="武汉厂区")
    queryset = Site.objects.select_related("organisation").defer("address", "organisation__description_en")
    (fast,) = list(queryset.filter(pk=site.pk))
    (slow,) = _django_loaded(queryset.filter(pk=site.pk))
    assert fast_load._plain[Site] is True and fast_load._plain[Organisation] is True  # taken, not Django's
    assert "_state" in vars(fast) and not fast._state.adding and fast._state.db == "default"
    assert _state(fast)["values"].keys() == _state(slow)["values"].keys()
    assert fast.name_zh == slow.name_zh == "武汉厂区"
    assert fast.get_deferred_fields() == slow.get_deferred_fields() == {"address"}
    assert fast.organisation == slow.organisation and fast.organisation.name_zh == slow.organisation.name_zh
    assert fast.organisation.get_deferred_fields() == {"description_en"}
    assert fast.address == site.address  # a deferred column is read when asked for, as before


def test_a_fast_loaded_row_saves_as_an_update_and_refreshes():
    organisation = OrganisationFactory(name_en="Before Ltd")
    loaded = Organisation.objects.get(pk=organisation.pk)
    loaded.name_en = "After Ltd"
    loaded.save()
    assert Organisation.objects.count() == 1
    loaded.refresh_from_db()
    assert loaded.name_en == "After Ltd"


def test_a_model_with_an_init_listener_is_loaded_by_django(monkeypatch):
    organisation = OrganisationFactory()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Organisation)
    try:
        Organisation.objects.get(pk=organisation.pk)
        Site.objects.filter(organisation=organisation).first()
    finally:
        post_init.disconnect(listener, sender=Organisation)
    assert len(seen) == 1


@isolate_apps("members")
def test_a_field_that_acts_when_set_keeps_init():
    from django.db import models

    class Acting:
        def __get__(self, instance, owner=None):
            return self

        def __set__(self, instance, value):
            instance.__dict__["acted"] = value

    class Probe(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "members"
            managed = False

        def __str__(self) -> str:
            return self.name

    assert fast_load._loads_plainly(Probe)
    Probe.name = Acting()  # type: ignore[assignment]
    fast_load._plain.pop(Probe, None)
    assert not fast_load._loads_plainly(Probe)
