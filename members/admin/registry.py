"""The registry's reference lists: sites, risk areas, material categories, the secretariat's contacts."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext

from alliance_portal.admin_tools import HistoryAdmin, ModelAdmin

from .. import services
from ..models import MaterialCategory, RiskArea, SecretariatContact, Site
from .common import ServiceSaveMixin


@admin.register(Site)
class SiteAdmin(ServiceSaveMixin, HistoryAdmin):
    list_display = ("name_zh", "name_en", "organisation", "kind", "province", "city", "is_active")
    list_filter = ("kind", "is_active", "province")
    search_fields = ("name_zh", "name_en", "city", "city_en", "organisation__name_zh", "organisation__name_en")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    ordering = ("organisation__name_en", "name_zh")

    def get_readonly_fields(self, request, obj=None):
        # Deliveries point at a site: it stays with its organisation (a new site is added instead).
        return ("created_at", "updated_at") if obj is None else ("organisation", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def create_row(self, actor, obj, fields):
        return services.site_create(actor=actor, organisation=obj.organisation, fields=fields)

    def update_row(self, actor, obj, fields):
        services.site_update(actor=actor, site=obj, fields=fields)


@admin.register(RiskArea)
class RiskAreaAdmin(HistoryAdmin):
    list_display = ("city", "city_en", "province", "level", "effective_date", "note", "updated_at")
    list_filter = ("level", "province")
    search_fields = ("city", "city_en", "note")
    ordering = ("province", "city")
    readonly_fields = ("updated_at",)


class CategoryUsage:
    """Where a material category is in use: every model that points at it, the registry's and the other apps'."""

    @staticmethod
    def describe(category: MaterialCategory) -> list[str]:
        uses = []
        for relation in MaterialCategory._meta.get_fields(include_hidden=True):
            if not relation.auto_created or relation.concrete:
                continue  # only relations pointing here
            related: Any = relation.related_model
            if related._meta.auto_created or getattr(relation, "on_delete", None) is models.DO_NOTHING:
                continue  # a many-to-many's own table (counted by the relation), or history rows (a copy)
            count = related._default_manager.filter(**{relation.field.name: category}).count()  # type: ignore[union-attr]
            if count:
                uses.append(f"{count} {related._meta.verbose_name_plural}")
        return uses


@admin.register(MaterialCategory)
class MaterialCategoryAdmin(ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "group", "hazardous", "cold_chain", "default_unit", "sort_order")
    list_filter = ("group", "hazardous", "cold_chain")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("sort_order", "code")

    def get_readonly_fields(self, request, obj=None):
        # Imports and partners refer to a category by its code.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and CategoryUsage.describe(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for category in objs:
            uses = CategoryUsage.describe(category)
            if uses:
                protected.append(
                    gettext("%(category)s is in use (%(uses)s)") % {"category": category, "uses": ", ".join(uses)}
                )
        if protected and super().has_delete_permission(request):
            # has_delete_permission() says no for a category in use; say why instead of "no permission".
            perms_needed = {name for name in perms_needed if name != str(self.opts.verbose_name)}
        return to_delete, model_count, perms_needed, protected


@admin.register(SecretariatContact)
class SecretariatContactAdmin(ModelAdmin):
    list_display = ("name_zh", "name_en", "responsibility_zh", "phone", "email", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_zh", "name_en", "responsibility_zh", "responsibility_en", "email")
    ordering = ("sort_order", "id")
