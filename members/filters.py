"""Query filters of the member registry's API lists. A bad value is a 400 naming the parameter."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import PermissionDenied

from alliance_portal.api_auth import get_caller
from alliance_portal.filters import UpdatedSinceFilter

from .models import MaterialCategory, Organisation, RiskArea, Site


def _city_filter(queryset, name, value):
    """A city by its Chinese or English name."""
    return queryset.filter(Q(city=value.strip()) | Q(city_en__iexact=value.strip()))


@extend_schema_field(OpenApiTypes.STR)
class CategoryCodeFilter(django_filters.ModelChoiceFilter):
    """A material category given by its code; an unknown code is a 400."""

    def __init__(self, **kwargs):
        super().__init__(queryset=MaterialCategory.objects.all(), to_field_name="code", **kwargs)


class OrganisationFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(method=_city_filter, label=_("City, in Chinese or English"))
    category = CategoryCodeFilter(method="filter_category", label=_("Material category code, supplied or consumed"))
    supplies = CategoryCodeFilter(
        field_name="categories_supplied", label=_("Material category code the organisation supplies")
    )
    consumes = CategoryCodeFilter(
        field_name="categories_consumed", label=_("Material category code the organisation consumes")
    )
    priority_guarantee = django_filters.BooleanFilter(
        method="filter_priority_guarantee", label=_("Priority guarantee (secretariat only)")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "province", "status"]

    def filter_category(self, queryset, name, value):
        # Both relations in one subquery, so an organisation that supplies and consumes it is listed once.
        matching = Organisation.objects.filter(Q(categories_supplied=value) | Q(categories_consumed=value))
        return queryset.filter(pk__in=matching.values("pk"))

    def filter_priority_guarantee(self, queryset, name, value):
        # The flag is private: filtering others on it would reveal it. A known caller without the right: 403.
        if not get_caller(self.request).is_staff:
            raise PermissionDenied(_("Only the secretariat can filter on the priority guarantee."))
        return queryset.filter(priority_guarantee=value)


class SiteFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Short name (slug) of the organisation")
    )
    city = django_filters.CharFilter(method=_city_filter, label=_("City, in Chinese or English"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Site
        fields = ["province", "kind", "is_active"]


class RiskAreaFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(method=_city_filter, label=_("City, in Chinese or English"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = RiskArea
        fields = ["province", "level"]


class MaterialCategoryFilter(django_filters.FilterSet):
    class Meta:
        model = MaterialCategory
        fields = ["group", "hazardous", "cold_chain"]
