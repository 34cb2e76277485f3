import csv
import io

import pytest
from django.urls import reverse

from donations.models import Appeal, Pledge

from ..refusals import assert_admin_refused

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:donations_pledge_changelist"


def _action(client, action, pledges, **extra):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [p.pk for p in pledges], **extra})


def test_the_secretariat_bulk_confirms_through_the_service(client_for, secretariat, make_pledge):
    pledges = [make_pledge("pledged"), make_pledge("pledged")]
    response = _action(client_for(secretariat), "confirm_selected", pledges)
    assert response.status_code == 302
    assert set(Pledge.objects.values_list("status", flat=True)) == {"confirmed"}
    assert all(p.transitions.filter(to_status="confirmed", by=secretariat).exists() for p in pledges)


def test_a_refused_bulk_confirmation_is_a_message_and_the_others_go_on(client_for, secretariat, make_pledge):
    done, fresh = make_pledge("delivered"), make_pledge("pledged")
    client = client_for(secretariat)
    response = _action(client, "confirm_selected", [done, fresh])
    assert_admin_refused(response, client)
    done.refresh_from_db()
    fresh.refresh_from_db()
    assert (done.status, fresh.status) == ("delivered", "confirmed")


def test_dispatch_asks_for_the_carrier_then_records_it(client_for, secretariat, make_pledge, carrier_org):
    pledge = make_pledge("confirmed")
    client = client_for(secretariat)
    page = _action(client, "dispatch_selected", [pledge])
    assert page.status_code == 200 and "tracking_number" in page.content.decode()
    _action(client, "dispatch_selected", [pledge], apply="1", carrier=carrier_org.pk, tracking_number="JD42")
    pledge.refresh_from_db()
    assert pledge.status == "dispatched" and pledge.shipment.carrier == carrier_org


def test_deliver_acknowledge_and_cancel_with_a_reason(client_for, secretariat, make_pledge):
    client = client_for(secretariat)
    dispatched, other = make_pledge("dispatched"), make_pledge("pledged")
    _action(client, "deliver_selected", [dispatched])
    _action(client, "acknowledge_selected", [dispatched])
    _action(client, "cancel_selected", [other], apply="1", reason="donor withdrew")
    dispatched.refresh_from_db()
    other.refresh_from_db()
    assert dispatched.status == "acknowledged" and dispatched.certificate_number
    assert other.status == "cancelled" and other.reason == "donor withdrew"


def test_the_export_respects_the_filters(client_for, secretariat, make_pledge, english):
    confirmed, _pledged = make_pledge("confirmed"), make_pledge("pledged")
    client = client_for(secretariat)
    url = reverse("admin:donations_pledge_export") + "?status__exact=confirmed"
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update({name: "on" for name in form.fields if name.startswith("pledgeresource_")})
    response = client.post(url, data)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), response.content[:300]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "id" and "value (CNY)" in rows[0]
    assert [row[0] for row in rows[1:]] == [str(confirmed.pk)]


def test_an_organisation_user_cannot_open_the_admin(client_for, org_admin, pledge):
    response = client_for(org_admin).get(reverse(CHANGELIST))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_pledge_page_shows_lines_and_history(client_for, secretariat, make_pledge):
    pledge = make_pledge("confirmed")
    client = client_for(secretariat)
    assert client.get(reverse("admin:donations_pledge_change", args=[pledge.pk])).status_code == 200
    assert client.get(reverse("admin:donations_pledge_history", args=[pledge.pk])).status_code == 200
    assert client.get(reverse("admin:donations_shipment_changelist")).status_code == 200


def test_appeals_are_opened_through_the_service(client_for, secretariat, appeal):
    Appeal.objects.filter(pk=appeal.pk).update(status="draft")
    client = client_for(secretariat)
    client.post(
        reverse("admin:donations_appeal_changelist"), {"action": "open_selected", "_selected_action": [appeal.pk]}
    )
    appeal.refresh_from_db()
    assert appeal.status == "open" and appeal.opened_at
