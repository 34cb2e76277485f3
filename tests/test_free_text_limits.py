"""Every free-text field a person types into has a length limit in the model, enforced by its validators (a
TextField's max_length alone only sizes the form's box), so that a 10,000-character note is refused at every door."""

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

APPS = ["members", "notices", "supply", "donations", "assistance"]
# Written by the system, never typed: the last error an alert channel answered.
NOT_TYPED = {("notices", "alert", "last_error"), ("notices", "historicalalert", "last_error")}


def typed_text_fields():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField) or field.choices:
                    continue
                if not field.editable:
                    continue  # made by the system (a notice's stored HTML), never typed
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in NOT_TYPED:
                    yield key, field


def _id(value) -> str:
    return ".".join(value) if isinstance(value, tuple) else value if isinstance(value, str) else ""


@pytest.mark.parametrize(("key", "field"), list(typed_text_fields()), ids=_id)
def test_every_typed_text_field_has_an_enforced_limit(key, field):
    assert field.max_length, f"{'.'.join(key)} has no max_length"
    if isinstance(field, models.TextField):
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
        assert limits == [field.max_length], f"{'.'.join(key)}: a TextField needs MaxLengthValidator(max_length)"


FORM_MODULES = [
    "members.forms",
    "members.forms_reports",
    "notices.forms",
    "supply.forms",
    "donations.forms",
    "assistance.forms",
]


def typed_form_fields():
    import importlib
    import inspect

    from django import forms

    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for name, field in form.base_fields.items():
                if type(field) is forms.CharField and not isinstance(
                    field.widget, forms.PasswordInput | forms.HiddenInput
                ):
                    yield f"{module_name}.{form.__name__}.{name}", field


@pytest.mark.parametrize(("where", "field"), list(typed_form_fields()), ids=_id)
def test_every_typed_form_field_has_a_limit(where, field):
    assert field.max_length, f"{where} has no max_length: the box takes any length"
