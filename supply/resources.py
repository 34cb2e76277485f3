"""Export of supply requests and commitments for the secretariat (CSV or Excel, through django-import-export): one
row per record, with its words rather than its codes (statuses, units, urgency in the reader's language) and
headers in the active language (alliance_portal.exports). The admin's export takes the changelist's filters."""

from django.utils.translation import gettext_lazy as _

from alliance_portal.exports import Column, LabelledExport

from . import display
from .models import Commitment, SupplyRequest


class SupplyRequestResource(LabelledExport):
    columns = {
        "fab": Column(_("requesting fab"), "organisation__name"),
        "site": Column(_("delivery site"), "site__name"),
        "province": Column(_("province"), "site__province"),
        "city": Column(_("city"), "site__city_name"),
        "category": Column(_("material category"), "category__name"),
        "material": Column(_("material")),
        "specification": Column(_("specification (grade, purity)")),
        "un_number": Column(_("UN number")),
        "storage": Column(_("storage")),
        "quantity": Column(_("quantity")),
        "unit": Column(_("unit"), ""),
        "needed_by": Column(_("needed by")),
        "days_of_stock": Column(_("days of stock left")),
        "urgency": Column(_("urgency")),
        "status": Column(_("status")),
        "priority": Column(_("priority")),
        "qty_committed": Column(_("committed")),
        "qty_in_transit": Column(_("in transit")),
        "qty_delivered": Column(_("delivered")),
        "remaining": Column(_("remaining")),
        "justification": Column(_("justification")),
        "submitted_at": Column(_("submitted at")),
        "confirmed_at": Column(_("last confirmed at")),
    }
    select_related = ("organisation", "site", "category")

    class Meta:
        model = SupplyRequest

    def dehydrate_unit(self, request: SupplyRequest) -> str:
        return display.unit_label(request.unit)


class CommitmentResource(LabelledExport):
    columns = {
        "request_id": Column(_("supply request")),
        "material": Column(_("material"), "request__material"),
        "category": Column(_("material category"), "request__category__name"),
        "fab": Column(_("requesting fab"), "request__organisation__name"),
        "supplier": Column(_("supplier"), "supplier__name"),
        "quantity": Column(_("quantity")),
        "unit": Column(_("unit"), ""),
        "expected_ship_date": Column(_("expected ship date")),
        "unit_price": Column(_("unit price")),
        "currency": Column(_("currency"), ""),
        "status": Column(_("status")),
        "carrier": Column(_("carrier")),
        "tracking_number": Column(_("tracking number")),
        "shipped_on": Column(_("shipped on")),
        "delivered_quantity": Column(_("received quantity")),
        "delivered_on": Column(_("delivered on")),
        "created_at": Column(_("created at")),
    }
    select_related = ("request", "request__organisation", "request__category", "supplier")

    class Meta:
        model = Commitment

    def dehydrate_unit(self, commitment: Commitment) -> str:
        return display.unit_label(commitment.request.unit)

    def dehydrate_currency(self, commitment: Commitment) -> str:
        return display.currency_label(commitment.currency) if commitment.unit_price is not None else ""
