from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Contact, MaterialCategory, Membership, Organisation, Site
from .regions import Province
from .validators import normalise_credit_code


def _formfield(field: models.Field, **kwargs) -> forms.Field | None:
    # Members type "www.example.com"; assume the https:// they left out, as Django 6 will.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationProfileForm(forms.ModelForm):
    """What an organisation's administrator may change; status, kind, the priority guarantee and the
    short name are the secretariat's."""

    class Meta:
        model = Organisation
        formfield_callback = _formfield
        fields = [
            "name_zh",
            "name_en",
            "credit_code",
            "province",
            "city",
            "city_en",
            "address",
            "website",
            "description_zh",
            "description_en",
            "categories_supplied",
            "categories_consumed",
        ]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "categories_supplied": forms.CheckboxSelectMultiple,
            "categories_consumed": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "website": _("Shown in the member directory."),
            "description_zh": _("Shown in the member directory."),
            "description_en": _("Shown in the member directory."),
            "address": _("Only your organisation and the secretariat see the address."),
        }
        error_messages = {
            "credit_code": {
                "unique": _(
                    "Another member organisation is registered with this credit code. "
                    "If it is yours, contact the secretariat."
                )
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = MaterialCategory.objects.only("code", "name_zh", "name_en", "sort_order")
        self.fields["categories_supplied"].queryset = categories
        self.fields["categories_consumed"].queryset = categories

    def clean_credit_code(self) -> str:
        return normalise_credit_code(self.cleaned_data["credit_code"])


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name_zh", "name_en", "kind", "province", "city", "city_en", "address", "is_active"]
        help_texts = {"is_active": _("Untick for a site that no longer receives deliveries; it stays in the records.")}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "mobile", "email", "language", "receives_alerts", "is_primary"]
        help_texts = {"mobile": _("With the country code if outside mainland China, e.g. +852 ...")}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The database refuses a contact who can be reached neither way; say so next to the fields.
        reachable = cleaned.get("mobile") or cleaned.get("email")
        if not reachable and not self.has_error("mobile") and not self.has_error("email"):
            self.add_error("mobile", _("Give a mobile number or an email address (or both)."))
        return cleaned


def _language_choices() -> list[tuple[str, str | Promise]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation link is sent to this address."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_(
            "Administrators manage the profile and the people; members file requests and reports; viewers only read."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the email"), choices=_language_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = "en" if (get_language() or "").startswith("en") else "zh-hans"


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return password2

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's hook after clean(), missing from django-stubs
        password = self.cleaned_data.get("password1")
        if password:
            # The similarity check compares the password with the account it will belong to.
            user = get_user_model()(username=self.email, email=self.email, first_name=self.cleaned_data.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Province.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Material category"),
        required=False,
        queryset=MaterialCategory.objects.only("code", "name_zh", "name_en", "sort_order"),
        to_field_name="code",
        empty_label=_("All categories"),
    )

    def filters(self) -> dict:
        """The valid filters only: a bad value in one field does not empty the whole list."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return {
            "search": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "province": data.get("province") or "",
            "category": data.get("category"),
        }
