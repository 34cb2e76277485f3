"""What the supply admin's pages share: the forms of actions that ask for input, amounts, and saves that go
through a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import display

FILL_STATES = {"nothing": _("nothing"), "partial": _("partial"), "complete": _("complete")}


def amount(value, unit: str) -> str:
    return display.amount(value, unit)


# --- intermediate pages of actions that need more than a click -----------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept with each request's history; the fab sees it."),
    )


class OverrideForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        required=False,
        min_value=-1000,
        max_value=1000,
        help_text=_("The queue sorts on this instead of the computed score. Leave it empty to clear an override."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Required, and kept in the request's history."),
    )
