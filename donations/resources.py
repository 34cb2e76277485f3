"""Export of pledges for the finance team (CSV or Excel, through django-import-export): one row per pledge, money
and goods, with their CNY value. Headers in the active language."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Pledge


class PledgeResource(resources.ModelResource):
    donor_zh = fields.Field(attribute="donor__name_zh", column_name=_("donor (Chinese)"))
    donor_en = fields.Field(attribute="donor__name_en", column_name=_("donor (English)"))
    appeal = fields.Field(attribute="appeal__title_zh", column_name=_("appeal"))
    beneficiary = fields.Field(attribute="beneficiary", column_name=_("beneficiary"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("kind"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    channel = fields.Field(attribute="get_channel_display", column_name=_("channel"))
    amount = fields.Field(attribute="amount", column_name=_("amount"))
    currency = fields.Field(attribute="currency", column_name=_("currency"))
    exchange_rate = fields.Field(attribute="exchange_rate", column_name=_("rate to CNY"))
    value_cny = fields.Field(attribute="value_cny", column_name=_("value (CNY)"))
    received_cny = fields.Field(attribute="received_cny", column_name=_("received (CNY)"))
    goods = fields.Field(column_name=_("goods"))
    promised_date = fields.Field(attribute="promised_date", column_name=_("promised date"))
    delivered_at = fields.Field(attribute="delivered_at", column_name=_("delivered at"))
    certificate_number = fields.Field(attribute="certificate_number", column_name=_("certificate number"))

    class Meta:
        model = Pledge
        fields = export_order = (
            "id",
            "donor_zh",
            "donor_en",
            "appeal",
            "beneficiary",
            "kind",
            "status",
            "channel",
            "amount",
            "currency",
            "exchange_rate",
            "value_cny",
            "received_cny",
            "goods",
            "promised_date",
            "delivered_at",
            "certificate_number",
        )

    def dehydrate_goods(self, pledge: Pledge) -> str:
        return "; ".join(
            f"{line.category.name_zh} {line.specification} {line.quantity.normalize():f} {line.unit}".replace("  ", " ")
            for line in pledge.lines.all()
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("donor", "appeal").prefetch_related("lines__category")
