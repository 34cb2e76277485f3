"""The secretariat's queue builds its table rows in Python (supply/views/rows.py): each row is the markup the queue's
template wrote in its loop from the shared templates (below, kept as the reference), in both languages, every text
escaped; and the page's queries do not grow with its rows."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members.models import MaterialCategory
from supply.forms import SecretariatQueueFilterForm, Select, TextInput
from supply.models import SupplyRequest
from supply.selectors import REQUEST_JOINS, with_risk_level

from .factories import SupplyRequestFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("supply:secretariat_queue")
S = SupplyRequest.Status
# The queries of a queue page, whatever its size: the user (with the membership) and the page of requests (one query:
# their fab, site and category joined, the risk level a subquery). The session and the navigation's pending count
# come from the cache (one more query each when the cache has lost them).
QUEUE_QUERIES = 2

# A row of the queue as templates/supply/secretariat/queue.html wrote it, from the shared templates, until the rows
# were built in Python.
REFERENCE_ROW = engines["django"].from_string(
    """{% load i18n supply_ui %}
      <tr>
        <td><input class="form-check-input" type="checkbox" name="requests" value="{{ supply_request.pk }}" \
id="select-{{ supply_request.pk }}" aria-label="{% blocktranslate with id=supply_request.pk %}Select request \
#{{ id }}{% endblocktranslate %}"{% if checked %} checked{% endif %}></td>
        <td>{% include "supply/_priority.html" with compact=True %}</td>
        <td><a href="{% url 'supply:secretariat_request' supply_request.pk %}">#{{ supply_request.pk }}</a></td>
        <td>{{ supply_request.organisation.name }}{% if supply_request.organisation.priority_guarantee %} \
<span class="badge text-bg-danger">{% translate "Priority guarantee" %}</span>{% endif %}</td>
        <td>{{ supply_request.site.get_province_display }} · {{ supply_request.site.city_name }} \
{% include "supply/_risk_badge.html" with level=supply_request.risk_level %}</td>
        <td><a href="{% url 'supply:secretariat_request' supply_request.pk %}">{{ supply_request.material }}</a>\
<div class="small text-muted">{{ supply_request.category.name }} · {{ supply_request.get_urgency_display }}</div></td>
        <td class="text-nowrap">{{ supply_request.remaining|qty }} {{ supply_request.get_unit_display }}</td>
        <td class="text-nowrap">{{ supply_request.needed_by|date:"DATE_FORMAT" }}</td>
        <td>{% include "supply/_status_badge.html" %} {% include "supply/_stale_badge.html" %}</td>
        <td class="text-end text-nowrap">
          {% if supply_request.status == "submitted" %}
          <button type="submit" class="btn btn-sm btn-success" form="approve-{{ supply_request.pk }}">\
{% translate "Approve" %}</button>
          <a class="btn btn-sm btn-link text-danger" href="{% url 'supply:secretariat_reject' supply_request.pk %}\
?next={{ back|urlencode }}">{% translate "Reject" %}</a>
          {% endif %}
          <a class="btn btn-sm btn-link" href="{% url 'supply:secretariat_override' supply_request.pk %}\
?next={{ back|urlencode }}">{% translate "Override" %}</a>
        </td>
      </tr>"""
)


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") + len("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def _reference(pk: int, *, language: str, back: str, checked: bool = False) -> str:
    supply_request = with_risk_level(SupplyRequest.objects.select_related(*REQUEST_JOINS)).get(pk=pk)
    with translation.override(language):
        context = {"supply_request": supply_request, "back": back, "checked": checked}
        return REFERENCE_ROW.render(context)


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
            material="Resist <b>KrF</b> & co",
            confirmed_at=timezone.now() - timedelta(days=30),
        ),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_row_is_what_the_shared_templates_show(client_for, secretariat, rows, language):
    response = client_for(secretariat).get(QUEUE, headers={"accept-language": language})
    assert [row["id"] for row in response.context["page_obj"]] == [r.pk for r in rows]
    shown = _rows(response.content.decode())
    assert len(shown) == 2
    for html, supply_request in zip(shown, rows, strict=True):
        assert _flat(html) == _flat(_reference(supply_request.pk, language=language, back="/supply/secretariat/"))
    content = response.content.decode()
    assert "Line stop &lt;tomorrow&gt; &amp; &quot;now&quot;" in content  # the override's reason, escaped
    assert "Resist &lt;b&gt;KrF&lt;/b&gt; &amp; co" in content and "<b>KrF" not in content
    approve = [reverse("supply:secretariat_approve", args=[r.pk]) for r in rows]
    assert f'action="{approve[0]}"' in content and approve[1] not in content  # a form only for the submitted one


def test_reject_and_override_links_return_to_the_filtered_queue(client_for, secretariat, rows):
    response = client_for(secretariat).get(QUEUE, {"status": "submitted", "province": "hubei"})
    (row,) = _rows(response.content.decode())
    back = "/supply/secretariat/%3Fstatus%3Dsubmitted%26province%3Dhubei"  # as the urlencode filter did
    reject = reverse("supply:secretariat_reject", args=[rows[0].pk]) + "?next=" + back
    assert f'href="{reject}"' in row
    reference = _reference(rows[0].pk, language="en", back="/supply/secretariat/?status=submitted&province=hubei")
    assert _flat(row) == _flat(reference)


def test_a_refused_bulk_action_keeps_the_selected_rows_checked(client_for, secretariat, rows):
    ids = [str(r.pk) for r in rows]
    response = client_for(secretariat).post(reverse("supply:secretariat_bulk"), {"requests": ids[:1], "action": "x"})
    first, second = _rows(response.content.decode())
    assert _flat(first) == _flat(_reference(rows[0].pk, language="en", back="/supply/secretariat/bulk/", checked=True))
    assert " checked>" in first and " checked>" not in second


def test_queue_queries_are_pinned_at_two_sizes(client_for, secretariat, org, fab_site):
    client = client_for(secretariat)

    def queries_for(count: int) -> int:
        SupplyRequestFactory.create_batch(count - SupplyRequest.objects.count(), organisation=org, site=fab_site)
        client.get(QUEUE)  # the filters' category memo and the navigation's count: warm either way
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert len(response.context["page_obj"]) == min(count, 50)
        return len(captured)

    # Flat from 2 rows to a full page.
    small, full = queries_for(2), queries_for(120)
    assert small == full == QUEUE_QUERIES


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


def test_a_python_select_with_groups_and_markup_renders_as_djangos_own():
    choices = [("", "All"), ("Gases <hot>", [("a&b", 'Argon "6N"'), ("x", "Xenon")]), ("x", "Xenon again")]
    for value in ["", "a&b", "x", "missing"]:
        ours = Select(choices=choices).render("pick", value, {"id": "id_pick", "data-x": "<y>"})
        djangos = forms.Select(choices=choices).render("pick", value, {"id": "id_pick", "data-x": "<y>"})
        assert _flat(ours) == _flat(djangos)
    assert ours.count(" selected") == 0 and "Gases &lt;hot&gt;" in ours


def test_a_python_text_box_renders_as_djangos_own():
    attrs = {"id": "id_q", "class": "form-control", "required": False, "autofocus": True, "data-x": '"<y>"'}
    for value in [None, "", 'Argon "6N" <b> & co', 12]:
        assert TextInput().render("q", value, attrs) == forms.TextInput().render("q", value, attrs)
    own = {"maxlength": 5}
    assert TextInput(attrs=own).render("q", "x") == forms.TextInput(attrs=own).render("q", "x")


def test_filter_forms_share_their_choices_but_not_a_change_to_them():
    first, second = SecretariatQueueFilterForm(), SecretariatQueueFilterForm()
    assert first.fields["province"].choices is second.fields["province"].choices  # not copied for each form
    first.fields["province"].choices = [("", "Any"), ("hubei", "Hubei only")]
    assert (
        len(second.fields["province"].choices) > 30
        and len(SecretariatQueueFilterForm().fields["province"].choices) > 30
    )
    assert "Hubei only" in str(first["province"]) and "Hubei only" not in str(second["province"])
