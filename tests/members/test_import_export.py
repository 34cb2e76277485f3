"""Import (preview, then confirm) and export of organisations and contacts in the admin, as CSV and Excel."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from members.models import Contact, MaterialCategory, Organisation

from .factories import ContactFactory, OrganisationFactory, valid_credit_code

CSV_FORMAT, XLSX_FORMAT = "0", "1"

ORG_HEADERS = [
    "Unified social credit code",
    "Name (Chinese)",
    "Name (English)",
    "Kind",
    "Province",
    "City (Chinese)",
    "City (English)",
    "Categories supplied (codes)",
]


def org_row(n, **changes):
    row = {
        "Unified social credit code": valid_credit_code(50_000 + n),
        "Name (Chinese)": f"导入材料{n}有限公司",
        "Name (English)": f"Imported Materials {n} Co.",
        "Kind": "Materials supplier",
        "Province": "Hubei",
        "City (Chinese)": "武汉",
        "City (English)": "Wuhan",
        "Categories supplied (codes)": "gas, wet-chem",
    }
    row.update(changes)
    return row


def csv_file(rows, headers=None, name="organisations.csv", encoding="utf-8-sig"):
    headers = headers or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, headers=None, name="organisations.xlsx", blank_rows_after=0):
    headers = headers or list(rows[0])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    for _ in range(blank_rows_after):
        sheet.append([None] * len(headers))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        name, out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def staff(client_for, secretariat):
    client = client_for(secretariat)
    # Assertions read the English texts; the admin's default language is Chinese.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, model, import_file, file_format):
    return client.post(
        reverse(f"admin:members_{model}_import"),
        {"format": file_format, "resource": "0", "import_file": import_file},
    )


def confirm(client, model, preview):
    return client.post(
        reverse(f"admin:members_{model}_process_import"), preview.context["confirm_form"].initial, follow=True
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def import_errors(response):
    form = response.context["form"]
    return " ".join(form.errors.get("import_file", []))


# --- organisations -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_explains_the_file_and_lists_the_columns(staff, settings):
    response = staff.get(reverse("admin:members_organisation_import"))
    assert response.status_code == 200
    assert "Unified social credit code" in response.text
    assert "Categories supplied (codes)" in response.text
    assert f"at most {filesizeformat(settings.MAX_UPLOAD_BYTES)}" in response.text


@pytest.mark.django_db
def test_valid_csv_is_previewed_then_imported_on_confirmation(staff, secretariat):
    rows = [org_row(1), org_row(2, **{"Kind": "fab", "Province": "jiangsu", "City (Chinese)": "无锡"})]
    preview = upload(staff, "organisation", csv_file(rows), CSV_FORMAT)

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert "Preview" in preview.text
    assert "Imported Materials 1 Co." in preview.text
    assert not Organisation.objects.filter(name_en__startswith="Imported").exists()  # nothing saved yet

    done = confirm(staff, "organisation", preview)
    assert done.redirect_chain[-1][0] == reverse("admin:members_organisation_changelist")
    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped organisations." in messages_of(done)

    first = Organisation.objects.get(credit_code=rows[0]["Unified social credit code"])
    assert (first.name_zh, first.kind, first.province, first.city_en) == (
        "导入材料1有限公司",
        Organisation.Kind.SUPPLIER,
        "hubei",
        "Wuhan",
    )
    assert first.status == Organisation.Status.PENDING
    assert first.slug == "imported-materials-1-co"
    assert set(first.categories_supplied.values_list("code", flat=True)) == {"gas", "wet-chem"}
    second = Organisation.objects.get(credit_code=rows[1]["Unified social credit code"])
    assert (second.kind, second.province) == (Organisation.Kind.FAB, "jiangsu")
    assert first.history.latest().history_user == secretariat


@pytest.mark.django_db
def test_valid_xlsx_is_previewed_then_imported_on_confirmation(staff):
    headers = [*ORG_HEADERS, "Priority guarantee", "Joined on", "Membership status"]
    rows = [
        org_row(3, **{"Priority guarantee": "yes", "Joined on": datetime.datetime(2020, 2, 1), "Kind": "fab"}),
        org_row(4, **{"Priority guarantee": "no", "Membership status": "Active", "Categories supplied (codes)": None}),
    ]
    preview = upload(staff, "organisation", xlsx_file(rows, headers, blank_rows_after=3), XLSX_FORMAT)
    assert preview.context["confirm_form"] is not None, preview.context["result"].invalid_rows
    assert "Imported Materials 3 Co." in preview.text

    done = confirm(staff, "organisation", preview)
    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped organisations." in messages_of(done)
    fab = Organisation.objects.get(name_en="Imported Materials 3 Co.")
    assert fab.priority_guarantee is True
    assert fab.joined_on == datetime.date(2020, 2, 1)
    assert fab.status == Organisation.Status.PENDING
    other = Organisation.objects.get(name_en="Imported Materials 4 Co.")
    assert other.status == Organisation.Status.ACTIVE
    assert not other.categories_supplied.exists()


@pytest.mark.django_db
def test_reimport_updates_by_credit_code_and_leaves_status_alone(staff):
    existing = OrganisationFactory(name_en="Old Name Co.", status=Organisation.Status.ACTIVE)
    row = org_row(
        5, **{"Unified social credit code": f" {existing.credit_code.lower()} ", "Name (English)": "New Name"}
    )
    row["Membership status"] = "withdrawn"
    preview = upload(staff, "organisation", csv_file([row]), CSV_FORMAT)
    assert "Update" in preview.text

    done = confirm(staff, "organisation", preview)
    assert "Import finished: 0 new, 1 updated, 0 deleted and 0 skipped organisations." in messages_of(done)
    existing.refresh_from_db()
    assert existing.name_en == "New Name"
    assert existing.status == Organisation.Status.ACTIVE  # withdrawal is an action, not a spreadsheet cell
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_unchanged_rows_are_skipped(staff):
    rows = [org_row(6)]
    confirm(staff, "organisation", upload(staff, "organisation", csv_file(rows), CSV_FORMAT))
    again = confirm(staff, "organisation", upload(staff, "organisation", csv_file(rows), CSV_FORMAT))
    assert "Import finished: 0 new, 0 updated, 0 deleted and 1 skipped organisations." in messages_of(again)


@pytest.mark.django_db
def test_a_bad_credit_code_shows_on_its_row_and_nothing_is_saved(staff):
    bad_code = valid_credit_code(50_008)[:17] + ("0" if valid_credit_code(50_008)[17] != "0" else "1")
    rows = [org_row(7), org_row(8, **{"Unified social credit code": bad_code}), org_row(9)]
    before = Organisation.objects.count()

    preview = upload(staff, "organisation", csv_file(rows), CSV_FORMAT)

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    assert "Some rows are not valid, so nothing has been imported" in preview.text
    invalid = preview.context["result"].invalid_rows
    assert [row.number for row in invalid] == [2]
    assert "check character" in " ".join(invalid[0].error_dict["Unified social credit code"])
    assert "check character (the last one) of this credit code is wrong" in preview.text
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_each_kind_of_row_error_is_reported_on_its_row(staff):
    duplicate = valid_credit_code(50_100)
    rows = [
        org_row(10, **{"Name (Chinese)": ""}),
        org_row(11, **{"Unified social credit code": duplicate}),
        org_row(12, **{"Unified social credit code": duplicate}),
        org_row(13, **{"Province": "Atlantis"}),
        org_row(14, **{"Categories supplied (codes)": "gas, unobtainium"}),
        org_row(15, **{"Kind": "pirate"}),
        org_row(16),
    ]
    before = Organisation.objects.count()
    preview = upload(staff, "organisation", xlsx_file(rows), XLSX_FORMAT)

    assert preview.context.get("confirm_form") is None
    errors = {row.number: row.error_dict for row in preview.context["result"].invalid_rows}
    assert sorted(errors) == [1, 2, 3, 4, 5, 6]
    assert "This field cannot be blank." in errors[1]["Name (Chinese)"]
    assert "also on row 3" in " ".join(errors[2]["Unified social credit code"])
    assert "also on row 2" in " ".join(errors[3]["Unified social credit code"])
    assert "“Atlantis” is not a known province" in " ".join(errors[4]["Province"])
    assert "unobtainium" in " ".join(errors[5]["Categories supplied (codes)"])
    assert "“pirate” is not a known kind" in " ".join(errors[6]["Kind"])
    for text in ("This field cannot be blank.", "also on row 3", "is not a known province", "unobtainium"):
        assert text in preview.text
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_nothing_is_saved_if_a_row_became_invalid_after_the_preview(staff):
    category = MaterialCategory.objects.create(code="short-lived", name_zh="临时", name_en="Short-lived")
    rows = [org_row(17), org_row(18, **{"Categories supplied (codes)": "short-lived"})]
    preview = upload(staff, "organisation", csv_file(rows), CSV_FORMAT)
    assert preview.context["confirm_form"] is not None
    category.delete()

    done = confirm(staff, "organisation", preview)

    assert any("Nothing was imported" in m for m in messages_of(done))
    assert not Organisation.objects.filter(name_en__startswith="Imported").exists()


@pytest.mark.django_db
def test_headers_are_recognised_by_field_name_too(staff):
    row = {
        "credit_code": valid_credit_code(50_200),
        "name_zh": "字段名有限公司",
        "name_en": "Field Names Co.",
        "kind": "supplier",
        "province": "shanghai",
        "city": "上海",
    }
    preview = upload(staff, "organisation", csv_file([row]), CSV_FORMAT)
    assert preview.context["confirm_form"] is not None
    confirm(staff, "organisation", preview)
    assert Organisation.objects.filter(name_en="Field Names Co.", province="shanghai").exists()


@pytest.mark.django_db
def test_garbage_named_xlsx_gives_a_clear_error(staff):
    before = Organisation.objects.count()
    garbage = SimpleUploadedFile("organisations.xlsx", b"\x00\x01 this is not a workbook \xff" * 50)
    response = upload(staff, "organisation", garbage, XLSX_FORMAT)
    assert response.status_code == 200
    assert "This file could not be read as XLSX" in import_errors(response)
    assert "This file could not be read as XLSX" in response.text
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_xlsx_uploaded_as_csv_gives_a_clear_error(staff):
    response = upload(staff, "organisation", xlsx_file([org_row(19)], name="organisations.csv"), CSV_FORMAT)
    assert response.status_code == 200
    assert "This file is an Excel workbook, not CSV text: choose the XLSX format" in import_errors(response)


# --- CSV as offices save it: each encoding is read, the preview shows the decoded text before anything is saved ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [
        ("utf-8-sig", "UTF-8"),  # Excel's "CSV UTF-8"
        ("utf-8", "UTF-8"),  # without BOM (most programs)
        ("gbk", "GB18030 / GBK (Chinese Windows)"),  # Excel's "CSV (逗号分隔)" on a Chinese Windows machine
        ("gb18030", "GB18030 / GBK (Chinese Windows)"),
        ("utf-16", "UTF-16"),  # with its BOM
    ],
)
def test_csv_in_each_encoding_is_previewed_decoded_then_imported(staff, encoding, read_as):
    rows = [org_row(20, **{"City (Chinese)": "孝感"}), org_row(21)]
    preview = upload(staff, "organisation", csv_file(rows, encoding=encoding), CSV_FORMAT)

    assert preview.status_code == 200, import_errors(preview)
    assert preview.context["confirm_form"] is not None, import_errors(preview)
    said = preview.text.split('data-testid="detected-encoding"')[1].split("</p>")[0]
    assert f"read as {read_as}" in said
    # The preview shows the Chinese names as they will be saved, and nothing is saved before confirming.
    assert "导入材料20有限公司" in preview.text and "孝感" in preview.text
    assert not Organisation.objects.filter(name_zh__startswith="导入材料").exists()

    done = confirm(staff, "organisation", preview)
    assert "Import finished: 2 new" in " ".join(messages_of(done))
    saved = Organisation.objects.get(credit_code=rows[0]["Unified social credit code"])
    assert (saved.name_zh, saved.city) == ("导入材料20有限公司", "孝感")


@pytest.mark.django_db
def test_a_wrong_guess_shows_in_the_preview_and_saves_nothing(staff):
    """Big5 (traditional Chinese) bytes pass for GB18030: the preview shows the garbled names and the encoding it
    guessed, so the person sees it and does not confirm; nothing is saved."""
    rows = [org_row(22, **{"Name (Chinese)": "導入材料22有限公司", "City (Chinese)": "孝感"})]
    big5 = csv_file(rows, encoding="big5")
    preview = upload(staff, "organisation", big5, CSV_FORMAT)
    assert preview.status_code == 200
    assert "導入材料22有限公司" not in preview.text
    if preview.context.get("confirm_form") is not None:
        assert 'data-testid="detected-encoding"' in preview.text
    assert not Organisation.objects.filter(credit_code=rows[0]["Unified social credit code"]).exists()


@pytest.mark.django_db
def test_excel_xlsx_with_chinese_is_imported(staff):
    rows = [org_row(23, **{"City (Chinese)": "孝感"})]
    preview = upload(staff, "organisation", xlsx_file(rows), XLSX_FORMAT)
    assert preview.context["confirm_form"] is not None, import_errors(preview)
    assert "导入材料23有限公司" in preview.text
    assert 'data-testid="detected-encoding"' not in preview.text  # a workbook has no encoding to guess
    confirm(staff, "organisation", preview)
    assert Organisation.objects.get(credit_code=rows[0]["Unified social credit code"]).city == "孝感"


@pytest.mark.django_db
def test_binary_junk_as_csv_gives_a_clear_error(staff):
    junk = SimpleUploadedFile("organisations.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    response = upload(staff, "organisation", junk, CSV_FORMAT)
    assert "This file is not text" in import_errors(response)


@pytest.mark.django_db
def test_csv_with_wrong_headers_gives_a_clear_error(staff):
    wrong = SimpleUploadedFile("organisations.csv", b"company,tax number\nAcme,123\n")
    response = upload(staff, "organisation", wrong, CSV_FORMAT)
    assert response.status_code == 200
    message = import_errors(response)
    assert "Unknown columns: company, tax number." in message
    assert "Missing columns: Unified social credit code." in message
    assert "Unknown columns: company, tax number." in response.text


@pytest.mark.django_db
def test_oversize_file_gives_a_clear_error(staff, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = csv_file([org_row(n) for n in range(30)])
    assert big.size > 1000
    response = upload(staff, "organisation", big, CSV_FORMAT)
    assert response.status_code == 200
    assert "files up to 1000" in import_errors(response)
    assert "Split it into smaller files" in response.text
    assert not Organisation.objects.filter(name_en__startswith="Imported").exists()


@pytest.mark.django_db
def test_file_with_headers_only_gives_a_clear_error(staff):
    response = upload(staff, "organisation", csv_file([], headers=ORG_HEADERS), CSV_FORMAT)
    assert "no data rows" in import_errors(response)


def _export(client, model, file_format, query=""):
    url = reverse(f"admin:members_{model}_export") + query
    page = client.get(url)
    assert page.status_code == 200
    data = {"format": file_format, "resource": "0"}
    # The browser sends every column's box ticked, as the form shows them.
    fields = page.context["form"].fields.items()
    data.update({name: "on" for name, field in fields if getattr(field, "is_selectable_field", False)})
    return client.post(url, data)


@pytest.mark.django_db
def test_export_csv_has_readable_headers_and_the_organisations(staff, org, other_org):
    org.categories_supplied.set(MaterialCategory.objects.filter(code__in=["gas", "wafer"]))
    response = _export(staff, "organisation", CSV_FORMAT)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {row["Unified social credit code"]: row for row in rows}
    assert set(by_code) == {org.credit_code, other_org.credit_code}
    exported = by_code[org.credit_code]
    assert exported["Name (Chinese)"] == "武汉测试晶圆有限公司"
    assert exported["Province"] == "Hubei"
    assert exported["Kind"] == "IC manufacturer (fab)"
    assert exported["Categories supplied (codes)"] == "wafer, gas"
    assert exported["Priority guarantee"] == "no"


@pytest.mark.django_db
def test_export_xlsx_contains_the_organisations(staff, org, other_org):
    response = _export(staff, "organisation", XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Unified social credit code", "Short name", "Name (Chinese)")
    assert {r[0] for r in rows[1:]} == {org.credit_code, other_org.credit_code}


@pytest.mark.django_db
def test_export_follows_the_changelist_filter(staff, org):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    response = _export(staff, "organisation", CSV_FORMAT, "?status=pending")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Unified social credit code"] for row in rows] == [pending.credit_code]


@pytest.mark.django_db
def test_an_export_can_be_imported_back_unchanged(staff, org, other_org):
    exported = _export(staff, "organisation", XLSX_FORMAT).content
    again = SimpleUploadedFile("export.xlsx", exported)
    preview = upload(staff, "organisation", again, XLSX_FORMAT)
    assert preview.context["confirm_form"] is not None
    done = confirm(staff, "organisation", preview)
    assert "Import finished: 0 new, 0 updated, 0 deleted and 2 skipped organisations." in messages_of(done)


@pytest.mark.django_db
def test_export_and_import_are_refused_to_members(client_for, org_admin):
    client = client_for(org_admin)
    for name in ("import", "export", "process_import"):
        response = client.get(reverse(f"admin:members_organisation_{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- contacts ------------------------------------------------------------------------------------------------------

CONTACT_HEADERS = ["Organisation credit code", "Name", "Title", "Mobile", "Email", "Language", "Receives alerts"]


def contact_row(org, name, **changes):
    row = {
        "Organisation credit code": org.credit_code,
        "Name": name,
        "Title": "Purchasing manager",
        "Mobile": "13800001111",
        "Email": f"{name.lower()}@example.com",
        "Language": "English",
        "Receives alerts": "yes",
    }
    row.update(changes)
    return row


@pytest.mark.django_db
def test_contacts_import_by_organisation_credit_code(staff, org, other_org):
    rows = [
        contact_row(org, "Li", **{"Organisation credit code": org.credit_code.lower()}),
        contact_row(other_org, "Wang", **{"Language": "zh-hans", "Receives alerts": "no", "Email": ""}),
    ]
    preview = upload(staff, "contact", xlsx_file(rows, name="contacts.xlsx"), XLSX_FORMAT)
    assert preview.context["confirm_form"] is not None, preview.context["result"].invalid_rows
    done = confirm(staff, "contact", preview)
    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped contacts." in messages_of(done)

    li = Contact.objects.get(name="Li")
    assert (li.organisation, li.language, li.receives_alerts) == (org, "en", True)
    wang = Contact.objects.get(name="Wang")
    assert (wang.organisation, wang.language, wang.receives_alerts) == (other_org, "zh-hans", False)

    rows[0]["Title"] = "Director"
    confirm(staff, "contact", upload(staff, "contact", csv_file(rows, name="contacts.csv"), CSV_FORMAT))
    li.refresh_from_db()
    assert li.title == "Director"
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_contact_rows_with_unknown_organisation_or_no_way_to_reach_them_save_nothing(staff, org):
    rows = [
        contact_row(org, "Zhao"),
        contact_row(org, "Qian", **{"Organisation credit code": valid_credit_code(99_999)}),
        contact_row(org, "Sun", **{"Mobile": "", "Email": ""}),
        contact_row(org, "Zhou", **{"Mobile": "call me"}),
    ]
    preview = upload(staff, "contact", csv_file(rows, name="contacts.csv"), CSV_FORMAT)

    assert preview.context.get("confirm_form") is None
    errors = {row.number: row.error_dict for row in preview.context["result"].invalid_rows}
    assert sorted(errors) == [2, 3, 4]
    assert "No organisation has the credit code" in " ".join(errors[2]["Organisation credit code"])
    assert "Give a mobile number or an email address" in " ".join(errors[3]["Mobile"])
    assert "Enter a phone number" in " ".join(errors[4]["Mobile"])
    assert "No organisation has the credit code" in preview.text
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_contacts_export_names_the_organisation(staff, org):
    ContactFactory(organisation=org, name="Li", email="li@example.com")
    response = _export(staff, "contact", CSV_FORMAT)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        {
            "Organisation credit code": org.credit_code,
            "Organisation": org.name_en,
            "Name": "Li",
            "Title": rows[0]["Title"],
            "Mobile": rows[0]["Mobile"],
            "Email": "li@example.com",
            "Language": "Chinese",
            "Receives alerts": "yes",
            "Primary contact": "no",
        }
    ]
