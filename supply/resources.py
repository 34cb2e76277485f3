"""Export of supply requests and commitments for the secretariat (CSV or Excel, through django-import-export): one
row per record, with its words rather than its codes (statuses, units, urgency in the reader's language) and
headers in the active language. The admin's export takes the changelist's filters."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from . import display
from .models import Commitment, SupplyRequest


def _label(choices, value) -> str:
    """A choice's label in the active language; an unknown code as it is."""
    return str(dict(choices).get(value, value)) if value else ""


class SupplyRequestResource(resources.ModelResource):
    fab = fields.Field(attribute="organisation__name", column_name=_("requesting fab"))
    site = fields.Field(attribute="site__name", column_name=_("delivery site"))
    province = fields.Field(attribute="site__get_province_display", column_name=_("province"))
    city = fields.Field(attribute="site__city_name", column_name=_("city"))
    category = fields.Field(attribute="category__name", column_name=_("material category"))
    material = fields.Field(attribute="material", column_name=_("material"))
    specification = fields.Field(attribute="specification", column_name=_("specification (grade, purity)"))
    un_number = fields.Field(attribute="un_number", column_name=_("UN number"))
    storage = fields.Field(attribute="get_storage_display", column_name=_("storage"))
    quantity = fields.Field(attribute="quantity", column_name=_("quantity"))
    unit = fields.Field(column_name=_("unit"))
    needed_by = fields.Field(attribute="needed_by", column_name=_("needed by"))
    days_of_stock = fields.Field(attribute="days_of_stock", column_name=_("days of stock left"))
    urgency = fields.Field(attribute="get_urgency_display", column_name=_("urgency"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    priority = fields.Field(attribute="priority", column_name=_("priority"))
    qty_committed = fields.Field(attribute="qty_committed", column_name=_("committed"))
    qty_in_transit = fields.Field(attribute="qty_in_transit", column_name=_("in transit"))
    qty_delivered = fields.Field(attribute="qty_delivered", column_name=_("delivered"))
    remaining = fields.Field(attribute="remaining", column_name=_("remaining"))
    justification = fields.Field(attribute="justification", column_name=_("justification"))
    submitted_at = fields.Field(attribute="submitted_at", column_name=_("submitted at"))
    confirmed_at = fields.Field(attribute="confirmed_at", column_name=_("last confirmed at"))

    class Meta:
        model = SupplyRequest
        fields = export_order = (
            "id",
            "fab",
            "site",
            "province",
            "city",
            "category",
            "material",
            "specification",
            "un_number",
            "storage",
            "quantity",
            "unit",
            "needed_by",
            "days_of_stock",
            "urgency",
            "status",
            "priority",
            "qty_committed",
            "qty_in_transit",
            "qty_delivered",
            "remaining",
            "justification",
            "submitted_at",
            "confirmed_at",
        )

    def dehydrate_unit(self, request: SupplyRequest) -> str:
        return display.unit_label(request.unit)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation", "site", "category")


class CommitmentResource(resources.ModelResource):
    request_id = fields.Field(attribute="request_id", column_name=_("supply request"))
    material = fields.Field(attribute="request__material", column_name=_("material"))
    category = fields.Field(attribute="request__category__name", column_name=_("material category"))
    fab = fields.Field(attribute="request__organisation__name", column_name=_("requesting fab"))
    supplier = fields.Field(attribute="supplier__name", column_name=_("supplier"))
    quantity = fields.Field(attribute="quantity", column_name=_("quantity"))
    unit = fields.Field(column_name=_("unit"))
    expected_ship_date = fields.Field(attribute="expected_ship_date", column_name=_("expected ship date"))
    unit_price = fields.Field(attribute="unit_price", column_name=_("unit price"))
    currency = fields.Field(column_name=_("currency"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    carrier = fields.Field(attribute="carrier", column_name=_("carrier"))
    tracking_number = fields.Field(attribute="tracking_number", column_name=_("tracking number"))
    shipped_on = fields.Field(attribute="shipped_on", column_name=_("shipped on"))
    delivered_quantity = fields.Field(attribute="delivered_quantity", column_name=_("received quantity"))
    delivered_on = fields.Field(attribute="delivered_on", column_name=_("delivered on"))
    created_at = fields.Field(attribute="created_at", column_name=_("created at"))

    class Meta:
        model = Commitment
        fields = export_order = (
            "id",
            "request_id",
            "material",
            "category",
            "fab",
            "supplier",
            "quantity",
            "unit",
            "expected_ship_date",
            "unit_price",
            "currency",
            "status",
            "carrier",
            "tracking_number",
            "shipped_on",
            "delivered_quantity",
            "delivered_on",
            "created_at",
        )

    def dehydrate_unit(self, commitment: Commitment) -> str:
        return display.unit_label(commitment.request.unit)

    def dehydrate_currency(self, commitment: Commitment) -> str:
        return display.currency_label(commitment.currency) if commitment.unit_price is not None else ""

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("request", "request__organisation", "request__category", "supplier")
