"""Export of pledges for the finance team (CSV or Excel, through django-import-export): one row per pledge, money
and goods, with their CNY value. Headers and choices in the active language (alliance_portal.exports)."""

from django.utils.translation import gettext_lazy as _

from alliance_portal.exports import Column, LabelledExport

from .models import Pledge


class PledgeResource(LabelledExport):
    columns = {
        "donor_zh": Column(_("donor (Chinese)"), "donor__name_zh"),
        "donor_en": Column(_("donor (English)"), "donor__name_en"),
        "appeal": Column(_("appeal"), "appeal__title_zh"),
        "beneficiary": Column(_("beneficiary")),
        "kind": Column(_("kind")),
        "status": Column(_("status")),
        "channel": Column(_("channel")),
        "amount": Column(_("amount")),
        "currency": Column(_("currency")),
        "exchange_rate": Column(_("rate to CNY")),
        "value_cny": Column(_("value (CNY)")),
        "received_cny": Column(_("received (CNY)")),
        "goods": Column(_("goods"), ""),
        "promised_date": Column(_("promised date")),
        "delivered_at": Column(_("delivered at")),
        "certificate_number": Column(_("certificate number")),
    }
    select_related = ("donor", "appeal")
    prefetch_related = ("lines__category",)

    class Meta:
        model = Pledge

    def dehydrate_goods(self, pledge: Pledge) -> str:
        return "; ".join(
            f"{line.category.name_zh} {line.specification} {line.quantity.normalize():f} {line.unit}".replace("  ", " ")
            for line in pledge.lines.all()
        )
