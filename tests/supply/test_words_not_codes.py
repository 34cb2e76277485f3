"""Words, not codes: event types, units and currencies by their labels in the reader's language, in the pages and the
admin (lists and filters); quantities and money grouped as the language writes numbers; one English word that means
two things ("Title") told apart by its context.

The Chinese of the strings added with these labels ("yuan" → 元, the "notice" title → 标题) is in
locale/pending/forms.po until the lead merges it into the catalogue."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from notices.alerts.models import Alert, Channel, Event
from supply import display
from supply import events as supply_events

from .factories import SupplierCapacityFactory

pytestmark = pytest.mark.django_db
ZH = {"Accept-Language": "zh-hans"}
EN = {"Accept-Language": "en"}


def visible_text(html: str) -> str:
    """What a person reads: the page without its tags and attribute values (links keep codes in their query)."""
    return re.sub(r"<[^>]*>", " ", html)


@pytest.fixture
def delivery_log(org):
    event = Event.objects.create(
        name=supply_events.SUPPLY_REQUEST_APPROVED, payload={"material": "Argon"}, organisation=org
    )
    return Alert.objects.create(event=event, organisation=org, channel=Channel.EMAIL, email="ops@org.example")


@pytest.mark.parametrize("model", ["alert", "event"])
def test_the_chinese_admin_delivery_log_shows_the_event_by_its_chinese_label(
    client_for, secretariat, delivery_log, model
):
    page = client_for(secretariat).get(reverse(f"admin:notices_{model}_changelist"), headers=ZH).content.decode()
    text = visible_text(page)
    assert "供应需求已批准" in text  # in the rows and in the filter
    assert text.count("供应需求已批准") >= 2
    assert "supply_request.approved" not in text
    # The row's checkbox is named for screen readers by the row's title: words there too.
    assert not re.search(r'aria-label="[^"]*supply_request\.approved', page)


def test_the_english_admin_filter_lists_event_titles(client_for, secretariat, delivery_log):
    page = client_for(secretariat).get(reverse("admin:notices_alert_changelist"), headers=EN).content.decode()
    assert "Supply request approved" in visible_text(page)
    assert "supply_request.approved" not in visible_text(page)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "20,000 pieces (片/件)"), ("zh-hans", "20,000 片/件")],
)
def test_quantities_are_grouped_and_units_named(language, expected):
    with translation.override(language):
        assert display.amount(Decimal("20000.000"), "pcs") == expected
        assert display.quantity(Decimal("12.500")) == "12.5"
        assert display.quantity(Decimal("50.000")) == "50"


def test_units_in_chinese():
    with translation.override("zh-hans"):
        assert display.amount(Decimal(300), "L") == "300 升"


def test_money_in_english_and_chinese():
    with translation.override("en"):
        assert display.money(Decimal("1200.5"), "CNY") == "1,200.50 yuan"
        assert display.money(None, "CNY") == "—"
    with translation.override("zh-hans"):
        assert display.money(Decimal("1200.5"), "CNY") == "1,200.50 元"  # pending: locale/pending/forms.po


def test_commitments_show_price_in_words(client_for, org_member, commitment):
    page = client_for(org_member).get(reverse("supply:request_detail", args=[commitment.request_id]), headers=EN)
    text = visible_text(page.content.decode())
    assert "1,250.00 yuan" in text
    assert "1250.00 CNY" not in text


def test_suggested_suppliers_show_capacity_units_by_name(client_for, secretariat, approved, supplier_org):
    SupplierCapacityFactory(supplier=supplier_org, quantity_per_week=Decimal(20000), unit="pcs")
    url = reverse("supply:secretariat_request", args=[approved.pk])
    english = visible_text(client_for(secretariat).get(url, headers=EN).content.decode())
    assert "20,000 pieces (片/件)" in english
    assert "20000 pcs" not in english
    chinese = visible_text(client_for(secretariat).get(url, headers=ZH).content.decode())
    assert "20,000 片/件" in chinese


def test_supply_admin_lists_name_units(client_for, secretariat, approved):
    page = client_for(secretariat).get(reverse("admin:supply_supplyrequest_changelist"), headers=EN).content.decode()
    assert "50 litres" in visible_text(page)
    assert " 50 L" not in visible_text(page)


def test_title_is_told_apart_by_its_context():
    with translation.override("zh-hans"):
        assert pgettext("job title", "Title") == "职务"
        assert pgettext("notice", "Title") == "标题"  # pending: locale/pending/forms.po


def test_the_notice_admin_title_column_is_not_the_job_title(client_for, secretariat):
    page = client_for(secretariat).get(reverse("admin:notices_notice_changelist"), headers=ZH).content.decode()
    assert "职务" not in visible_text(page)
