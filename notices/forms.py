"""The notice pages' forms. They validate what a person typed; notices.services decides and writes."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance_portal.web import add_service_errors
from members.models import Organisation
from members.regions import Province

from .models import Notice
from .services import NOTICE_FIELDS, notice_check

# What an attachment may be: its extension and its first bytes must agree (a renamed .exe is refused).
ATTACHMENT_TYPES = {
    "application/pdf": ((".pdf",), (b"%PDF-",)),
    "image/png": ((".png",), (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": ((".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
}


CHECKED_FIELDS = ("title_zh", "title_en", "audience_kind", "kinds", "provinces", "organisations")


def add_notice_errors(form: forms.Form, cleaned: dict, notice: Notice | None = None) -> None:
    """What notices.services would refuse in these values (a title, an audience that names someone), next to the
    fields before anything is saved: the rule is the service's, asked early."""
    if any(form.has_error(name) for name in CHECKED_FIELDS if name in form.fields):
        return
    fields = {name: cleaned[name] for name in NOTICE_FIELDS if name in cleaned}
    organisations = cleaned.get("organisations")
    try:
        notice_check(notice=notice, organisations=organisations, **fields)
    except ValidationError as error:
        add_service_errors(form, error)


def attachment_content_type(upload) -> str:
    """The content type of an acceptable attachment, found by its extension and its content; else ValidationError."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s; attachments may be up to %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)},
            code="too_big",
        )
    extension = Path(upload.name or "").suffix.lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (extensions, signatures) in ATTACHMENT_TYPES.items():
        if extension in extensions and head.startswith(signatures):
            return content_type
    raise ValidationError(_("Attach a PDF, PNG or JPEG file."), code="wrong_type")


class NoticeForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    body_zh = forms.CharField(
        label=_("Text (Chinese)"),
        required=False,
        max_length=Notice._meta.get_field("body_zh").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, lists, [links](https://…). HTML and scripts are removed."),
    )
    body_en = forms.CharField(
        label=_("Text (English)"),
        required=False,
        max_length=Notice._meta.get_field("body_en").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Notice.Category.choices)
    audience_kind = forms.ChoiceField(
        label=_("Audience"), choices=Notice.Audience.choices, widget=forms.RadioSelect, initial=Notice.Audience.ALL
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces"), choices=Province.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    pinned = forms.BooleanField(label=_("Pinned: shown above the other notices"), required=False)
    requires_ack = forms.BooleanField(label=_("Each organisation must acknowledge it"), required=False)
    is_public = forms.BooleanField(label=_("Public: also shown to visitors on the home page"), required=False)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF, PNG or JPEG file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    FIELDS = ("title_zh", "title_en", "body_zh", "body_en", "category", "audience_kind", "kinds", "provinces")
    FLAGS = ("pinned", "requires_ack", "is_public")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by(
            "name_en"
        )
        self.fields["organisations"].label_from_instance = lambda org: f"{org.name} ({org.get_province_display()})"

    @classmethod
    def initial_for(cls, notice: Notice) -> dict:
        initial = {name: getattr(notice, name) for name in cls.FIELDS + cls.FLAGS}
        initial["organisations"] = list(notice.organisations.values_list("pk", flat=True))
        return initial

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            self.attachment_content_type = attachment_content_type(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        add_notice_errors(self, cleaned)
        return cleaned

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.FIELDS + self.FLAGS}
        fields["organisations"] = list(self.cleaned_data["organisations"])
        return fields


class PublishForm(forms.Form):
    NOW, LATER = "now", "later"
    when = forms.ChoiceField(
        label=_("When"),
        choices=[(NOW, _("Publish now")), (LATER, _("Publish at a set time"))],
        widget=forms.RadioSelect,
        initial=NOW,
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at (Beijing time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    # The number of organisations the person was shown and confirmed (notices.services.reach_to_confirm); 0 before.
    confirmed_reach = forms.IntegerField(required=False, min_value=0, max_value=10**6, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == self.LATER:
            at = cleaned.get("publish_at")
            if at is None:
                self.add_error("publish_at", _("Give the date and time to publish at."))
            elif at <= timezone.now():
                self.add_error("publish_at", _("Choose a time in the future, or publish now."))
        return cleaned

    @property
    def at(self):
        return self.cleaned_data["publish_at"] if self.cleaned_data["when"] == self.LATER else None


class NoticeFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Words of the title or the text.")
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Notice.Category.choices], required=False
    )

    def category_value(self) -> str:
        return self.cleaned_data.get("category", "") if self.is_valid() else ""

    def search_value(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""
