"""The secretariat's export of supply requests and commitments (CSV and Excel) from the admin: the rows the list's
filters select, with words rather than codes and headers in the reader's language."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"


def export(client, model: str, query: str, file_format: str, headers=None):
    url = reverse(f"admin:supply_{model}_export") + query
    form = client.get(url, headers=headers).context["form"]
    data = {"format": file_format, "resource": "0"}
    # Every column ticked, as the export page offers them.
    data.update({name: "on" for name in form.fields if "resource_" in name})
    response = client.post(url, data, headers=headers)
    assert response.status_code == 200, response.content[:300]
    return response


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_requests_export_respects_the_filters_and_says_words(client_for, secretariat, approved, draft):
    rows = csv_rows(export(client_for(secretariat), "supplyrequest", "?urgency__exact=critical&status=approved", CSV))
    header = rows[0]
    assert header[:3] == ["id", "requesting fab", "delivery site"]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["id"] for row in body] == [str(approved.pk)]
    assert body[0]["status"] == "Approved"
    assert body[0]["unit"] == "litres"
    assert body[0]["urgency"] == "Critical"


def test_requests_export_as_excel(client_for, secretariat, approved):
    response = export(client_for(secretariat), "supplyrequest", "", XLSX)
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "id"
    assert approved.pk in [row[0] for row in values[1:]] or str(approved.pk) in [str(row[0]) for row in values[1:]]


def test_headers_in_chinese_for_a_chinese_reader(client_for, secretariat, approved):
    rows = csv_rows(export(client_for(secretariat), "supplyrequest", "", CSV, headers={"Accept-Language": "zh-hans"}))
    assert "requesting fab" not in rows[0]
    assert "状态" in rows[0]


def test_a_chinese_reader_gets_choices_in_chinese_and_an_unknown_code_as_it_is(client_for, secretariat, approved):
    from supply.models import SupplyRequest

    SupplyRequest.objects.filter(pk=approved.pk).update(storage="deep-freeze")
    url = reverse("supply:secretariat_export", args=["csv"])
    rows = csv_rows(client_for(secretariat).get(url, headers={"Accept-Language": "zh-hans"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    # The province is the delivery site's, a choice of another model.
    assert (row["省份"], row["紧急程度"], row["状态"]) == ("湖北省", "特急", "已批准")
    assert row["储存条件"] == "deep-freeze"


def test_commitments_export_respects_the_filters(client_for, secretariat, commitment):
    rows = csv_rows(export(client_for(secretariat), "commitment", "?status__exact=offered", CSV))
    header = rows[0]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["id"] for row in body] == [str(commitment.pk)]
    assert body[0]["currency"] == "yuan"
    assert body[0]["unit price"] == "1250.00"
    assert body[0]["status"] == "Offered"
    assert csv_rows(export(client_for(secretariat), "commitment", "?status__exact=shipped", CSV))[1:] == []


def test_only_staff_export(client_for, org_admin):
    response = client_for(org_admin).get(reverse("admin:supply_supplyrequest_export"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- the secretariat's queue page: the same export, of what the page's filters and search select ------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_queue_page_exports_what_it_shows(client_for, secretariat, approved, file_format):
    from .factories import SupplyRequestFactory

    SupplyRequestFactory(material="Argon 6N", category=category_of("gas"))
    client = client_for(secretariat)
    page = client.get(reverse("supply:secretariat_queue"), {"q": "photoresist"}).content.decode()
    link = reverse("supply:secretariat_export", args=[file_format]) + "?q=photoresist"
    assert link in page

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if file_format == "csv":
        rows = csv_rows(response)
        materials = [dict(zip(rows[0], row, strict=True))["material"] for row in rows[1:]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        materials = [dict(zip(values[0], row, strict=True))["material"] for row in values[1:]]
    assert materials == [approved.material]


def test_an_unknown_export_format_is_a_404(client_for, secretariat):
    assert client_for(secretariat).get("/supply/secretariat/export.pdf").status_code == 404


def category_of(code):
    from .factories import category

    return category(code)
