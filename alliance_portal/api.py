"""What every app's API shares: pagination, errors, input/output serializers, conditional updates (ETag / If-Match).

DRF's settings import this module while rest_framework itself is loading: it must not import drf_spectacular or
rest_framework.generics at module level (the schema part lives in alliance_portal.api_schema).
"""

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Field, Model
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, as_serializer_error
from rest_framework.utils import html
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import ConflictError, NotAllowed

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        # A page size that is no whole number is a 400 naming it (DRF would quietly use the default); a whole
        # number out of range still falls back to the default or the maximum.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not raw.lstrip("+-").isdigit():
            raise exceptions.ValidationError({self.page_size_query_param: [_("A page size is a whole number.")]})
        return super().get_page_size(request)


class Conflict(exceptions.APIException):
    """The request is understood but the record's state does not allow it (over-commitment, a bad transition)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This conflicts with the current state of the record.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "This record has changed since you read it (the If-Match header does not match its ETag). "
        "Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        # A service refused because of the record's state: say why, with a code a program can act on.
        set_rollback()
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        # A service refused the caller (standing, role, party): the service's own words, and a code a program can
        # act on. The built-in PermissionError is the operating system's, never a caller's: it stays a 500.
        set_rollback()
        return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        # Services and model validators speak Django; the API answers 400 naming each field, as for serializers.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        # Validation catches what it can see; this is the race it cannot (two writes of one unique value at once).
        logger.warning("Integrity error answered as 409", exc_info=exc)
        exc = Conflict(_("This conflicts with a change saved at the same moment. Reload and try again."))
    return drf_exception_handler(exc, context)


def representation_etag(data) -> str:
    payload = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return f'"{hashlib.sha256(payload.encode()).hexdigest()[:32]}"'


def column_max_length(model: type[Model], name: str) -> int:
    """The max_length of a model's column, for a serializer field bounded like it."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length to bound its API field with")
    return field.max_length


class OutputSerializer(serializers.Serializer):
    """A shape the API answers with or documents (a 409 body, a nested part), never reads: every field read-only, so
    nothing a caller sends reaches it and the schema says so."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if field.required:
                # Always in the answer: read-only, which the schema lists as required. A field declared
                # required=False (a part only some callers get) stays optional in the schema.
                field.read_only = True
                field.required = False
        return fields


def refuse_empty_form_values(serializer: BaseSerializer[Any], data: Any) -> dict | None:
    """A body means the same in JSON and in a form: DRF reads an empty value of an optional field in a form body
    (`organization=`) as if the field were left out, where JSON's `"organization": ""` is refused. Here the form's
    empty value is read as JSON's "": refused with the field's own message where the field takes no "", and left to
    the serializer where it does (a text that may be blank). Returns the errors (see `refuse_before_validation`)."""
    if not html.is_html_input(data) or not isinstance(serializer, serializers.Serializer):
        return None
    errors = {}
    for name, field in serializer.fields.items():
        if field.read_only or field.required or field.allow_null or data.get(name) != "":
            continue
        if isinstance(field, (BaseSerializer, serializers.ListField, serializers.ManyRelatedField)):
            continue  # lists and nested records have their own form encoding
        if isinstance(field, serializers.FileField):
            continue  # an empty file input: no file
        try:
            field.run_validation("")
        except exceptions.ValidationError as exc:
            errors[name] = exc.detail
    return errors or None


def refuse_text_too_long_before_trimming(serializer: BaseSerializer[Any], data: Any) -> dict | None:
    """A text longer than its field's limit is refused as sent: DRF trims surrounding whitespace before it checks
    the length, so a value over the documented `maxLength` only by its spaces would be accepted (and the schema
    would say otherwise). Nested records and lists of them are checked the same way. Returns the errors."""
    return _too_long(serializer, data)


def refuse_before_validation(serializer: BaseSerializer[Any], data: Any) -> None:
    """What the serializer's own validation cannot see (an empty form value, a text too long before trimming) is a
    400 together with every error the serializer finds itself, so a caller learns all of them in one round."""
    early = {
        **(refuse_empty_form_values(serializer, data) or {}),
        **(refuse_text_too_long_before_trimming(serializer, data) or {}),
    }
    if not early:
        return
    found = {} if serializer.is_valid() else serializer.errors
    raise exceptions.ValidationError({**found, **early} if isinstance(found, dict) else early)


def _too_long(serializer: Any, data: Any) -> Any:
    if isinstance(serializer, serializers.ListSerializer):
        if not isinstance(data, list):
            return None
        found = [_too_long(serializer.child, item) or {} for item in data]
        return found if any(found) else None
    if not isinstance(serializer, serializers.Serializer) or not hasattr(data, "get"):
        return None
    errors = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        value = data.get(field.field_name)
        if isinstance(field, BaseSerializer):
            found = _too_long(field, value)
            if found:
                errors[name] = found
        elif (
            isinstance(field, serializers.CharField)
            and field.max_length is not None
            and isinstance(value, str)
            and len(value) > field.max_length
        ):
            errors[name] = [field.error_messages["max_length"].format(max_length=field.max_length)]
    return errors or None


class ReadWriteSerializersMixin:
    """An input serializer validates (`write_serializer_class`), an output serializer answers (`serializer_class`).

    `get_serializer()` gives the input one on create/update, so DRF's own validation and schema paths use it;
    `get_output_serializer()` gives the one the answer is made with.
    """

    write_serializer_class: type[BaseSerializer[Any]] | None = None
    write_actions = ("create", "update", "partial_update")

    def get_serializer_class(self):
        if self.write_serializer_class is not None and getattr(self, "action", None) in self.write_actions:
            return self.write_serializer_class
        return self.serializer_class

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "data" in kwargs:
            refuse_before_validation(serializer, kwargs["data"])
        return serializer

    def get_output_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.serializer_class(*args, **kwargs)


class ListWithOutputMixin(ReadWriteSerializersMixin):
    """A list page: its rows made by alliance_portal.flat from the output serializer (the same JSON as DRF's).

    `list_columns`, when given, are the only columns a list page reads (`QuerySet.only`, joined ones as
    `relation__column`): what its rows show, not what the detail does. A column left out that a row reads anyway
    costs a query per row, which the lists' query-count tests catch."""

    list_columns: Sequence[str] = ()

    def list(self, request, *args, **kwargs):
        from .flat import list_data  # not at import time: DRF's settings import this module (see above)

        rows = self.filter_queryset(self.get_queryset())
        if self.list_columns:
            rows = rows.only(*self.list_columns)
        page = self.paginate_queryset(rows)
        if page:
            self.prepare_page(page)
        return self.get_paginated_response(list_data(self.serializer_class, page, self.get_serializer_context()))

    def prepare_page(self, rows: Sequence[Any]) -> None:
        """Loads what a page's rows need beyond their own query in a fixed number of queries (override it); the
        queryset of the list leaves out what this loads."""


class CreateWithOutputMixin(ReadWriteSerializersMixin):
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        instance = self.get_created_instance(serializer.instance)
        return Response(self.get_output_serializer(instance).data, status=status.HTTP_201_CREATED)

    def perform_create(self, serializer):
        serializer.save()

    def get_created_instance(self, instance):
        """The new record as the output serializer needs it (override to reload it with its relations)."""
        return instance


class ETagRetrieveMixin(ReadWriteSerializersMixin):
    """A single record comes with an ETag: a hash of its updated_at (or, without one, of its representation)."""

    def etag_for(self, instance) -> str:
        updated_at = getattr(instance, "updated_at", None)
        if updated_at is None:
            return representation_etag(self.get_output_serializer(instance).data)
        version = f"{instance._meta.label}:{instance.pk}:{updated_at.isoformat()}"
        return f'"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})


class ConditionalUpdateMixin(ETagRetrieveMixin):
    """PUT/PATCH with a stale If-Match is a 412 and changes nothing; without If-Match an update proceeds.

    The record is locked from the check until the write, so two clients holding the same ETag cannot both win.
    """

    def check_if_match(self, request, instance) -> None:
        header = request.headers.get("If-Match")
        if header is None:
            return
        tags = parse_etags(header)
        if "*" not in tags and self.etag_for(instance) not in tags:
            raise PreconditionFailed()

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            self.lock(instance)
            self.check_if_match(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        instance = self.get_updated_instance(serializer.instance)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.save()

    @staticmethod
    def lock(instance) -> None:
        # get_object() read the row (scoped to the caller, permissions checked); lock it and re-read it, so the
        # If-Match check and the write see the same version.
        list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
        instance.refresh_from_db()

    def get_updated_instance(self, instance):
        """The saved record as the output serializer needs it (its prefetched relations may be stale)."""
        if hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        return instance


class ConditionalDestroyMixin(ConditionalUpdateMixin):
    """DELETE with a stale If-Match is a 412 and changes nothing; `perform_destroy` says what deleting means (most
    records are deactivated or withdrawn, not removed)."""

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.lock(instance)
            self.check_if_match(request, instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance) -> None:
        instance.delete()
