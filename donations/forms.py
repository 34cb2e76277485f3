"""Web forms of donations: field limits are the models'; the services decide the rest and their errors are put
next to the fields they name."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import MaterialCategory, Organisation

from .models import Pledge, PledgeLine, Shipment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def emergency_goods():
    return MaterialCategory.objects.filter(group=MaterialCategory.Group.EMERGENCY)


class PledgeForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("What do you give?"), choices=Pledge.Kind.choices, widget=forms.RadioSelect)
    currency = forms.CharField(
        label=_("currency"), max_length=3, initial="CNY", required=False, help_text=_("ISO code, e.g. CNY, USD, EUR.")
    )

    class Meta:
        model = Pledge
        fields = [
            "kind",
            "beneficiary_name",
            "amount",
            "currency",
            "exchange_rate",
            "channel",
            "origin_country",
            "supplier_name",
            "customs_status",
            "promised_date",
            "named_publicly",
            "note",
        ]
        widgets = {"promised_date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, appeal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        if appeal is not None:
            del self.fields["beneficiary_name"]
        self.fields["promised_date"].initial = timezone.localdate()
        self.fields["customs_status"].required = False

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "CNY").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValidationError(_("Give the currency as its three-letter ISO code, e.g. CNY."))
        return value

    def _post_clean(self):
        # The service builds and validates the pledge; the model's own checks would run without its lines.
        pass


class PledgeLineForm(forms.ModelForm):
    category = forms.ModelChoiceField(label=_("Item"), queryset=MaterialCategory.objects.none())

    class Meta:
        model = PledgeLine
        fields = ["category", "specification", "quantity", "unit", "estimated_value_cny"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = emergency_goods()
        # Lines suggested from the appeal's items are left empty unless a quantity is given.
        self.empty_permitted = True
        self.use_required_attribute = False

    def has_changed(self) -> bool:
        # A line is filled in when it has a quantity; the item and unit suggested from the appeal alone are not.
        return bool((self.data.get(self.add_prefix("quantity")) or "").strip())


PledgeLineFormSet = forms.formset_factory(PledgeLineForm, extra=3, max_num=10, absolute_max=10, validate_max=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(forms.ModelForm):
    carrier = forms.ModelChoiceField(
        label=_("carrier (logistics member)"), queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        model = Shipment
        fields = ["carrier", "carrier_name", "tracking_number", "un_number", "storage_class"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.LOGISTICS, status=Organisation.Status.ACTIVE
        )

    def _post_clean(self):
        pass


class DeliverForm(forms.Form):
    """One field per line, the quantity received (all of it unless changed); for money, the CNY received."""

    note = forms.CharField(label=_("note"), max_length=2000, required=False)

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        if pledge.is_money:
            self.fields["received_cny"] = forms.DecimalField(
                label=_("received (CNY)"),
                max_digits=14,
                decimal_places=2,
                min_value=Decimal(0),
                initial=pledge.amount_cny,
            )
        for line in pledge.lines.select_related("category"):
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=_("%(item)s received (%(unit)s)") % {"item": line.category.name, "unit": line.unit},
                max_digits=14,
                decimal_places=3,
                min_value=Decimal(0),
                initial=line.quantity,
            )

    def received(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_")
        }


class CustomsForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ["customs_status", "customs_date"]
        widgets = {"customs_date": DateInput()}

    def _post_clean(self):
        pass
