"""Filters every API list shares, and the backend that reads them all strictly (StrictFilterBackend).

`UpdatedSinceFilter` is the one place where a date-time from a query string is read: whatever the input (an
offset beyond ±15:59 that PostgreSQL cannot hold, a year at the edge of the calendar, a local time that does not
exist), it is a 400 naming the parameter or a UTC time the database accepts, never a 500."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

UPDATED_SINCE_HELP = _("Only records changed at or after this ISO 8601 date and time, e.g. 2020-02-01T08:00:00+08:00.")


class BoundedIsoDateTimeField(IsoDateTimeField):
    # Only an absent parameter means "no filter": `?updated_since=` is a date-time that is not one (400).
    empty_values = [None]
    default_error_messages = {
        "out_of_range": _("Give a date and time between the years 1 and 9999, with a UTC offset within ±15:59."),
    }

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset.total_seconds()) >= 16 * 3600:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        try:
            # The database gets UTC: no offset it might not hold, and the same instant.
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField

    def __init__(self, field_name: str = "updated_at", **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", UPDATED_SINCE_HELP)
        super().__init__(field_name=field_name, **kwargs)


BOOLEAN_VALUES = {"true", "false", "True", "False"}  # what the filters' NullBooleanSelect understands


# The largest id a bigint column holds: a larger number matches nothing the database has and is refused (400).
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number from 1 to a bigint's largest (`1.5`, `2e300` or `0` is a 400 naming the
    parameter, not a silent match or a database error); the schema says integer with those bounds."""

    field_class = IdField


def _library_filter(flt: django_filters.Filter) -> bool:
    """A filter that leaves the rows as they are when its parameter is absent: django-filter's own `filter` (or a
    `method`, which django-filter calls only with a value), not required, no default."""
    own = getattr(type(flt).filter, "__module__", "").startswith("django_filters.")
    return own and not flt.extra.get("required") and "initial" not in flt.extra


_SKIPPABLE: dict[type, frozenset[str] | None] = {}


def _parameters_if_skippable(filterset_class: type[django_filters.FilterSet]) -> frozenset[str] | None:
    """The parameter names of a filter set that does nothing without them (see `_library_filter`), or None."""
    if filterset_class not in _SKIPPABLE:
        base = django_filters.FilterSet
        plain = all(
            getattr(filterset_class, name) is getattr(base, name) for name in ("filter_queryset", "qs", "is_valid")
        ) and all(_library_filter(flt) for flt in filterset_class.base_filters.values())
        _SKIPPABLE[filterset_class] = frozenset(filterset_class.base_filters) if plain else None
    return _SKIPPABLE[filterset_class]


class StrictFilterBackend(DjangoFilterBackend):
    """Every filter of an API list reads its value strictly, a 400 naming the parameter where django-filter would
    quietly answer every row:

    - a filter given empty (`?status=`, `?date_from=`, `?organization=`) is refused: leave a filter out to not
      filter (the schema says so: an enum, a format or `minLength: 1`, from alliance_portal.api_schema);
    - a yes/no filter it cannot understand (`?stale=maybe`) is refused too.

    `search` and `ordering` are not filters of the filterset: empty, they search nothing and keep the default order.

    A list asked for without any of its filters' parameters (a plain page) skips the filter set: building it (a
    deep copy of its filters, a form, its validation) costs a tenth of a page, and with no parameter every filter
    leaves the rows as they are (checked once per filter set class: django-filter's own filters, none required).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = _parameters_if_skippable(filterset_class)
        if names is not None and not any(
            key == name or key.startswith(name + "_") for key in request.query_params for name in names
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            params = request.query_params
            bad = {}
            for name, flt in filterset.filters.items():
                if name not in params:
                    continue
                if any(value == "" for value in params.getlist(name)):
                    bad[name] = [gettext("Give a value, or leave the parameter out.")]
                elif isinstance(flt, django_filters.BooleanFilter) and params[name] not in BOOLEAN_VALUES:
                    bad[name] = [gettext("Give true or false.")]
            if bad:
                raise ValidationError(bad)
        return filterset
