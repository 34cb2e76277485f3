"""The admin's text boxes say their limit as the portal's forms do ("At most N characters."), not only to the
browser (maxlength): every admin of the portal's models, and its inlines, is built on `LengthHintMixin`."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from alliance_portal.admin_tools import LengthHintMixin

APPS = {"members", "notices", "alerts", "supply", "donations", "assistance", "dashboard"}


def portal_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS or model is get_user_model():
            yield f"{model._meta.app_label}.{model._meta.model_name}", type(model_admin)
            for inline in model_admin.inlines:
                yield f"{model._meta.app_label}.{model._meta.model_name}:{inline.__name__}", inline


@pytest.mark.parametrize(("name", "admin_class"), list(portal_admins()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_admin_and_inline_shows_the_length_hint(name, admin_class):
    assert issubclass(admin_class, LengthHintMixin), f"{name}: build it on alliance_portal.admin_tools' bases"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "hint"), [("en", "At most 100 characters."), ("zh-hans", "最多 100 个字符")])
def test_the_organisation_form_says_each_limit_under_its_box(client_for, secretariat, settings, language, hint):
    settings.LANGUAGE_CODE = language
    body = client_for(secretariat).get(reverse("admin:members_organisation_add")).content.decode()
    assert 'maxlength="100"' in body
    # Under the Chinese and the English name (100 each), as under the members' own profile form.
    assert body.count(hint) >= 2
