"""The supply pages' forms. They validate what a person typed; supply.services decides and writes."""

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from members.models import MaterialCategory, Organisation, RiskLevel, pick_language
from members.regions import Province
from members.selectors import category_index

from .models import Commitment, SupplyRequest, SupplyRequestQuerySet, Unit, Urgency
from .services import REQUEST_FIELDS

CURRENCIES = [("CNY", _("CNY (yuan)")), ("USD", _("USD")), ("EUR", _("EUR")), ("JPY", _("JPY")), ("KRW", _("KRW"))]


def _model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field of this name, typed as such (`form.fields` holds each as a plain Field)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name!r} is not a model choice field")
    return field


def _html_attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, escaped: in their order, a True one bare, a False one left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class TextInput(forms.TextInput):
    """A text box rendered in Python, the markup of Django's own template (for the secretariat's queue, as Select)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        shown = self.format_value(value)
        value_attr = "" if shown is None else f' value="{escape(shown)}"'
        attrs_html = _html_attrs(self.build_attrs(self.attrs, attrs))
        html = f'<input type="{escape(self.input_type)}" name="{escape(name)}"{value_attr}{attrs_html}>'
        return mark_safe(html)  # noqa: S308  # nosec B308, B703  # every part escaped


class Select(forms.Select):
    """A select rendered in Python, the markup of Django's own template: the secretariat's queue has six filters,
    one with every province, and rendering each option through the widget templates (or even building Django's
    option dictionaries) cost more than its rows. (Named Select so that its `widget_type` stays "select" for the
    templates and `portal_ui`.)"""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{_html_attrs(self.build_attrs(self.attrs, attrs))}>']
        chosen = False  # as Django's optgroups(): of a single select, only the first matching option is selected

        def option(option_value: Any, label: Any) -> str:
            nonlocal chosen
            text = "" if option_value is None else str(option_value)
            selected = not chosen and text in wanted
            chosen |= selected
            return f'\n  <option value="{escape(text)}"{" selected" if selected else ""}>{escape(str(label))}</option>'

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{escape(str(group_value))}">')
                parts.extend(option(*choice) for choice in group_label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703  # every name, value and label escaped


class SharedChoiceField(forms.ChoiceField):
    """A ChoiceField whose copies share its list of choices instead of deep-copying it: Django copies every field for
    each form, and the queue's filters (every province among them) cost more to copy than to render. The list is
    never changed in place (a form that needs other choices assigns a new list, as `choices = ...` does)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _material_categories():
    return MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL).only(
        "code", "name_zh", "name_en", "sort_order", "hazardous", "group"
    )


def category_filter_choices() -> list[tuple[str, str]]:
    """(code, name in the active language) of the IC-material categories, for a filter's select, in their order:
    from members' per-process memo of the categories (`members.selectors.category_index`), so that a queue page
    makes no query for its filters."""
    material = [c for c in category_index().values() if c.group == MaterialCategory.Group.MATERIAL]
    material.sort(key=lambda category: (category.sort_order, category.code))
    return [(category.code, pick_language(category.name_zh, category.name_en)) for category in material]


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, site) -> str:
        return f"{site.name} ({site.city_name})"


class SupplyRequestForm(forms.ModelForm):
    """A fab's request. Only its own active sites and IC-material categories are offered; the service re-checks."""

    class Meta:
        model = SupplyRequest
        fields = list(REQUEST_FIELDS)
        field_classes = {"site": SiteChoiceField}
        widgets = {
            "needed_by": DateInput,
            "specification": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "un_number": _("Required for hazardous goods (gases, many chemicals), e.g. UN1017."),
            "justification": _("What happens if it does not arrive: the secretariat reads this when triaging."),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "site").queryset = organisation.sites.filter(is_active=True).order_by("name_zh")
        categories = _model_choices(self, "category")
        categories.queryset = _material_categories()
        # Which categories need a UN number, said to the page at once: static/js/forms.js marks the field required
        # as soon as one is chosen. The rule itself is SupplyRequest.clean(), checked with the form's other fields.
        hazardous = [str(c.pk) for c in categories.queryset if c.hazardous]
        categories.widget.attrs["data-hazardous"] = " ".join(hazardous)
        un_number = self.fields["un_number"]
        un_number.required_when = "hazardous"  # type: ignore[attr-defined]  # read by includes/form_field.html
        un_number.widget.attrs.update({"placeholder": "UN1017", "data-required-if-hazardous": "id_category"})
        if str(self["category"].value() or "") in hazardous:
            un_number.widget.attrs.update({"required": True, "aria-required": "true"})
        # Today at the earliest: the browser's date picker greys out the past (the model refuses it).
        self.fields["needed_by"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_un_number(self) -> str:
        return (self.cleaned_data.get("un_number") or "").strip().upper().replace(" ", "")

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise ValidationError(_("Ask for a quantity greater than zero."))
        return quantity

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *SupplyRequest.Status.choices]
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or ""}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("It is kept.")
    )


class DeliveryForm(forms.Form):
    received_quantity = forms.DecimalField(label=_("Received quantity"), min_value=0, max_digits=14, decimal_places=3)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput, initial=timezone.localdate)


class SupplierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation) -> str:
        return organisation.name


class QualificationForm(forms.Form):
    supplier = SupplierChoiceField(label=_("Supplier"), queryset=Organisation.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, category: MaterialCategory, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "supplier").queryset = (
            Organisation.objects.public()
            .filter(kind=Organisation.Kind.SUPPLIER, categories_supplied=category)
            .only("name_zh", "name_en")
            .order_by("name_en", "pk")
        )


class CommitmentForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3)
    expected_ship_date = forms.DateField(label=_("Expected ship date"), widget=DateInput)
    unit_price = forms.DecimalField(label=_("Unit price"), required=False, min_value=0, max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="CNY")
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by the fab and the secretariat, never by other suppliers."),
    )

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise ValidationError(_("Commit a quantity greater than zero."))
        return quantity

    def clean_expected_ship_date(self):
        expected = self.cleaned_data["expected_ship_date"]
        if expected < timezone.localdate():
            raise ValidationError(_("The expected ship date cannot be in the past."))
        return expected


class CommitmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Commitment.Status.choices]
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or ""}


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)
    shipped_on = forms.DateField(label=_("Shipped on"), widget=DateInput, initial=timezone.localdate)


class CapacityForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Material category"), queryset=MaterialCategory.objects.none(), to_field_name="code"
    )
    quantity_per_week = forms.DecimalField(label=_("Quantity per week"), min_value=0, max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=3650)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, supplier: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "category").queryset = supplier.categories_supplied.filter(
            group=MaterialCategory.Group.MATERIAL
        ).order_by("sort_order")


class SupplierQueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Material, UN number, fab, site or city, or the request's number."),
    )
    category = forms.ModelChoiceField(
        label=_("Material category"),
        required=False,
        queryset=MaterialCategory.objects.none(),
        to_field_name="code",
        empty_label=_("All my categories"),
    )

    def __init__(self, *args, supplier: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choices(self, "category").queryset = supplier.categories_supplied.order_by("sort_order")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"category": data.get("category"), "q": (data.get("q") or "").strip()}


OPEN = [(value, label) for value, label in SupplyRequest.Status.choices if value in SupplyRequestQuerySet.OPEN_STATUSES]
YES_NO = [("", _("Any")), ("yes", _("Stale only")), ("no", _("Fresh only"))]


class SecretariatQueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Material, UN number, fab, site or city, or the request's number."),
        widget=TextInput,
    )
    status = SharedChoiceField(label=_("Status"), required=False, choices=[("", _("All open")), *OPEN], widget=Select)
    category = forms.ModelChoiceField(
        label=_("Material category"),
        required=False,
        queryset=_material_categories(),
        to_field_name="code",
        empty_label=_("All categories"),
        widget=Select,
    )
    province = SharedChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Province.choices], widget=Select
    )
    risk_level = SharedChoiceField(
        label=_("Risk level"), required=False, choices=[("", _("All levels")), *RiskLevel.choices], widget=Select
    )
    urgency = SharedChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("All")), *Urgency.choices], widget=Select
    )
    stale = SharedChoiceField(label=_("Freshness"), required=False, choices=YES_NO, widget=Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = _model_choices(self, "category")
        categories.choices = [("", categories.empty_label), *category_filter_choices()]  # validated on the queryset

    def filters(self) -> dict:
        """The valid filters only: a bad value in one field does not empty the whole queue."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return {
            "status": data.get("status") or "",
            "category": data.get("category"),
            "province": data.get("province") or "",
            "risk_level": data.get("risk_level") or "",
            "urgency": data.get("urgency") or "",
            "stale": {"yes": True, "no": False}.get(data.get("stale") or ""),
            "q": (data.get("q") or "").strip(),
        }


class BulkActionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    action = SharedChoiceField(
        label=_("Action"), choices=[(APPROVE, _("Approve selected")), (REJECT, _("Reject selected"))], widget=Select
    )
    requests = forms.TypedMultipleChoiceField(
        label=_("Requests"),
        coerce=int,
        error_messages={"required": _("Select at least one request.")},
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        max_length=2000,
        help_text=_("Needed to reject; it is kept with each request."),
        widget=TextInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service refuses those that are not open, one by one, with a message.
        ids = self.data.getlist("requests") if hasattr(self.data, "getlist") else self.data.get("requests", [])
        self.fields["requests"].choices = [(value, value) for value in ids]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == self.REJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason; it is kept with each rejected request."))
        return cleaned


class OverrideForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=-1000,
        max_value=1000,
        help_text=_("Replaces the computed score in the queue until cleared."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Kept with the request and shown with its priority.")
    )


class ClearOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CarrierForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Carrier (logistics member)"), queryset=Organisation.objects.none(), to_field_name="slug"
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)

    def __init__(self, *args, carriers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if carriers is not None:
            self.fields["carrier"].queryset = carriers
