"""Import and export of the member registry (organisations, contacts) as CSV or Excel, through django-import-export.

Column headers are readable and in the active language; on import a header is recognised in either language or
by its field name, so a sheet exported in Chinese can be imported from an English screen and the other way round.
"""

import re
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from .models import Contact, MaterialCategory, Organisation
from .regions import Province
from .validators import normalise_credit_code


def _header_key(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


class CreditCodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalise_credit_code(super().clean(value, row, **kwargs))


class ChoicesWidget(widgets.Widget):
    """A choice by its code or its label in any of the portal's languages; exported as the label."""

    # Chinese names are often written with the administrative suffix ("湖北省", "上海市").
    SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")

    def __init__(self, choices, *, what, **kwargs):
        self.choices = choices
        self.what = what
        super().__init__(**kwargs)

    def _lookup(self) -> dict[str, str]:
        table = {}
        for value in self.choices.values:
            table[value.casefold()] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in self.choices.choices:
                    table.setdefault(_header_key(label), value)
        return table

    def clean(self, value, row=None, **kwargs):
        text = _header_key(value)
        if not text:
            return ""
        table = self._lookup()
        if text in table:
            return table[text]
        for suffix in self.SUFFIXES:
            if text.endswith(suffix) and text[: -len(suffix)] in table:
                return table[text[: -len(suffix)]]
        raise ValueError(
            gettext("“%(value)s” is not a known %(what)s. Use one of: %(choices)s.")
            % {
                "value": str(value).strip(),
                "what": self.what,
                "choices": ", ".join(str(label) for label in self.choices.labels),
            }
        )

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return value


class YesNoWidget(widgets.BooleanWidget):
    TRUE_WORDS = {"1", "true", "yes", "y", "x", "是", "✓"}
    FALSE_WORDS = {"0", "false", "no", "n", "否", ""}

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int | float):
            return bool(value)
        text = str(value).strip().casefold()
        if text in self.TRUE_WORDS or text == gettext("yes").casefold():
            return True
        if text in self.FALSE_WORDS or text == gettext("no").casefold():
            return False
        raise ValueError(gettext("Write yes or no, not “%(value)s”.") % {"value": str(value).strip()})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


class CategoryCodesWidget(widgets.ManyToManyWidget):
    """Material categories as their codes, separated by commas; an unknown code is an error, not silently dropped."""

    SEPARATORS = re.compile(r"[,，;；、\s]+")

    def __init__(self, **kwargs):
        super().__init__(MaterialCategory, separator=",", field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        codes = [code for code in self.SEPARATORS.split(str(value or "").strip().lower()) if code]
        if not codes:
            return MaterialCategory.objects.none()
        found = MaterialCategory.objects.filter(code__in=codes)
        unknown = sorted(set(codes) - {category.code for category in found})
        if unknown:
            raise ValueError(
                gettext("Unknown material category code: %(codes)s. The codes are listed under Material categories.")
                % {"codes": ", ".join(unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(category.code for category in value.all())


class OrganisationByCreditCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Organisation, field="credit_code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        code = CreditCodeWidget().clean(value)
        if not code:
            return None
        try:
            return self.get_queryset(code, row).get(credit_code=code)
        except Organisation.DoesNotExist:
            raise ValueError(
                gettext("No organisation has the credit code %(code)s. Import or add the organisation first.")
                % {"code": code}
            ) from None


class RegistryResource(resources.ModelResource):
    """What the member registry's resources share: readable bilingual headers and errors named by column."""

    #: field name -> column header (lazy, translated when the resource is made)
    COLUMNS: dict = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            if name in self.COLUMNS:
                field.column_name = str(self.COLUMNS[name])

    @classmethod
    def header_aliases(cls) -> dict[str, str]:
        """Every accepted spelling of a header -> the field it names."""
        aliases = {}
        for name, label in cls.COLUMNS.items():
            aliases[_header_key(name)] = name
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    aliases.setdefault(_header_key(label), name)
        return aliases

    @classmethod
    def column_names(cls) -> list[str]:
        return [str(label) for label in cls.COLUMNS.values()]

    @classmethod
    def header_problem(cls, headers) -> str | None:
        """Why a file with these headers cannot be imported, or None."""
        aliases = cls.header_aliases()
        given = [header for header in (headers or []) if _header_key(header)]
        unknown = [str(header) for header in given if _header_key(header) not in aliases]
        named = {aliases[_header_key(header)] for header in given if _header_key(header) in aliases}
        missing = [str(cls.COLUMNS[name]) for name in cls._meta.import_id_fields if name not in named]
        if not given:
            return gettext("The file has no header row. The first row must name the columns: %(columns)s.") % {
                "columns": ", ".join(cls.column_names())
            }
        if unknown or missing:
            parts = []
            if unknown:
                parts.append(gettext("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
            if missing:
                parts.append(gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
            parts.append(
                gettext("The columns this import understands are: %(columns)s.")
                % {"columns": ", ".join(cls.column_names())}
            )
            return " ".join(parts)
        return None

    def before_import(self, dataset, **kwargs):
        # Headers in either language (or a field name) become this resource's column names.
        aliases = self.header_aliases()
        dataset.headers = [
            self.fields[aliases[_header_key(header)]].column_name if _header_key(header) in aliases else header
            for header in dataset.headers or []
        ]
        # Spreadsheets often carry formatted but empty rows below the data.
        for index in range(len(dataset) - 1, -1, -1):
            if all(value is None or str(value).strip() == "" for value in dataset[index]):
                del dataset[index]
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        # A key that does not resolve (an unknown organisation, say) is reported on the row, not as a crash.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many values are only saved after the row validates; check them now so a bad one is a row error.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row and not field.readonly:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(ValidationError(str(error)))
        self.check_row(instance, row, errors, **kwargs)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict, **kwargs) -> None:
        """Rules of this import beyond the model's own validation; add messages to errors by field."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            # The preview names each error by the column the user sees, not by the model field.
            by_column = {}
            for name, messages in error.message_dict.items():
                column = self.fields[name].column_name if name in self.fields else name
                by_column.setdefault(column, []).extend(messages)
            raise ValidationError(by_column) from None


class OrganisationResource(RegistryResource):
    COLUMNS = {
        "credit_code": _("Unified social credit code"),
        "slug": _("Short name"),
        "name_zh": _("Name (Chinese)"),
        "name_en": _("Name (English)"),
        "kind": _("Kind"),
        "status": _("Membership status"),
        "province": _("Province"),
        "city": _("City (Chinese)"),
        "city_en": _("City (English)"),
        "address": _("Address"),
        "website": _("Website"),
        "categories_supplied": _("Categories supplied (codes)"),
        "categories_consumed": _("Categories consumed (codes)"),
        "priority_guarantee": _("Priority guarantee"),
        "joined_on": _("Joined on"),
    }

    credit_code = fields.Field(attribute="credit_code", widget=CreditCodeWidget())
    kind = fields.Field(attribute="kind", widget=ChoicesWidget(Organisation.Kind, what=_("kind")))
    status = fields.Field(
        attribute="status",
        widget=ChoicesWidget(Organisation.Status, what=_("membership status")),
        default=Organisation.Status.PENDING,
    )
    province = fields.Field(attribute="province", widget=ChoicesWidget(Province, what=_("province")))
    categories_supplied = fields.Field(attribute="categories_supplied", widget=CategoryCodesWidget())
    categories_consumed = fields.Field(attribute="categories_consumed", widget=CategoryCodesWidget())
    priority_guarantee = fields.Field(attribute="priority_guarantee", widget=YesNoWidget())
    joined_on = fields.Field(attribute="joined_on", widget=widgets.DateWidget())

    class Meta:
        model = Organisation
        name = _("Organisations")
        fields = (
            "credit_code",
            "slug",
            "name_zh",
            "name_en",
            "kind",
            "status",
            "province",
            "city",
            "city_en",
            "address",
            "website",
            "categories_supplied",
            "categories_consumed",
            "priority_guarantee",
            "joined_on",
        )
        export_order = fields
        import_id_fields = ["credit_code"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Row numbers (as the preview counts them) of each credit code, to refuse a code given twice.
        column = self.fields["credit_code"].column_name
        self._rows_by_code: dict[str, list[int]] = {}
        if column in (dataset.headers or []):
            codes = [CreditCodeWidget().clean(value) for value in dataset[column]]
            for code, count in Counter(codes).items():
                if code and count > 1:
                    self._rows_by_code[code] = [number for number, c in enumerate(codes, 1) if c == code]

    def import_instance(self, instance, row, **kwargs):
        is_new = instance.pk is None
        status = instance.status
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # The status of an existing member changes through approval, suspension or withdrawal (which do more
            # than set a field); an import only sets the status of organisations it creates.
            if not is_new:
                instance.status = status
            if is_new and not instance.slug:
                instance.slug = self._unique_slug(instance)

    def check_row(self, instance, row, errors, **kwargs):
        rows = getattr(self, "_rows_by_code", {}).get(instance.credit_code)
        number = kwargs.get("row_number")
        if rows and number in rows:
            others = [str(n) for n in rows if n != number]
            errors.setdefault("credit_code", []).append(
                ValidationError(
                    gettext("This credit code is also on row %(rows)s of the file; each organisation once, please.")
                    % {"rows": ", ".join(others)}
                )
            )

    @staticmethod
    def _unique_slug(instance: Organisation) -> str:
        base = slugify(instance.name_en)[:50] or (instance.credit_code or "org").lower()
        slug, n = base, 2
        while Organisation.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("categories_supplied", "categories_consumed")


class ContactResource(RegistryResource):
    COLUMNS = {
        "organisation": _("Organisation credit code"),
        "organisation_name": _("Organisation"),
        "name": _("Name"),
        "title": pgettext_lazy("job title", "Title"),
        "mobile": _("Mobile"),
        "email": _("Email"),
        "language": _("Language"),
        "receives_alerts": _("Receives alerts"),
        "is_primary": _("Primary contact"),
    }

    organisation = fields.Field(attribute="organisation", widget=OrganisationByCreditCodeWidget())
    # Shown on export so the sheet is readable; ignored on import (the credit code says which organisation).
    organisation_name = fields.Field(attribute="organisation__name", readonly=True)
    language = fields.Field(
        attribute="language",
        widget=ChoicesWidget(Contact.Language, what=_("language")),
        default=Contact.Language.ZH,
    )
    receives_alerts = fields.Field(attribute="receives_alerts", widget=YesNoWidget())
    is_primary = fields.Field(attribute="is_primary", widget=YesNoWidget())

    class Meta:
        model = Contact
        name = _("Contacts")
        fields = (
            "organisation",
            "organisation_name",
            "name",
            "title",
            "mobile",
            "email",
            "language",
            "receives_alerts",
            "is_primary",
        )
        export_order = fields
        # A person is known by name within their organisation, so re-importing a sheet updates them.
        import_id_fields = ["organisation", "name"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def check_row(self, instance, row, errors, **kwargs):
        if not instance.mobile and not instance.email and "mobile" not in errors and "email" not in errors:
            errors.setdefault("mobile", []).append(
                ValidationError(gettext("Give a mobile number or an email address (or both)."))
            )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation")
