"""alliance_portal.flat's generated row function writes what DRF writes, including the cases it hands back to the
field-by-field path: an object without `__dict__`, a value that is not already JSON, an attribute that is not in
the instance's dictionary (a property), and a field that skips itself."""

import datetime
from decimal import Decimal

from rest_framework import serializers
from rest_framework.fields import SkipField

from alliance_portal import flat


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
