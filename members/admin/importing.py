"""Import and export of the registry (organisations, contacts) as CSV or Excel, all or nothing."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from alliance_portal.import_formats import DetectingCSV, NotText


class RegistryImportForm(ImportForm):
    """The import form, refusing before any row is looked at a file too big, unreadable, or with the wrong columns."""

    # The encoding a CSV file was read in (alliance_portal.import_formats), said above the preview.
    detected_encoding = ""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.import_resources = resources
        self.fields["import_file"].help_text = gettext(
            "A CSV file (UTF-8 or GBK, as Excel saves it) or an Excel .xlsx file whose first row names the columns; "
            "at most %(limit)s."
        ) % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        if import_file.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("This file is %(size)s; files up to %(limit)s can be imported. Split it into smaller files.")
                % {"size": filesizeformat(import_file.size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)},
                code="too_big",
            )
        return import_file

    def clean(self):
        cleaned_data = super().clean()
        import_file = cleaned_data.get("import_file")
        format_index = cleaned_data.get("format")
        if import_file is None or format_index in (None, ""):
            return cleaned_data
        input_format = self.import_formats[int(format_index)]()
        title = input_format.get_title().upper()
        data = b"".join(import_file.chunks())
        import_file.seek(0)
        try:
            dataset = input_format.create_dataset(data)
        except NotText as error:
            self.add_error(
                "import_file",
                gettext("This file is an Excel workbook, not CSV text: choose the XLSX format below it.")
                if error.workbook
                else gettext("This file is not text. Choose a CSV or .xlsx file, and its format below it."),
            )
            return cleaned_data
        except Exception:
            # Whatever the parser trips on (a zip that is not a workbook, binary junk), the user's fix is the same.
            self.add_error(
                "import_file",
                gettext("This file could not be read as %(format)s. Check the file and the format chosen below it.")
                % {"format": title},
            )
            return cleaned_data
        # Shown above the preview (admin/members/import.html), so that a wrong guess is seen before confirming.
        self.detected_encoding = getattr(input_format, "detected_encoding", "")
        resource_class = self.import_resources[int(cleaned_data.get("resource") or 0)]
        problem = resource_class.header_problem(dataset.headers)
        if problem:
            self.add_error("import_file", problem)
        elif not len(dataset):
            self.add_error("import_file", gettext("The file has a header row but no data rows."))
        return cleaned_data


class RegistryImportExportMixin(ImportExportMixin):
    import_form_class = RegistryImportForm
    # CSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16, detected (alliance_portal.import_formats).
    import_formats = [DetectingCSV, XLSX]
    export_formats = [CSV, XLSX]
    import_template_name = "admin/members/import.html"

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: one invalid row and the whole file is rolled back.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            gettext("This file could not be read. Check that it is a CSV or .xlsx file and the format chosen."),
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation; nothing was saved.
            messages.error(
                request,
                gettext("Nothing was imported: some rows are no longer valid. Upload the file again to see why."),
            )
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        return super().process_result(result, request)
