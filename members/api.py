"""REST API of the member registry: organizations, sites, risk-areas, material-categories.

Every queryset is scoped to the caller first (alliance_portal.api_auth.get_caller): another organisation's
private record is not in it, so asking for it is a 404 whatever else the request says. Nothing is deleted
through the API: a site is taken out of use with `is_active: false`, an organisation is withdrawn by the
secretariat (`status`).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.validators import UniqueValidator

from alliance_portal.api import (
    ConditionalUpdateMixin,
    CreateWithOutputMixin,
    ETagRetrieveMixin,
    ListWithOutputMixin,
)
from alliance_portal.api_auth import CanEditOwnOrganisation, HasScope, IsStaffOrReadOnly, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.idempotency import IdempotentCreateMixin

from . import selectors, services
from .filters import MaterialCategoryFilter, OrganisationFilter, RiskAreaFilter, SiteFilter
from .models import MaterialCategory, Organisation, RiskArea, Site
from .rules import require_admin
from .services import organisation_approve, organisation_suspend, organisation_withdraw
from .validators import normalise_credit_code, validate_credit_code

# --- organizations -------------------------------------------------------------------------------------------

PUBLIC_ORGANISATION_FIELDS = [
    "slug",
    "name_zh",
    "name_en",
    "kind",
    "province",
    "city",
    "city_en",
    "categories_supplied",
    "categories_consumed",
    "website",
    "description_zh",
    "description_en",
    "created_at",
    "updated_at",
]
PRIVATE_ORGANISATION_FIELDS = [
    "credit_code",
    "status",
    "address",
    "priority_guarantee",
    "joined_on",
]
STATUS_CHANGES: dict[str, Callable[..., Organisation]] = {
    Organisation.Status.ACTIVE: organisation_approve,
    Organisation.Status.SUSPENDED: organisation_suspend,
    Organisation.Status.WITHDRAWN: organisation_withdraw,
}
STAFF_ONLY_FIELDS = ["slug", "kind", "status", "priority_guarantee", "joined_on"]


def _category_codes(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", many=True, **kwargs)


class OrganizationSerializer(serializers.ModelSerializer):
    """An organisation. The fields from credit_code on are only there for its own users and the secretariat."""

    categories_supplied = _category_codes(read_only=True, help_text=_("Material category codes"))
    categories_consumed = _category_codes(read_only=True, help_text=_("Material category codes"))

    class Meta:
        model = Organisation
        fields = PUBLIC_ORGANISATION_FIELDS + PRIVATE_ORGANISATION_FIELDS
        read_only_fields = PUBLIC_ORGANISATION_FIELDS
        # An output-only serializer: the private fields are left writable (never used so) only so that the
        # schema lists them as optional, which they are: another organisation's record comes without them.
        extra_kwargs = {
            name: {"required": False, "help_text": _("Own organisation and secretariat only.")}
            for name in PRIVATE_ORGANISATION_FIELDS
        }

    def to_representation(self, instance):
        return self.flat_row(instance, super().to_representation(instance))

    def flat_row(self, instance, data: dict) -> dict:
        """A row finished for the caller (alliance_portal.flat): the private part only for its own users and the
        secretariat."""
        caller = get_caller(self.context["request"])
        if not (caller.is_staff or instance.pk == caller.organisation_id):
            for name in PRIVATE_ORGANISATION_FIELDS:
                data.pop(name, None)
        return data


class CreditCodeField(serializers.CharField):
    """Normalised (trimmed, upper case) before the check character and uniqueness are checked."""

    def to_internal_value(self, data):
        return normalise_credit_code(super().to_internal_value(data))


class OrganizationWriteSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeField(
        max_length=18,
        validators=[
            validate_credit_code,
            UniqueValidator(
                queryset=Organisation.objects.all(),
                message=_("An organisation with this credit code is already registered."),
            ),
        ],
        help_text=_("统一社会信用代码: 18 characters with a valid check character."),
    )
    categories_supplied = _category_codes(queryset=MaterialCategory.objects.all(), required=False)
    categories_consumed = _category_codes(queryset=MaterialCategory.objects.all(), required=False)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name_zh",
            "name_en",
            "credit_code",
            "kind",
            "status",
            "province",
            "city",
            "city_en",
            "address",
            "website",
            "description_zh",
            "description_en",
            "categories_supplied",
            "categories_consumed",
            "priority_guarantee",
            "joined_on",
        ]
        # slug and kind are needed to create one (the secretariat does); an update may leave them out.
        extra_kwargs = {"slug": {"required": False}, "kind": {"required": False}}

    def validate(self, attrs):
        caller = get_caller(self.context["request"])
        errors = {}
        if not caller.is_staff:
            for name in STAFF_ONLY_FIELDS:
                if name in attrs and (self.instance is None or attrs[name] != getattr(self.instance, name)):
                    errors[name] = [_("Only the secretariat can change this field.")]
        if self.instance is None:
            for name in ("slug", "kind"):
                if not attrs.get(name):
                    errors[name] = [_("This field is required.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _organisations():
    return Organisation.objects.prefetch_related("categories_supplied", "categories_consumed")


def _category_links(ids: list[int]) -> list[tuple[int, int, int]]:
    """(organisation id, category id, 0 for supplied or 1 for consumed) of these organisations: one plain UNION ALL
    of the two link tables. Written as SQL because the ORM's way (two filtered querysets and a union) cost as much to
    build as the rest of a list page; the table and column names come from the models, the ids are parameters."""
    quote = connection.ops.quote_name
    parts = []
    for relation, name in enumerate(("categories_supplied", "categories_consumed")):
        through = getattr(Organisation, name).through._meta
        organisation = quote(through.get_field("organisation").column)
        category = quote(through.get_field("materialcategory").column)
        placeholders = ", ".join(["%s"] * len(ids))
        table = quote(through.db_table)
        # Names from the models, values as parameters:
        select = f"SELECT {organisation}, {category}, {relation} FROM {table} WHERE {organisation} IN ({placeholders})"  # noqa: S608, E501  # nosec B608
        parts.append(select)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), ids * 2)
        return list(cursor.fetchall())


def prefetch_category_lists(organisations: Sequence[Organisation]) -> None:
    """Both category lists of a page of organisations in one query (a UNION of the two relations' link tables, read
    as plain ids, no join) instead of one per relation, put where `categories_supplied.all()` and
    `categories_consumed.all()` read them: a list of the categories in their order, each from
    `selectors.category_index()`."""
    ids = [organisation.pk for organisation in organisations]
    if not ids:
        return
    rows = _category_links(ids)
    index = selectors.category_index()
    if any(category_id not in index for _organisation, category_id, _relation in rows):
        selectors.forget_category_index()  # a category newer than the memo
        index = selectors.category_index()
    found: dict[tuple[int, int], list[MaterialCategory]] = {}
    for organisation_id, category_id, relation in rows:
        found.setdefault((organisation_id, relation), []).append(index[category_id])
    for categories in found.values():
        categories.sort(key=lambda category: (category.sort_order, category.code))
    for organisation in organisations:
        cache = organisation.__dict__.setdefault("_prefetched_objects_cache", {})
        # What the related manager answers for a prefetched relation (`.all()` included); a list page only reads it.
        cache["categories_supplied"] = found.get((organisation.pk, 0), [])
        cache["categories_consumed"] = found.get((organisation.pk, 1), [])


@extend_schema_view(
    list=extend_schema(description=_("Active member organisations (and your own, whatever its status).")),
    update=extend_schema(description=_("Own organisation's administrators, write keys and the secretariat.")),
    partial_update=extend_schema(description=_("Own organisation's administrators, write keys and the secretariat.")),
    create=extend_schema(description=_("Secretariat only.")),
)
class OrganizationViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ConditionalUpdateMixin, viewsets.GenericViewSet
):
    """Member organisations. Everyone signed in sees the public fields of active members; an organisation's own
    users and the secretariat also see its private fields (credit code, status, address, priority guarantee)."""

    serializer_class = OrganizationSerializer
    write_serializer_class = OrganizationWriteSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name_zh", "name_en", "slug"]
    ordering_fields = ["name_en", "name_zh", "slug", "updated_at"]
    ordering = ["name_en"]
    lookup_field = "slug"
    permission_classes = [HasScope, CanEditOwnOrganisation]
    schema = PortalAutoSchema()

    def get_queryset(self):
        caller = get_caller(self.request)
        # A list page loads both category lists in one query (prepare_page); a single record prefetches them.
        organisations = Organisation.objects.all() if self.action == "list" else _organisations()
        if caller.is_staff:
            return organisations
        # Writes see what reads see: an active member's record is public, so another organisation's caller who
        # may not change it gets the 403 of the rule (check_object_permissions), not a 404.
        active = Q(status=Organisation.Status.ACTIVE)
        own = caller.organisation
        if own is not None and own.status == Organisation.Status.ACTIVE:
            # The caller's own organisation is among the active ones: without the OR, PostgreSQL walks the list's
            # index (status, name_en) and stops after a page, instead of sorting every organisation.
            return organisations.filter(active)
        return organisations.filter(active | Q(pk=caller.organisation_id))

    def prepare_page(self, rows: Sequence[Any]) -> None:
        prefetch_category_lists(rows)

    def check_object_permissions(self, request, organisation):
        super().check_object_permissions(request, organisation)
        if request.method not in SAFE_METHODS:
            # The service's own rule (its administrators, write keys, the secretariat), asked before the body is
            # read: authorization before state.
            require_admin(get_caller(request).actor, organisation=organisation)

    def get_permissions(self):
        if self.action == "create":
            return [HasScope(), IsStaffOrReadOnly()]
        return super().get_permissions()

    @transaction.atomic
    def perform_create(self, serializer):
        actor = get_caller(self.request).actor
        fields = dict(serializer.validated_data)
        new_status = fields.pop("status", None)
        organisation = services.organisation_create(actor=actor, fields=fields)
        serializer.instance = self._change_status(actor, organisation, new_status)

    def perform_update(self, serializer):
        actor = get_caller(self.request).actor
        fields = dict(serializer.validated_data)
        new_status = fields.pop("status", None)
        organisation = services.organisation_update(actor=actor, organisation=serializer.instance, fields=fields)
        serializer.instance = self._change_status(actor, organisation, new_status)

    @staticmethod
    def _change_status(actor, organisation: Organisation, new_status: str | None) -> Organisation:
        if new_status is None or new_status == organisation.status:
            return organisation
        change = STATUS_CHANGES.get(new_status)
        if change is None:
            raise serializers.ValidationError({"status": [_("An organisation cannot go back to pending.")]})
        # The same services as the admin's actions: approval sets the joining date, withdrawal revokes API keys.
        try:
            change(actor=actor, organisation=organisation)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"status": exc.messages}) from exc
        return Organisation.objects.get(pk=organisation.pk)

    def get_created_instance(self, instance):
        return _organisations().get(pk=instance.pk)


# --- sites ---------------------------------------------------------------------------------------------------


class SiteSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        source="organisation",
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Short name of the organisation; leave it out to use your own."),
        error_messages={"does_not_exist": _("Unknown organisation, or one you cannot add sites to.")},
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "organization",
            "name_zh",
            "name_en",
            "kind",
            "province",
            "city",
            "city_en",
            "address",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            caller = get_caller(request)
            if not caller.is_staff:
                # Only one's own organisation can be named, so nothing is learnt about the others.
                fields["organization"].queryset = Organisation.objects.filter(pk=caller.organisation_id)
        return fields

    def validate(self, attrs):
        caller = get_caller(self.context["request"])
        organisation = attrs.get("organisation")
        if self.instance is not None:
            if organisation is not None and organisation.pk != self.instance.organisation_id:
                raise serializers.ValidationError(
                    {"organization": [_("A site cannot move to another organisation; add a new site instead.")]}
                )
        elif organisation is None:
            if caller.is_staff:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organisation"] = caller.organisation
        return attrs


@extend_schema_view(
    list=extend_schema(description=_("Your organisation's sites (the secretariat sees all).")),
    create=extend_schema(description=_("Own organisation's administrators, write keys and the secretariat.")),
)
class SiteViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ConditionalUpdateMixin, viewsets.GenericViewSet
):
    """Plants, fabs and warehouses of your organisation, where deliveries go. Private to the organisation and the
    secretariat. Not deleted: set `is_active` to false to take a site out of use."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    search_fields = ["name_zh", "name_en", "city", "city_en"]
    ordering_fields = ["name_zh", "name_en", "updated_at"]
    permission_classes = [HasScope, CanEditOwnOrganisation]
    schema = PortalAutoSchema()

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        organisation = fields.pop("organisation")
        serializer.instance = services.site_create(
            actor=get_caller(self.request).actor, organisation=organisation, fields=fields
        )

    def perform_update(self, serializer):
        serializer.instance = services.site_update(
            actor=get_caller(self.request).actor, site=serializer.instance, fields=dict(serializer.validated_data)
        )

    def get_queryset(self):
        caller = get_caller(self.request)
        sites = Site.objects.all() if caller.is_staff else Site.objects.filter(organisation_id=caller.organisation_id)
        return sites.select_related("organisation").order_by("organisation__slug", "name_zh", "pk")


# --- risk-areas ----------------------------------------------------------------------------------------------


class RiskAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskArea
        fields = ["id", "province", "city", "city_en", "level", "effective_date", "note", "updated_at"]
        read_only_fields = ["id", "updated_at"]


@extend_schema_view(
    create=extend_schema(description=_("Secretariat only.")),
    update=extend_schema(description=_("Secretariat only.")),
    partial_update=extend_schema(description=_("Secretariat only.")),
)
class RiskAreaViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ConditionalUpdateMixin, viewsets.GenericViewSet
):
    """The epidemic risk level of each listed city; a city not listed counts as low risk. Everyone signed in reads;
    the secretariat keeps it. Not deleted: set the level to low instead."""

    serializer_class = RiskAreaSerializer
    filterset_class = RiskAreaFilter
    search_fields = ["city", "city_en"]
    ordering_fields = ["province", "city", "level", "effective_date", "updated_at"]
    permission_classes = [HasScope, IsStaffOrReadOnly]
    schema = PortalAutoSchema()

    def get_queryset(self):
        return RiskArea.objects.order_by("province", "city", "pk")


# --- material-categories -------------------------------------------------------------------------------------


class MaterialCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialCategory
        fields = ["code", "name_zh", "name_en", "group", "hazardous", "cold_chain", "default_unit", "sort_order"]
        read_only_fields = fields


class MaterialCategoryViewSet(ListWithOutputMixin, ETagRetrieveMixin, viewsets.GenericViewSet):
    """The seeded list of material categories; read-only."""

    serializer_class = MaterialCategorySerializer
    filterset_class = MaterialCategoryFilter
    search_fields = ["code", "name_zh", "name_en"]
    ordering_fields = ["sort_order", "code"]
    lookup_field = "code"
    schema = PortalAutoSchema()

    def get_queryset(self):
        return MaterialCategory.objects.order_by("sort_order", "code")
