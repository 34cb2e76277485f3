"""Exports for people to read (CSV or Excel, through django-import-export): a resource declares its columns once, in
one table, and `LabelledExport` makes the fields from it. A column whose model field has choices exports the choice's
label, not its code; headers and labels are in the language active when the file is made (the reader's). What a
column shows in the app's own words (a unit, a currency) stays in the resource, as `dehydrate_<column>`."""

from collections.abc import Mapping
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django.utils.functional import Promise
from import_export import fields, resources, widgets
from import_export.declarative import ModelDeclarativeMetaclass


class Column(NamedTuple):
    """One column: its header (lazy, translated when the file is made) and the path of its value from the row
    (`"site__city_name"`); by default the column's own name, and "" for a column made by `dehydrate_<column>`."""

    header: str | Promise
    attribute: str | None = None


class ChoiceLabelWidget(widgets.Widget):
    """A choice's label in the active language; an unknown code as it is (as `get_<field>_display` does)."""

    def __init__(self, choices: Any) -> None:
        self.labels = dict(choices)
        super().__init__()

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return force_str(self.labels.get(value, value)) if value is not None else ""


def model_field(model: type[models.Model], path: str) -> Any:
    """The model field at the end of `path` (`"site__province"`), or None where the path leaves the model's fields
    (a property or a method)."""
    field: Any = None
    current: Any = model
    for part in path.split("__"):
        if current is None:
            return None
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        current = field.related_model
    return field


class LabelledExportMetaclass(ModelDeclarativeMetaclass):
    """Makes a field of each entry of `columns` and lists them, after the record's id, as the export's columns in
    their order (Meta.fields and Meta.export_order)."""

    def __new__(mcs, name, bases, attrs):
        columns: Mapping[str, Column] = attrs.get("columns", {})
        meta = attrs.get("Meta")
        if columns and meta is not None:
            for key, column in columns.items():
                attribute = key if column.attribute is None else column.attribute or None
                field = model_field(meta.model, attribute) if attribute else None
                widget = ChoiceLabelWidget(field.flatchoices) if field is not None and field.choices else None
                attrs[key] = fields.Field(attribute=attribute, column_name=column.header, widget=widget)
            meta.fields = meta.export_order = ("id", *columns)
        return super().__new__(mcs, name, bases, attrs)


class LabelledExport(resources.ModelResource, metaclass=LabelledExportMetaclass):
    """An export for people: the record's id, then `columns` (name -> `Column`), read with `select_related` and
    `prefetch_related` (the relations the columns follow)."""

    columns: Mapping[str, Column] = {}
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def filter_export(self, queryset, **kwargs):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset
