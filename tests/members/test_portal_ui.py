"""{% bootstrap_field %} (members.templatetags.portal_ui) writes what includes/form_field.html writes, byte for byte,
for every kind of field, with and without errors."""

import pytest
from django import forms
from django.template.loader import render_to_string

from members.templatetags.portal_ui import bootstrap_field
from supply.forms import BulkActionForm, SecretariatQueueFilterForm


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name & title", max_length=40, help_text="Shown <b>to members</b>.")
    note = forms.CharField(required=False, widget=forms.Textarea, max_length=500)
    plain = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), ("gas", "Gas <UN>")])
    count = forms.IntegerField(min_value=1, help_text="Whole pieces.")
    when_on = forms.CharField(required=False)
    when_off = forms.CharField(required=False)
    agree = forms.BooleanField(required=False)
    tags = forms.MultipleChoiceField(required=False, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, required in (("when_on", True), ("when_off", False)):
            self.fields[name].required_when = "kind"  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["required"] = required

    def clean_plain(self):
        raise forms.ValidationError(["First <problem>.", "Second & last."])


def _forms():
    bad = {"name": "x" * 41, "count": "0", "kind": "nope", "plain": "y"}
    yield EveryKindForm()
    yield EveryKindForm(bad)
    yield EveryKindForm(bad, auto_id="custom_%s")
    yield SecretariatQueueFilterForm()
    yield SecretariatQueueFilterForm({"status": "nonsense", "q": "x" * 200})
    yield BulkActionForm()
    yield BulkActionForm({"action": "reject", "requests": ["1", "2"]})


@pytest.mark.django_db
def test_bootstrap_field_writes_what_the_include_writes():
    checked = 0
    for form in _forms():
        if form.is_bound:
            form.is_valid()
        for bound_field in form:
            assert bootstrap_field(bound_field) == render_to_string("includes/form_field.html", {"field": bound_field})
            checked += 1
    assert checked > 30
