"""Progress you can see: a request's pages show bars of committed, in transit and delivered against what was asked,
with the figures as text for those who do not see the bar."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def bars(page: str) -> dict[str, str]:
    section = page.split('data-testid="supply-progress"')[1]
    found = {}
    for chunk in section.split('role="progressbar"')[1:]:
        label = chunk.split('aria-label="')[1].split('"')[0]
        found[label] = chunk.split('aria-valuenow="')[1].split('"')[0]
    return found


@pytest.mark.parametrize(
    ("who", "url_name"),
    [("org_member", "supply:request_detail"), ("secretariat", "supply:secretariat_request")],
)
def test_request_pages_show_committed_in_transit_and_delivered_bars(request, client_for, shipped, who, url_name):
    user = request.getfixturevalue(who)
    page = client_for(user).get(reverse(url_name, args=[shipped.request_id])).content.decode()
    # 20 L of 50 L committed and on its way, nothing delivered yet.
    assert bars(page) == {"Committed": "40", "In transit": "40", "Delivered": "0"}
    assert "20 of 50 litres" in page
    assert "pct-40" in page


def test_the_supplier_sees_the_bars_too(client_for, supplier_user, shipped):
    page = client_for(supplier_user).get(reverse("supply:supplier_request", args=[shipped.request_id])).content.decode()
    assert bars(page)["Committed"] == "40"
