"""The secretariat's queue builds each row's words, links and badges once a page (supply/views/rows.py): what it
shows is what the shared templates show, in both languages, and the page's queries do not grow with its rows."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members.models import MaterialCategory
from supply.forms import SecretariatQueueFilterForm, Select
from supply.models import SupplyRequest
from supply.templatetags.supply_ui import priority_explanation

from .factories import SupplyRequestFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("supply:secretariat_queue")
S = SupplyRequest.Status
# The queries of a queue page, whatever its size: the session, the user, the page of requests (one query: their
# fab, site and category joined, the risk level a subquery), the navigation's membership and its pending count.
QUEUE_QUERIES = 5


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


@pytest.fixture
def rows(org, fab_site):
    make = SupplyRequestFactory
    return [
        make(organisation=org, site=fab_site, priority=90, urgency="critical", status=S.SUBMITTED),
        make(
            organisation=org,
            site=fab_site,
            priority=70,
            priority_override=70,
            override_reason='Line stop <tomorrow> & "now"',
            confirmed_at=timezone.now() - timedelta(days=30),
        ),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_row_shows_what_the_shared_templates_show(client_for, secretariat, rows, language):
    response = client_for(secretariat).get(QUEUE, headers={"accept-language": language})
    page = list(response.context["page_obj"])
    assert [r.pk for r in page] == [r.pk for r in rows]
    with translation.override(language):
        for supply_request in page:
            show = supply_request.show
            context = {"supply_request": supply_request}
            compact = render_to_string("supply/_priority.html", {**context, "compact": True})
            assert _flat(show.priority_cell) == _flat(compact)
            assert show.explanation == priority_explanation(supply_request.priority_parts)
            assert _flat(show.status_badge) == _flat(render_to_string("supply/_status_badge.html", context))
            assert _flat(show.stale_badge) == _flat(render_to_string("supply/_stale_badge.html", context))
            risk = render_to_string("supply/_risk_badge.html", {"level": supply_request.risk_level})
            assert _flat(show.risk_badge) == _flat(risk)
            assert show.province_label == supply_request.site.get_province_display()
            assert show.urgency_label == supply_request.get_urgency_display()
            assert show.detail_url == reverse("supply:secretariat_request", args=[supply_request.pk])
            assert show.approve_url == reverse("supply:secretariat_approve", args=[supply_request.pk])
            assert show.override_url == reverse("supply:secretariat_override", args=[supply_request.pk]) + (
                "?next=/supply/secretariat/"
            )
    content = response.content.decode()
    assert "Line stop &lt;tomorrow&gt; &amp; &quot;now&quot;" in content  # the override's reason, escaped
    assert 'action="' + page[0].show.approve_url + '"' in content and page[1].show.approve_url not in content


def test_reject_and_override_links_return_to_the_filtered_queue(client_for, secretariat, rows):
    response = client_for(secretariat).get(QUEUE, {"status": "submitted", "province": "hubei"})
    (row,) = response.context["page_obj"]
    back = "/supply/secretariat/%3Fstatus%3Dsubmitted%26province%3Dhubei"  # as the urlencode filter did
    assert row.show.reject_url == reverse("supply:secretariat_reject", args=[row.pk]) + "?next=" + back
    assert f'href="{row.show.reject_url}"' in response.content.decode()


def test_queue_queries_are_pinned_at_two_sizes(client_for, secretariat, org, fab_site):
    client = client_for(secretariat)

    def queries_for(count: int) -> int:
        SupplyRequestFactory.create_batch(count - SupplyRequest.objects.count(), organisation=org, site=fab_site)
        client.get(QUEUE)  # the filters' category memo is per process: warm either way
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert len(response.context["page_obj"]) == min(count, 50)
        return len(captured)

    # Flat from 2 rows to a full page; at most QUEUE_QUERIES (fewer where the session is read from Redis, as in CI).
    small, full = queries_for(2), queries_for(120)
    assert small == full <= QUEUE_QUERIES


def test_a_new_category_appears_in_the_filter_at_once(client_for, secretariat):
    client = client_for(secretariat)
    assert "Argon isotopes" not in client.get(QUEUE).content.decode()
    MaterialCategory.objects.create(
        code="isotopes", name_zh="同位素", name_en="Argon isotopes", group=MaterialCategory.Group.MATERIAL
    )
    assert '<option value="isotopes">Argon isotopes</option>' in client.get(QUEUE).content.decode()


def test_the_filters_python_selects_render_as_djangos_own_template():
    form = SecretariatQueueFilterForm({"status": "submitted", "province": "hubei", "category": "gas"})
    form.is_valid()
    selects = [name for name, field in form.fields.items() if isinstance(field.widget, Select)]
    assert selects == ["status", "category", "province", "risk_level", "urgency", "stale"]
    for name in selects:
        widget = form.fields[name].widget
        attrs = {"class": "form-select", "id": f"id_{name}", "aria-invalid": "true", "required": False}
        ours = widget.render(name, form[name].value(), attrs)
        djangos = forms.Select(choices=widget.choices).render(name, form[name].value(), attrs)
        assert _flat(ours) == _flat(djangos)
        assert ours.count("</select>") == 1 and "&lt;" not in ours
