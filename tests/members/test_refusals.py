"""An organisation that is suspended or has withdrawn writes nothing, through any door: every members service
refuses its administrator (and its write key) with NotAllowed, its pages answer the 403 page, its API calls a 403
(a key of such an organisation is not even accepted: 401), and nothing is saved."""

import pytest
from django.urls import reverse

from members import services
from members.models import ApiKey, Contact, Invitation, Membership, Organisation, Site
from members.rules import Actor, actor_for_key, actor_for_user

from ..api_helpers import ENGLISH, key_client, login
from ..refusals import assert_refused, refused_by_service, suspended, withdrawn
from .factories import ContactFactory, InvitationFactory, SiteFactory, make_api_key

pytestmark = pytest.mark.django_db

OUT_OF_STANDING = {"suspended": suspended, "withdrawn": withdrawn}


@pytest.fixture
def world(org, org_admin, org_member):
    """Everything an administrator of `org` could change."""
    return {
        "org": org,
        "admin": org_admin,
        "member": org_member.membership,
        "site": SiteFactory(organisation=org),
        "contact": ContactFactory(organisation=org),
        "invitation": InvitationFactory(organisation=org, email="invitee@example.com"),
        "key": make_api_key(org, scope=ApiKey.Scope.WRITE)[0],
    }


def fingerprint(org: Organisation) -> dict:
    """What any of the writes below would change."""
    org = Organisation.objects.get(pk=org.pk)
    return {
        "organisation": (org.name_en, org.status, org.website),
        "sites": sorted(Site.objects.filter(organisation=org).values_list("pk", "name_en", "is_active")),
        "contacts": sorted(Contact.objects.filter(organisation=org).values_list("pk", "name", "mobile")),
        "memberships": sorted(Membership.objects.filter(organisation=org).values_list("pk", "role")),
        "invitations": sorted(Invitation.objects.filter(organisation=org).values_list("pk", "email", "revoked_at")),
        "keys": sorted(ApiKey.objects.filter(organisation=org).values_list("pk", "revoked_at")),
    }


SITE = {"name_zh": "二号工厂", "name_en": "Plant 2", "kind": "plant", "province": "hubei", "city": "武汉"}
CONTACT = {"name": "王五", "mobile": "13800000000", "language": "zh-hans"}

# name -> call(actor, world)
SERVICE_CALLS = {
    "organisation_update": lambda a, w: services.organisation_update(
        actor=a, organisation=w["org"], fields={"name_en": "Renamed"}
    ),
    "site_create": lambda a, w: services.site_create(actor=a, organisation=w["org"], fields=SITE),
    "site_update": lambda a, w: services.site_update(actor=a, site=w["site"], fields={"is_active": False}),
    "contact_create": lambda a, w: services.contact_create(actor=a, organisation=w["org"], fields=CONTACT),
    "contact_update": lambda a, w: services.contact_update(actor=a, contact=w["contact"], fields={"name": "赵六"}),
    "contact_delete": lambda a, w: services.contact_delete(actor=a, contact=w["contact"]),
    "membership_set_role": lambda a, w: services.membership_set_role(actor=a, membership=w["member"], role="viewer"),
    "membership_remove": lambda a, w: services.membership_remove(actor=a, membership=w["member"]),
    "invitation_create": lambda a, w: services.invitation_create(
        actor=a, organisation=w["org"], email="new@example.com", role="member"
    ),
    "invitation_revoke": lambda a, w: services.invitation_revoke(
        actor=a, invitations=Invitation.objects.filter(pk=w["invitation"].pk)
    ),
    "api_key_issue": lambda a, w: services.api_key_issue(actor=a, organisation=w["org"], name="erp", scope="read"),
    "api_key_revoke": lambda a, w: services.api_key_revoke(actor=a, api_key=w["key"]),
    "organisation_approve": lambda a, w: services.organisation_approve(actor=a, organisation=w["org"]),
    "organisation_suspend": lambda a, w: services.organisation_suspend(actor=a, organisation=w["org"]),
    "organisation_withdraw": lambda a, w: services.organisation_withdraw(actor=a, organisation=w["org"]),
}
SECRETARIAT_ONLY = {"organisation_approve", "organisation_suspend", "organisation_withdraw"}


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("service", SERVICE_CALLS)
def test_an_administrator_of_an_organisation_out_of_good_standing_is_refused_by_every_service(world, standing, service):
    OUT_OF_STANDING[standing](world["org"])
    before = fingerprint(world["org"])
    expected = "secretariat_only" if service in SECRETARIAT_ONLY else "organisation_not_in_good_standing"
    with refused_by_service(code=expected):
        SERVICE_CALLS[service](actor_for_user(world["admin"]), world)
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("service", sorted(set(SERVICE_CALLS) - SECRETARIAT_ONLY))
def test_a_write_key_of_an_organisation_out_of_good_standing_is_refused_by_every_service(world, standing, service):
    OUT_OF_STANDING[standing](world["org"])
    key = ApiKey.objects.select_related("organisation").get(pk=world["key"].pk)
    before = fingerprint(world["org"])
    with refused_by_service(code="organisation_not_in_good_standing"):
        SERVICE_CALLS[service](actor_for_key(key), world)
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("service", sorted(set(SERVICE_CALLS) - SECRETARIAT_ONLY))
def test_the_same_calls_pass_for_an_administrator_in_good_standing(world, service):
    before = fingerprint(world["org"])
    SERVICE_CALLS[service](actor_for_user(world["admin"]), world)
    assert fingerprint(world["org"]) != before


@pytest.mark.parametrize("service", sorted(SECRETARIAT_ONLY))
def test_only_the_secretariat_approves_suspends_and_withdraws(world, secretariat, service):
    with refused_by_service(code="secretariat_only"):
        SERVICE_CALLS[service](actor_for_user(world["admin"]), world)
    SERVICE_CALLS[service](actor_for_user(secretariat), world)


@pytest.mark.parametrize("service", ["site_update", "contact_update", "membership_set_role", "api_key_revoke"])
def test_an_administrator_cannot_change_another_organisations_records(world, other_user, service):
    before = fingerprint(world["org"])
    with refused_by_service(code="other_organisation"):
        SERVICE_CALLS[service](actor_for_user(other_user), world)
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
def test_an_invitation_of_an_organisation_out_of_good_standing_cannot_be_accepted(world, standing):
    invitation = world["invitation"]
    OUT_OF_STANDING[standing](world["org"])
    with refused_by_service(code="organisation_not_in_good_standing"):
        services.invitation_accept(actor=Actor(), invitation=invitation, name="Chen", password="a-Long-pass-2020")
    assert not Membership.objects.filter(user__username="invitee@example.com").exists()


# --- the web pages -------------------------------------------------------------------------------------------------


def _pages(w) -> dict:
    """name -> (url, POST data) of every page that changes the organisation."""
    profile = {
        "name_zh": "武汉测试晶圆有限公司",
        "name_en": "Renamed",
        "credit_code": w["org"].credit_code,
        "province": "hubei",
        "city": "武汉",
    }
    return {
        "organisation_edit": (reverse("members:organisation_edit"), profile),
        "site_create": (reverse("members:site_create"), SITE),
        "site_edit": (reverse("members:site_edit", args=[w["site"].pk]), {**SITE, "name_en": "Renamed"}),
        "contact_create": (reverse("members:contact_create"), CONTACT),
        "contact_edit": (reverse("members:contact_edit", args=[w["contact"].pk]), {**CONTACT, "name": "赵六"}),
        "contact_delete": (reverse("members:contact_delete", args=[w["contact"].pk]), {}),
        "invitation_create": (
            reverse("members:invitation_create"),
            {"email": "new@example.com", "role": "member", "language": "en"},
        ),
        "invitation_revoke": (reverse("members:invitation_revoke", args=[w["invitation"].pk]), {}),
        "membership_role": (reverse("members:membership_role", args=[w["member"].pk]), {"role": "viewer"}),
        "membership_remove": (reverse("members:membership_remove", args=[w["member"].pk]), {}),
    }


PAGES = [
    "organisation_edit",
    "site_create",
    "site_edit",
    "contact_create",
    "contact_edit",
    "contact_delete",
    "invitation_create",
    "invitation_revoke",
    "membership_role",
    "membership_remove",
]
GET_PAGES = ["organisation_edit", "site_create", "site_edit", "contact_create", "contact_edit", "invitation_create"]


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("page", PAGES)
def test_pages_refuse_a_post_from_an_administrator_out_of_good_standing(world, english, standing, page):
    url, data = _pages(world)[page]
    OUT_OF_STANDING[standing](world["org"])
    before = fingerprint(world["org"])
    response = login(world["admin"]).post(url, data)
    assert_refused(response)
    assert "suspended or has withdrawn" in response.content.decode()
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("page", GET_PAGES)
def test_edit_pages_do_not_open_for_an_administrator_out_of_good_standing(world, english, standing, page):
    url, _data = _pages(world)[page]
    OUT_OF_STANDING[standing](world["org"])
    assert_refused(login(world["admin"]).get(url))


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
def test_my_organisation_offers_no_edit_links_out_of_good_standing(world, standing):
    OUT_OF_STANDING[standing](world["org"])
    content = login(world["admin"]).get(reverse("members:my_organisation")).content.decode()
    assert reverse("members:organisation_edit") not in content
    assert reverse("members:site_create") not in content


def test_the_profile_is_saved_through_the_service_in_good_standing(world, english):
    url, data = _pages(world)["organisation_edit"]
    response = login(world["admin"]).post(url, data)
    assert response.status_code == 302
    assert Organisation.objects.get(pk=world["org"].pk).name_en == "Renamed"


# --- the API -------------------------------------------------------------------------------------------------------


def _api_writes(w) -> dict:
    return {
        "organisation_patch": ("patch", f"/api/v1/organizations/{w['org'].slug}/", {"name_en": "Renamed"}),
        "site_create": ("post", "/api/v1/sites/", SITE),
        "site_patch": ("patch", f"/api/v1/sites/{w['site'].pk}/", {"is_active": False}),
    }


API_WRITES = ["organisation_patch", "site_create", "site_patch"]


def _send(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json", headers=ENGLISH)


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("write", API_WRITES)
def test_the_api_refuses_an_administrator_out_of_good_standing(world, standing, write):
    method, url, data = _api_writes(world)[write]
    OUT_OF_STANDING[standing](world["org"])
    before = fingerprint(world["org"])
    response = _send(login(world["admin"]), method, url, data)
    assert_refused(response)
    assert "suspended or has withdrawn" in response.json()["detail"]
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("write", API_WRITES)
def test_the_api_does_not_accept_a_write_key_out_of_good_standing(world, standing, write):
    method, url, data = _api_writes(world)[write]
    _key, raw = make_api_key(world["org"], scope=ApiKey.Scope.WRITE, name="erp")
    OUT_OF_STANDING[standing](world["org"])
    before = fingerprint(world["org"])
    assert_refused(_send(key_client(raw), method, url, data), status=401)
    assert fingerprint(world["org"]) == before


@pytest.mark.parametrize("write", API_WRITES)
def test_the_api_writes_through_the_services_in_good_standing(world, write):
    method, url, data = _api_writes(world)[write]
    before = fingerprint(world["org"])
    response = _send(login(world["admin"]), method, url, data)
    assert response.status_code in (200, 201), response.content
    assert fingerprint(world["org"]) != before


def test_an_administrator_cannot_set_what_only_the_secretariat_sets_through_the_service(world):
    with refused_by_service(code="secretariat_only"):
        services.organisation_update(
            actor=actor_for_user(world["admin"]), organisation=world["org"], fields={"priority_guarantee": True}
        )


def test_a_membership_is_made_by_the_secretariat_only(world, other_org):
    with refused_by_service(code="secretariat_only"):
        services.membership_create(
            actor=actor_for_user(world["admin"]), user=world["admin"], organisation=other_org, role="member"
        )


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
def test_a_membership_answers_with_the_rule_of_members_rules(world, standing):
    membership = Membership.objects.select_related("organisation").get(user=world["admin"])
    assert (membership.can_edit, membership.can_write) == (True, True)
    OUT_OF_STANDING[standing](world["org"])
    membership = Membership.objects.select_related("organisation").get(user=world["admin"])
    assert (membership.can_edit, membership.can_write) == (False, False)
