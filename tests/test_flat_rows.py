"""alliance_portal.flat's generated row function writes what DRF writes, including the cases it hands back to the
field-by-field path: an object without `__dict__`, a value that is not already JSON, an attribute that is not in
the instance's dictionary (a property), and a field that skips itself."""

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.fields import SkipField

from alliance_portal import flat
from members.models import Site

from .members.factories import SiteFactory


class Skipping(serializers.CharField):
    def get_attribute(self, instance):
        if getattr(instance, "hide", False):
            raise SkipField
        return super().get_attribute(instance)


class RowSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=8, decimal_places=2)
    when = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=[("open", "Open")])
    label = serializers.CharField()  # a property
    note = Skipping(allow_null=True)
    method = serializers.SerializerMethodField()
    parent_name = serializers.CharField(source="parent.name", read_only=True)  # left out where there is no parent
    parent_count = serializers.IntegerField(source="parent.count", read_only=True, allow_null=True)

    def get_method(self, obj) -> str:
        return f"#{obj.count}"


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def label(self) -> str:
        return str(self.name).upper()


class Slotted:
    __slots__ = ("name", "count", "price", "when", "status", "note", "label", "hide", "parent")

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


def _rows():
    when = datetime.datetime(2026, 12, 1, 8, 30, tzinfo=datetime.UTC)
    parent = Row(name="p", count="12")
    common = {"name": "a", "count": 3, "price": Decimal("1.5"), "when": when, "status": "open", "note": None}
    common["parent"] = parent
    return [
        Row(**{**common, "parent": None}),
        Row(**common),
        Row(**{**common, "count": True, "price": Decimal("2.00"), "note": "n", "hide": True}),
        Row(**{**common, "name": 7, "count": "4"}),  # not already JSON: the field turns them
        Slotted(**{**common, "label": "slots", "hide": False}),
    ]


def test_the_generated_rows_equal_drfs():
    rows = _rows()
    expected = [dict(row) for row in RowSerializer(rows, many=True).data]
    made = flat.list_data(RowSerializer, rows, {})
    assert made == expected
    assert "note" not in made[2] and made[1]["note"] is None  # skipped, as DRF leaves it out
    assert made[3]["name"] == "7" and made[3]["count"] == 4
    assert made[1]["label"] == "A" and made[4]["label"] == "slots"
    assert "parent_name" not in made[0] and made[0]["parent_count"] is None  # no parent: as DRF says
    assert made[1]["parent_name"] == "p" and made[1]["parent_count"] == 12


# --- related fields on model rows: a foreign key's id, a slug through a relation, a missing relation ----------------


class SiteRowSerializer(serializers.ModelSerializer):
    organisation_id = serializers.PrimaryKeyRelatedField(source="organisation", read_only=True)
    organisation_slug = serializers.SlugRelatedField(source="organisation", slug_field="slug", read_only=True)
    city_of_organisation = serializers.SlugRelatedField(source="organisation", slug_field="city", read_only=True)
    display = serializers.CharField(source="__str__", read_only=True)  # a method: DRF's own path

    class Meta:
        model = Site
        fields = ["id", "organisation_id", "organisation_slug", "city_of_organisation", "display", "name_en"]


@pytest.mark.django_db
def test_related_fields_read_from_the_row_equal_drfs():
    SiteFactory(organisation__slug="wuhan-fab", organisation__city="武汉市")
    SiteFactory(organisation__slug="other-fab")
    with_join = list(Site.objects.select_related("organisation").order_by("pk"))
    without = list(Site.objects.order_by("pk").defer("name_en"))  # the relation and a column loaded on demand
    for rows in (with_join, without):
        expected = [dict(row) for row in SiteRowSerializer(rows, many=True).data]
        assert flat.list_data(SiteRowSerializer, rows, {}) == expected
    made = flat.list_data(SiteRowSerializer, with_join, {})
    assert made[0]["organisation_slug"] == "wuhan-fab" and made[0]["city_of_organisation"] == "武汉市"
    assert made[0]["organisation_id"] == with_join[0].organisation_id


def test_a_slug_through_a_missing_relation_is_null_as_in_drf():
    class Holder(serializers.Serializer):
        parent_name = serializers.SlugRelatedField(source="parent", slug_field="name", read_only=True)

    rows = [Row(parent=None), Row(parent=Row(name="p")), Row()]  # the last has no `parent` at all
    expected = []
    for row in rows:
        try:
            expected.append(dict(Holder(row).data))
        except AttributeError:
            expected.append("raises")
    made = []
    for row in rows:
        try:
            made.append(flat.list_data(Holder, [row], {})[0])
        except AttributeError:
            made.append("raises")
    assert made == expected
    assert made[:2] == [{"parent_name": None}, {"parent_name": "p"}]
