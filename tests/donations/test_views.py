"""Every donations page against each role, and the wrong method."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from donations.models import Pledge
from members.models import Membership

from ..members.factories import MembershipFactory, OrganisationFactory
from ..refusals import assert_refused, suspended

pytestmark = pytest.mark.django_db
P = Pledge.Status

ROLES = [
    "secretariat",
    "org_admin",
    "org_member",
    "org_viewer",
    "other_user",
    "suspended_admin",
    "carrier",
    "anonymous",
]


@pytest.fixture
def as_role(request, client_for, carrier_user):
    def _client(role: str) -> Client:
        if role == "anonymous":
            return Client()
        if role == "carrier":
            return client_for(carrier_user)
        if role == "suspended_admin":
            org = suspended(OrganisationFactory())
            return client_for(MembershipFactory(organisation=org, role=Membership.Role.ADMIN).user)
        return client_for(request.getfixturevalue(role))

    return _client


# --- public pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_appeals_and_the_honour_roll_are_public(as_role, role, appeal, english):
    client = as_role(role)
    listing = client.get(reverse("donations:appeal_list"))
    assert listing.status_code == 200 and appeal.title_en in listing.content.decode()
    detail = client.get(reverse("donations:appeal_detail", args=[appeal.pk]))
    assert detail.status_code == 200 and "Medical masks" in detail.content.decode()
    assert client.get(reverse("donations:honour_roll")).status_code == 200


def test_public_pages_refuse_post(client, appeal):
    for url in [reverse("donations:appeal_list"), reverse("donations:honour_roll")]:
        assert client.post(url).status_code == 405


def test_a_draft_appeal_is_not_public(client, appeal):
    type(appeal).objects.filter(pk=appeal.pk).update(status="draft")
    assert client.get(reverse("donations:appeal_detail", args=[appeal.pk])).status_code == 404


def test_the_appeal_page_offers_pledging_only_to_members_who_write(client_for, org_member, org_viewer, appeal, english):
    url = reverse("donations:appeal_detail", args=[appeal.pk])
    assert "Pledge to this appeal" in client_for(org_member).get(url).content.decode()
    assert "Pledge to this appeal" not in client_for(org_viewer).get(url).content.decode()


def test_the_progress_bar_shows_delivered_and_pledged(client, make_pledge, appeal):
    make_pledge("delivered")  # 500 of 10,000 masks
    body = client.get(reverse("donations:appeal_detail", args=[appeal.pk])).content.decode()
    assert 'data-delivered="5"' in body and 'data-pledged="5"' in body


# --- pledging -------------------------------------------------------------------------------------------------


def _pledge_form(**extra):
    data = {
        "kind": "goods",
        "channel": "alliance",
        "currency": "CNY",
        "promised_date": "2099-01-01",
        "named_publicly": "on",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "10",
    }
    data.update(extra)
    return data


GOODS_LINE = {
    "lines-0-category": None,
    "lines-0-quantity": "800",
    "lines-0-unit": "pcs",
    "lines-0-specification": "KN95",
}


@pytest.mark.parametrize(
    "role, status",
    [
        ("org_admin", 302),
        ("org_member", 302),
        ("org_viewer", 403),
        ("suspended_admin", 403),
        ("secretariat", 403),
        ("anonymous", 302),
    ],
)
def test_who_can_pledge_goods_through_the_web(as_role, role, status, appeal):
    from members.models import MaterialCategory

    line = {**GOODS_LINE, "lines-0-category": str(MaterialCategory.objects.get(code="medical-mask").pk)}
    response = as_role(role).post(reverse("donations:pledge_create", args=[appeal.pk]), _pledge_form(**line))
    assert response.status_code == status
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    made = Pledge.objects.filter(appeal=appeal)
    assert made.exists() == (status == 302 and role != "anonymous")
    if made.exists():
        assert made.get().lines.get().quantity == Decimal(800)


def test_the_pledge_form_renders_for_a_member(client_for, org_member, appeal):
    response = client_for(org_member).get(reverse("donations:pledge_create", args=[appeal.pk]))
    assert response.status_code == 200
    assert response.context["formset"].initial[0]["unit"] == "pcs"


def test_a_pledge_without_goods_is_refused_with_a_field_error(client_for, org_member, appeal):
    response = client_for(org_member).post(reverse("donations:pledge_create", args=[appeal.pk]), _pledge_form())
    assert response.status_code == 200 and response.context["form"].errors
    assert not Pledge.objects.exists()


def test_a_money_pledge_in_dollars_from_the_web(client_for, org_member):
    data = _pledge_form(kind="money", amount="100", currency="usd", exchange_rate="7.2", beneficiary_name="黄冈医院")
    response = client_for(org_member).post(reverse("donations:pledge_create_standalone"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert Pledge.objects.get().amount_cny == Decimal("720.00")


def test_the_pledge_form_refuses_put(client_for, org_member, appeal):
    assert client_for(org_member).put(reverse("donations:pledge_create", args=[appeal.pk])).status_code == 405


# --- following pledges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("secretariat", 200),
        ("org_admin", 200),
        ("org_member", 200),
        ("org_viewer", 200),
        ("other_user", 404),
        ("suspended_admin", 404),
        ("carrier", 200),
        ("anonymous", 302),
    ],
)
def test_the_pledge_page_is_for_its_parties(as_role, role, status, make_pledge):
    pledge = make_pledge("dispatched")
    response = as_role(role).get(reverse("donations:pledge_detail", args=[pledge.pk]))
    assert response.status_code == status
    if status == 200:
        assert "shipment-timeline" in response.content.decode()


def test_the_pledge_list_shows_only_the_members_own(client_for, org_member, other_user, pledge):
    assert pledge in client_for(org_member).get(reverse("donations:pledge_list")).context["pledges"]
    assert client_for(other_user).get(reverse("donations:pledge_list")).context["pledges"] == []


def test_the_secretariat_lists_overdue_pledges(client_for, secretariat, make_pledge):
    late = make_pledge("pledged")
    Pledge.objects.filter(pk=late.pk).update(promised_date="2000-01-01")
    make_pledge("confirmed")
    response = client_for(secretariat).get(reverse("donations:pledge_list") + "?overdue=1")
    assert [p.pk for p in response.context["pledges"]] == [late.pk]


def test_the_pledge_list_needs_an_organisation_or_the_secretariat(client_for, client):
    from ..members.factories import UserFactory

    assert client_for(UserFactory()).get(reverse("donations:pledge_list")).status_code == 403
    assert client.get(reverse("donations:pledge_list")).status_code == 302


# --- transitions through the web ------------------------------------------------------------------------------

WEB_TRANSITIONS = [
    # (url name, status before, POST data, who may, status after)
    ("pledge_confirm", "pledged", {}, {"secretariat"}, "confirmed"),
    (
        "pledge_dispatch",
        "confirmed",
        {"carrier_name": "顺丰", "tracking_number": "SF1"},
        {"secretariat", "org_admin", "org_member"},
        "dispatched",
    ),
    ("pledge_deliver", "dispatched", {}, {"secretariat"}, "delivered"),
    ("pledge_acknowledge", "delivered", {}, {"secretariat"}, "acknowledged"),
    ("pledge_cancel", "confirmed", {"reason": "quarantine"}, {"secretariat", "org_admin", "org_member"}, "cancelled"),
]


@pytest.mark.parametrize("name, before, data, allowed, after", WEB_TRANSITIONS)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_through_the_web_for_each_role(as_role, role, make_pledge, name, before, data, allowed, after):
    pledge = make_pledge(before)
    if name == "pledge_deliver":
        data = {f"line_{line.pk}": str(line.quantity) for line in pledge.lines.all()}
    response = as_role(role).post(reverse(f"donations:{name}", args=[pledge.pk]), data)
    pledge.refresh_from_db()
    if role in allowed:
        assert response.status_code == 302, response.content[:500]
        assert pledge.status == after
    else:
        expected = {"anonymous": 302, "other_user": 404, "suspended_admin": 404}.get(role, 403)
        if role == "carrier":
            expected = 403 if before in ("dispatched", "delivered") else 404
        assert_refused(response, expected)
        assert pledge.status == before


def test_a_transition_not_allowed_is_a_message_and_changes_nothing(client_for, secretariat, make_pledge):
    pledge = make_pledge("pledged")
    response = client_for(secretariat).post(reverse("donations:pledge_acknowledge", args=[pledge.pk]), follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    pledge.refresh_from_db()
    assert pledge.status == "pledged"


@pytest.mark.parametrize("name", ["pledge_confirm", "pledge_acknowledge"])
def test_one_click_transitions_refuse_get(client_for, secretariat, pledge, name):
    assert client_for(secretariat).get(reverse(f"donations:{name}", args=[pledge.pk])).status_code == 405


def test_the_beneficiarys_member_confirms_a_partial_delivery(client_for, org, carrier_org):
    from .factories import advance, goods_pledge, make_appeal

    hospital = OrganisationFactory(name_en="Hospital member")
    nurse = MembershipFactory(organisation=hospital, role=Membership.Role.MEMBER).user
    pledge = advance(
        goods_pledge(org, make_appeal(beneficiary_organisation=hospital)), "dispatched", carrier=carrier_org
    )
    line = pledge.lines.get()
    client = client_for(nurse)
    assert client.get(reverse("donations:pledge_deliver", args=[pledge.pk])).status_code == 200
    response = client.post(reverse("donations:pledge_deliver", args=[pledge.pk]), {f"line_{line.pk}": "120"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.delivered_quantity == 120


def test_a_quantity_received_above_the_pledge_is_a_field_error(client_for, secretariat, make_pledge):
    pledge = make_pledge("dispatched")
    line = pledge.lines.get()
    response = client_for(secretariat).post(
        reverse("donations:pledge_deliver", args=[pledge.pk]), {f"line_{line.pk}": "99999"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    pledge.refresh_from_db()
    assert pledge.status == "dispatched"


def test_the_donor_updates_customs_of_an_international_purchase(client_for, org_member, make_pledge):
    pledge = make_pledge("confirmed", channel="international", origin_country="Japan")
    response = client_for(org_member).post(
        reverse("donations:pledge_customs", args=[pledge.pk]),
        {"customs_status": "declared", "customs_date": "2026-11-30"},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.customs_status == "declared"


# --- shipments ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("secretariat", 200),
        ("carrier", 200),
        ("org_admin", 403),
        ("org_viewer", 403),
        ("other_user", 403),
        ("suspended_admin", 403),
        ("anonymous", 302),
    ],
)
def test_shipments_i_carry_is_for_carriers(as_role, role, status, make_pledge):
    pledge = make_pledge("dispatched")
    # The carriers' page lists pledges' and commitments' shipments together (dashboard.views.shipments).
    response = as_role(role).get(reverse("dashboard:shipments"))
    assert response.status_code == status
    if status == 200:
        assert pledge.shipment in [row.shipment for row in response.context["rows"]]


def test_a_carrier_sees_nothing_it_does_not_carry(client_for, make_pledge, org):
    from .factories import logistics_org

    make_pledge("dispatched")
    stranger = MembershipFactory(organisation=logistics_org(slug="other-log"), role=Membership.Role.ADMIN).user
    client = client_for(stranger)
    assert client.get(reverse("dashboard:shipments")).context["rows"] == []
    shipment = Pledge.objects.get().shipment
    assert client.get(reverse("donations:shipment_detail", args=[shipment.pk])).status_code == 404
    assert client.get(reverse("donations:pledge_detail", args=[shipment.pledge_id])).status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [
        ("carrier", 302),
        ("secretariat", 302),
        ("org_admin", 403),
        ("org_viewer", 403),
        ("other_user", 404),
        ("suspended_admin", 404),
        ("anonymous", 302),
    ],
)
def test_the_carrier_records_pickup_on_the_shipment_page(as_role, role, status, make_pledge):
    shipment = make_pledge("dispatched").shipment
    response = as_role(role).post(
        reverse("donations:shipment_detail", args=[shipment.pk]), {"kind": "pickup", "place": "苏州仓"}
    )
    assert response.status_code == status
    shipment.refresh_from_db()
    assert (shipment.status == "picked_up") == (role in ("carrier", "secretariat"))


def test_the_shipment_page_shows_dangerous_goods_to_the_carrier(client_for, carrier_user, org, appeal, carrier_org):
    from donations import services

    from .factories import advance, goods_pledge, secretariat_actor

    pledge = advance(goods_pledge(org, appeal), "confirmed")
    services.pledge_dispatch(
        pledge=pledge, actor=secretariat_actor(), carrier=carrier_org, un_number="UN1170", storage_class="易燃液体"
    )
    body = client_for(carrier_user).get(reverse("donations:shipment_detail", args=[pledge.shipment.pk])).content
    assert "UN1170" in body.decode() and "易燃液体" in body.decode()


def test_a_step_out_of_order_is_a_message(client_for, carrier_user, make_pledge):
    shipment = make_pledge("dispatched").shipment
    client = client_for(carrier_user)
    client.post(reverse("donations:shipment_detail", args=[shipment.pk]), {"kind": "pickup"})
    client.post(reverse("donations:shipment_detail", args=[shipment.pk]), {"kind": "handover", "place": "武汉"})
    response = client.post(reverse("donations:shipment_detail", args=[shipment.pk]), {"kind": "pickup"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    shipment.refresh_from_db()
    assert shipment.status == "handed_over"


@pytest.mark.parametrize(
    "name, before",
    [
        ("pledge_dispatch", "confirmed"),
        ("pledge_deliver", "dispatched"),
        ("pledge_cancel", "pledged"),
        ("pledge_customs", "pledged"),
    ],
)
@pytest.mark.parametrize(
    "role, status",
    [("secretariat", 200), ("org_member", 200), ("org_viewer", 403), ("other_user", 404), ("anonymous", 302)],
)
def test_form_pages_open_only_for_writers_who_see_the_pledge(as_role, role, status, make_pledge, name, before):
    pledge = make_pledge(before, channel="international", origin_country="Japan")
    response = as_role(role).get(reverse(f"donations:{name}", args=[pledge.pk]))
    assert response.status_code == status


def test_a_suspended_members_admin_gets_no_pledge_form(as_role, appeal):
    response = as_role("suspended_admin").get(reverse("donations:pledge_create", args=[appeal.pk]))
    assert_refused(response)


@pytest.mark.parametrize("name", ["pledge_dispatch", "pledge_deliver", "pledge_cancel"])
def test_form_pages_refuse_put(client_for, secretariat, pledge, name):
    assert client_for(secretariat).put(reverse(f"donations:{name}", args=[pledge.pk])).status_code == 405


def test_the_appeal_description_is_markdown_without_scripts(client, appeal):
    type(appeal).objects.filter(pk=appeal.pk).update(
        description_zh="**急需** N95 口罩<script>alert(1)</script>\n\n- 协和医院\n\n[link](javascript:alert(1))"
    )
    body = client.get(reverse("donations:appeal_detail", args=[appeal.pk])).content.decode()
    assert "<strong>急需</strong>" in body and "<li>协和医院</li>" in body
    assert "<script>alert" not in body and "javascript:" not in body
