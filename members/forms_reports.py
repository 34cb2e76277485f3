"""The status report form: short, one column on a phone, numeric keyboards, pre-filled from the last report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StatusReport
from .models_reports import MAX_STOCK_DAYS, Difficulty
from .services_reports import REPORT_FIELDS

NUMBER_FIELDS = (
    "staff_total",
    "staff_returned",
    "returned_from_high_risk",
    "in_observation",
    "fever_cases",
    "capacity_percent",
)
# The numeric keyboard on phones, and no spinner arrows to fumble with.
NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


def _numeric(field_name: str):
    return forms.TextInput(attrs={**NUMERIC, "id": f"id_{field_name}"})


class StatusReportForm(forms.ModelForm):
    """The figures and difficulties of a report; the rules are the model's (`StatusReport.clean`), so the form, the
    API and the admin name the same fields with the same words. Fabs get one days-of-stock field per category."""

    class Meta:
        model = StatusReport
        fields = ["report_date", *REPORT_FIELDS]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: _numeric(name) for name in NUMBER_FIELDS},
            **{f"{kind}_difficulty": forms.Textarea(attrs={"rows": 2}) for kind in Difficulty.values},
        }

    def __init__(self, *args, stock_categories=(), stock_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_date"].help_text = _("Today, unless you are catching up on a missed day.")
        if self.instance.pk:
            self.fields["report_date"].disabled = True
        self.stock_categories = list(stock_categories)
        stock_initial = stock_initial or {}
        for category in self.stock_categories:
            self.fields[self.stock_field(category)] = forms.IntegerField(
                label=category.name,
                required=False,
                min_value=0,
                max_value=MAX_STOCK_DAYS,
                initial=stock_initial.get(category.pk),
                widget=forms.TextInput(attrs=NUMERIC),
            )

    @staticmethod
    def stock_field(category) -> str:
        return f"stock_{category.pk}"

    def stock_fields(self):
        return [self[self.stock_field(category)] for category in self.stock_categories]

    def difficulty_rows(self):
        return [(label, self[f"{kind}_difficulty"], self[f"{kind}_needs_help"]) for kind, label in Difficulty.choices]

    def figure_fields(self):
        return [self[name] for name in NUMBER_FIELDS]

    def stock(self) -> dict[int, int] | None:
        """{category id: days} of the filled-in stock fields (None when the form has none: leave them alone)."""
        if not self.stock_categories:
            return None
        values = {category.pk: self.cleaned_data.get(self.stock_field(category)) for category in self.stock_categories}
        return {pk: days for pk, days in values.items() if days is not None}

    def report_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}


def initial_from(report: StatusReport | None) -> dict:
    """The figures and difficulties of a report (the previous one) as a new form's initial values. Not its requests
    for help: each day's request is a fresh decision (a pre-ticked box would reopen a resolved case unnoticed)."""
    if report is None:
        return {}
    return {name: getattr(report, name) for name in REPORT_FIELDS if not name.endswith("_needs_help")}
