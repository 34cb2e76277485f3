"""API list rows made cheaply from the same output serializer the detail uses, with the same JSON.

DRF serialises a list row by row and field by field through generic machinery (`get_attribute` with its error
handling, a nested serializer per relation, `to_representation` for values that are already JSON). A list page
compiles its output serializer once per request into a plan, one step per field:

- a plain attribute whose value is already what JSON needs (a `str` for a CharField, an `int`, a `bool`, `None`)
  is copied as it is; any other value goes through the field's own `to_representation`, so the JSON is the same
  (an ISO date-time, a Decimal that already has the field's decimal places and a `str` choice are written by a
  shortcut giving DRF's text; anything else still goes to the field);
- a nested serializer (one or many) is compiled the same way and applied to the related row(s);
- a SerializerMethodField calls the serializer's method; a method keeps what it computed for the page (labels,
  the caller) with `per_request`, in the request's context (found without walking to the root while a page's
  rows are made);
- anything else (related fields, a source that is a dotted path or `*`) takes DRF's own path for that field.

A serializer that overrides `to_representation` must say how its rows are finished with `flat_row(instance, row)`
(e.g. removing the private part for other callers); without it the list falls back to DRF's own serialisation.
The plan (with its serializer instances) is built once per thread and serializer class, and given each request's
context and page (`root._context`, `root.instance`): a serializer's fields must not keep request state on `self`
(a `get_fields` that narrows an input field's queryset to the caller is harmless: lists only read).
`tests/test_api_list_shapes.py` compares every list's JSON with DRF's own, per kind of caller.
"""

import datetime
import decimal
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# Values of these field classes that are already of the JSON type are copied as they are.
_AS_IS = {
    drf_fields.CharField: str,
    drf_fields.EmailField: str,
    drf_fields.URLField: str,
    drf_fields.SlugField: str,
    drf_fields.IntegerField: int,
    drf_fields.BooleanField: bool,
    drf_fields.ReadOnlyField: object,
}

# Set to False (tests) to serialise every list the DRF way, to compare.
ENABLED = True

Row = Callable[[Any], dict]


def _overrides_representation(serializer: serializers.BaseSerializer) -> bool:
    return type(serializer).to_representation is not serializers.Serializer.to_representation


def compile_serializer(serializer: serializers.Serializer) -> Row | None:
    """A function making the row of one instance as `serializer.to_representation` would, or None when this
    serializer cannot be compiled (it finishes its rows itself, without `flat_row`)."""
    finish = getattr(serializer, "flat_row", None)
    if _overrides_representation(serializer) and finish is None:
        return None
    steps: list[tuple[str, Callable[[Any], Any]]] = []
    for field in serializer._readable_fields:
        step = _compile_field(field)
        if step is None:
            return None
        steps.append((str(field.field_name), step))

    def each_step(instance) -> dict:
        data = {}
        for name, step in steps:
            try:
                data[name] = step(instance)
            except SkipField:
                continue
        return data

    straight = _straight_line(steps, each_step)

    def row(instance) -> dict:
        data = straight(instance)
        return finish(instance, data) if finish is not None else data

    return row


_MISSING = object()


def _straight_line(steps: list[tuple[str, Callable[[Any], Any]]], each_step: Row) -> Row:
    """The steps as one generated function, the plain ones written out: a row of 37 fields is then one call with 37
    dictionary look-ups instead of 37 calls through their closures. What it writes is what each step returns
    (`plain` below); an instance without `__dict__`, or a step that skips its field (SkipField), takes `each_step`.
    The source is made only from the serializer's field names (written as literals) and positions, never from data."""
    lines = ["def straight(instance):", "    try:", "        d = instance.__dict__", "    except AttributeError:"]
    lines += ["        return each_step(instance)", "    data = {}", "    try:"]
    names: dict[str, Any] = {"each_step": each_step, "MISSING": _MISSING, "SkipField": SkipField}
    for i, (name, step) in enumerate(steps):
        spec = getattr(step, "flat_plain", None)
        if spec is None:
            names[f"step_{i}"] = step
            lines.append(f"        data[{name!r}] = step_{i}(instance)")
            continue
        attribute, json_type, to_representation, slow = spec
        names[f"rep_{i}"], names[f"slow_{i}"], names[f"type_{i}"] = to_representation, slow, json_type
        lines += [
            f"        v = d.get({attribute!r}, MISSING)",
            f"        if v is MISSING: data[{name!r}] = slow_{i}(instance)",
            f"        elif v is None: data[{name!r}] = None",
        ]
        if json_type is object:
            lines.append(f"        else: data[{name!r}] = v")
        elif json_type is not None:
            lines.append(f"        elif type(v) is type_{i}: data[{name!r}] = v")
            lines.append(f"        else: data[{name!r}] = rep_{i}(v)")
        else:
            lines.append(f"        else: data[{name!r}] = rep_{i}(v)")
    lines += ["    except SkipField:", "        return each_step(instance)", "    return data"]
    exec(compile("\n".join(lines), "<alliance_portal.flat row>", "exec"), names)  # noqa: S102  # nosec B102
    return names["straight"]


def _slow(field: drf_fields.Field) -> Callable[[Any], Any]:
    """DRF's own path for one field (Serializer.to_representation's loop body)."""

    def step(instance):
        attribute = field.get_attribute(instance)  # may raise SkipField
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else field.to_representation(attribute)

    return step


def _related(field: drf_fields.Field) -> Callable[[Any], Any]:
    """The related row(s) of a nested serializer: its source walked with getattr; where that fails (a missing
    link), DRF's own get_attribute decides (None, a default, or leaving the key out)."""
    attrs = field.source_attrs

    def related(instance):
        value = instance
        try:
            for attr in attrs:
                value = getattr(value, attr)
        except models.ObjectDoesNotExist:
            return None
        except (AttributeError, KeyError):
            return field.get_attribute(instance)
        return value

    return related


def _prefetched_many(field: drf_fields.Field) -> Callable[[Any], Any]:
    """A many-related field whose rows the page has prefetched (or `prepare_page` put in the prefetch cache): the
    related manager would answer that same prefetched queryset, so it is read from the cache without making the
    manager; otherwise DRF's own path."""
    name = field.source_attrs[0]
    slow = _slow(field)
    to_representation = field.to_representation

    def step(instance):
        try:
            related = instance.__dict__["_prefetched_objects_cache"][name]
        except (KeyError, AttributeError):
            return slow(instance)
        return to_representation(related)

    return step


def _all(value) -> Iterable:
    return value.all() if isinstance(value, models.manager.BaseManager) else value


def _none_or(child: Row, value) -> dict | None:
    return None if value is None else child(value)


def _compile_field(field: drf_fields.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, serializers.SerializerMethodField):
        method = getattr(field.parent, field.method_name)
        return method
    single = len(field.source_attrs) == 1 and field.source != "*"
    if isinstance(field, serializers.BaseSerializer):
        many = isinstance(field, serializers.ListSerializer)
        nested = getattr(field, "child", None) if many else field
        child = compile_serializer(nested) if isinstance(nested, serializers.Serializer) else None
        if child is None or field.source == "*":
            return None
        related = _related(field)
        if many:
            return lambda instance: [child(item) for item in _all(related(instance))]
        return lambda instance: _none_or(child, related(instance))
    json_type = _AS_IS.get(type(field))
    if single and type(field) is serializers.ManyRelatedField:
        return _prefetched_many(field)
    if field.source != "*" and type(field) is serializers.SlugRelatedField:
        return _slug(field)
    if single and type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None:
        foreign_key = _foreign_key(field)
        if foreign_key is not None:
            key = _plain_column(foreign_key.attname, _slow(field))
            key.flat_plain = (foreign_key.attname, object, None, key.slow)  # type: ignore[attr-defined]
            return key
    if (
        field.source == "*"
        or isinstance(field, serializers.RelatedField | serializers.ManyRelatedField)
        or type(field).get_attribute is not drf_fields.Field.get_attribute  # a field reading its value its own way
    ):
        return _slow(field)
    name = field.source_attrs[0]
    to_representation: Callable[[Any], Any] = field.to_representation
    if _plain_iso_datetime(field):
        to_representation = _iso_datetime(field)
    elif isinstance(field, drf_fields.DecimalField) and _plain_decimal(field):
        to_representation = _decimal_text(field)
    elif type(field) is drf_fields.ChoiceField:
        to_representation = _choice(field)
    # Not in the row's own values (a property such as `remaining`, a deferred column): read with getattr, as DRF
    # does, without its generic path; anything unusual (a method, a missing attribute) takes DRF's own path.
    slow = _dotted([name], json_type, to_representation, _slow(field))

    def plain(instance):
        try:
            value = instance.__dict__[name]
        except (KeyError, AttributeError):
            return slow(instance)  # a property, a method, a deferred column: as DRF does
        if value is None:
            return None
        if json_type is not None and (json_type is object or type(value) is json_type):
            return value
        return to_representation(value)

    if not single:
        return _dotted(field.source_attrs, json_type, to_representation, _slow(field))
    plain.flat_plain = (name, json_type, to_representation, slow)  # type: ignore[attr-defined]  # _straight_line
    return plain


def _dotted(attrs: list[str], json_type, to_representation, slow) -> Callable[[Any], Any]:
    """A dotted source (`request.material`) walked with getattr through joined rows; anything DRF would treat
    otherwise (a missing link, a callable on the way, a mapping) takes DRF's own path for the field."""

    def dotted(instance):
        value = instance
        try:
            for attr in attrs:
                value = getattr(value, attr)
                if callable(value):
                    return slow(instance)
        except (AttributeError, KeyError, models.ObjectDoesNotExist):
            return slow(instance)
        if value is None:
            return None
        if json_type is not None and (json_type is object or type(value) is json_type):
            return value
        return to_representation(value)

    return dotted


def _slug(field: drf_fields.Field) -> Callable[[Any], Any]:
    """A SlugRelatedField: the related row, its source walked as a dotted source is (None for no related row), and
    its slug read as DRF reads it (`slug_field`, `__` between the steps)."""
    slug = field.slug_field.split("__")  # type: ignore[attr-defined]

    def slug_of(related):
        for attr in slug:
            related = getattr(related, attr)
        return related

    return _dotted(field.source_attrs, None, slug_of, _slow(field))


def _foreign_key(field: drf_fields.Field) -> models.ForeignKey | None:
    """The model's foreign key a PrimaryKeyRelatedField reads (DRF reads its id column, `<name>_id`), or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return None
    try:
        found = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.ForeignKey) else None


def _plain_column(attname: str, slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The value of a column as loaded (a foreign key's id: what DRF's PrimaryKeyRelatedField answers); a column
    not loaded takes DRF's own path."""

    def column(instance):
        try:
            return instance.__dict__[attname]
        except (KeyError, AttributeError):
            return slow(instance)

    column.slow = slow  # type: ignore[attr-defined]
    return column


# The compiled plans of this thread, by serializer class: DRF builds a ModelSerializer's fields anew for every
# instance (from the model's metadata), which costs more than a page's rows. A plan is built once per thread and
# given each request's context and rows (the fields read them through their root: `self.context`, `self.parent`).
_plans = threading.local()


def _plan(serializer_class: type[serializers.BaseSerializer], instances, context: dict):
    plans = _plans.__dict__.setdefault("by_class", {})
    if serializer_class not in plans:
        root = serializer_class(many=True, context=context)
        child = getattr(root, "child", None)
        row = compile_serializer(child) if isinstance(child, serializers.Serializer) else None
        plans[serializer_class] = (root, row)
    root, row = plans[serializer_class]
    root._context = context
    root.instance = instances
    return row


def _plain_iso_datetime(field: drf_fields.Field) -> bool:
    """A DateTimeField answered in ISO 8601 in the current time zone: DRF asks for the time zone per value."""
    if type(field) is not drf_fields.DateTimeField or hasattr(field, "timezone") or not settings.USE_TZ:
        return False
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _iso_datetime(field: drf_fields.Field) -> Callable[[Any], Any]:
    """DateTimeField.to_representation with the current time zone looked up once per page (DRF looks it up for
    every value); anything but an aware datetime goes to the field itself."""

    def to_representation(value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            try:
                text = value.astimezone(_plans.timezone).isoformat()
            except OverflowError:
                return field.to_representation(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return field.to_representation(value)

    return to_representation


def _plain_decimal(field: drf_fields.Field) -> bool:
    """A DecimalField answered as a string of its decimal places, as written (no localisation, no normalising)."""
    return (
        type(field) is drf_fields.DecimalField
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        and not field.localize
        and not field.normalize_output
        and field.decimal_places is not None
    )


def _decimal_text(field: drf_fields.DecimalField) -> Callable[[Any], Any]:
    """DecimalField.to_representation for a Decimal that already has the field's decimal places (a column's value):
    quantizing it changes nothing, so its text is written at once; any other value goes to the field itself."""
    exponent = -(field.decimal_places or 0)  # not None: see _plain_decimal
    max_digits = field.max_digits if field.max_digits is not None else float("inf")

    def to_representation(value):
        if type(value) is decimal.Decimal:
            sign, digits, value_exponent = value.as_tuple()
            if value_exponent == exponent and len(digits) <= max_digits:
                return f"{value:f}"
        return field.to_representation(value)

    return to_representation


def _choice(field: drf_fields.Field) -> Callable[[Any], Any]:
    """ChoiceField.to_representation for a plain `str` (a column's value): its choice, looked up at once."""

    def to_representation(value):
        if type(value) is str and value:
            return field.choice_strings_to_values.get(value, value)
        return field.to_representation(value)

    return to_representation


def list_data(serializer_class: type[serializers.BaseSerializer], instances: Sequence, context: dict) -> list:
    """The rows of `instances` as `serializer_class(instances, many=True, context=context).data` would be."""
    row = _plan(serializer_class, instances, context) if ENABLED else None
    _plans.timezone = timezone.get_current_timezone()
    if row is None:
        return serializer_class(instances, many=True, context=context).data
    # While the page's rows are made, every serializer asking for a per_request value serves this context: the
    # cache is found without walking up to the root for `serializer.context` (a dozen times a row).
    _plans.page_cache = context.setdefault("_flat_per_request", {})
    try:
        return [row(instance) for instance in instances]
    finally:
        _plans.page_cache = None


def per_request(serializer: serializers.BaseSerializer, name: str, compute: Callable[[], Any]) -> Any:
    """A value kept for the rest of the request (in its context; one serializer serves a whole page, and its plan
    serves every request of its thread)."""
    cache = getattr(_plans, "page_cache", None)
    if cache is None:
        cache = serializer.context.setdefault("_flat_per_request", {})
    key = (id(serializer), name)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def defer_all_but(prefix: str, model: type[models.Model], keep: Iterable[str]) -> list[str]:
    """The `defer()` names of the columns of a joined row (`prefix__column`) that a list row does not show: a list
    page reads 50 joined rows, and a partner's description or a request's JSON parts cost to read and to decode."""
    kept = {"id", *keep}
    return [f"{prefix}__{field.name}" for field in model._meta.concrete_fields if field.name not in kept]


def prefetch_reverse(rows: Sequence[models.Model], relation: str, queryset: models.QuerySet | None = None) -> None:
    """The related rows of a reverse foreign key (`relation`, e.g. a pledge's "lines") of a page's rows in one
    query, put where `row.<relation>.all()` reads them, each pointing back to its row. `prefetch_related` does the
    same but makes a filtered queryset for every row of the page (a tenth of a list page); this keeps plain lists,
    which is what a list page reads (`.all()` on the relation answers the list). `queryset` may add joins."""
    if not rows:
        return
    rel = type(rows[0])._meta.get_field(relation)
    field = rel.field  # type: ignore[union-attr]  # the foreign key on the related model
    by_row: dict[Any, list] = {row.pk: [] for row in rows}
    related = (queryset if queryset is not None else field.model._default_manager.all()).filter(
        **{f"{field.attname}__in": list(by_row)}
    )
    rows_by_pk = {row.pk: row for row in rows}
    for item in related:
        key = getattr(item, field.attname)
        field.set_cached_value(item, rows_by_pk[key])
        by_row[key].append(item)
    for row in rows:
        row.__dict__.setdefault("_prefetched_objects_cache", {})[rel.cache_name] = by_row[row.pk]  # type: ignore[union-attr]
