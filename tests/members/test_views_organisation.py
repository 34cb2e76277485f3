"""My organisation: the page every member reads, and the profile, site and contact forms only its admins use."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Contact, MaterialCategory, Organisation, Site

from .factories import ContactFactory, InvitationFactory, MembershipFactory, SiteFactory, valid_credit_code

MY_ORG = reverse("members:my_organisation")
EDIT = reverse("members:organisation_edit")


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _profile_data(organisation: Organisation, **changes) -> dict:
    data = {
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "credit_code": organisation.credit_code,
        "province": organisation.province,
        "city": organisation.city,
        "city_en": organisation.city_en,
        "address": organisation.address,
        "website": organisation.website,
        "description_zh": organisation.description_zh,
        "description_en": organisation.description_en,
    }
    data.update(changes)
    return data


def _snapshot(organisation: Organisation) -> dict:
    organisation.refresh_from_db()
    return {
        "fields": {f.attname: getattr(organisation, f.attname) for f in Organisation._meta.concrete_fields},
        "supplied": set(organisation.categories_supplied.values_list("pk", flat=True)),
    }


# --- the page ---------------------------------------------------------------------------------------------------


def test_my_organisation_for_each_role(role_client, org, other_org):
    role, client = role_client
    response = client.get(MY_ORG)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == 200
    content = response.content.decode()
    if role == "secretariat":
        assert "secretariat staff" in content
        assert reverse("admin:index") in content
        assert org.name_en not in content
    elif role == "other_user":
        assert other_org.name_zh in content
        assert org.name_zh not in content
    else:
        assert org.name_zh in content
        assert org.credit_code in content
        assert (EDIT in content) is (role == "org_admin")


def test_my_organisation_shows_profile_sites_contacts_people_and_invitations(client_for, org, org_admin, org_viewer):
    org.priority_guarantee = True
    org.address = "东湖高新区未来三路 88 号"
    org.save()
    org.categories_consumed.add(MaterialCategory.objects.get(code="gas"))
    site = SiteFactory(organisation=org, name_zh="存储器基地一号厂", name_en="Memory Base Fab 1")
    contact = ContactFactory(organisation=org, name="王采购", email="wang.purchase@example.com")
    invitation = InvitationFactory(organisation=org, email="newcomer@example.com", invited_by=org_admin)

    response = client_for(org_viewer).get(MY_ORG)

    content = response.content.decode()
    assert "Priority guarantee" in content
    assert org.address in content
    assert "Electronic specialty gases" in content
    assert site.name_en in content
    assert contact.name in content and contact.email in content
    assert org_admin.email in content and org_viewer.email in content
    assert invitation.email in content
    # A viewer reads it all but is offered no changes.
    assert reverse("members:site_edit", args=[site.pk]) not in content
    assert reverse("members:invitation_revoke", args=[invitation.pk]) not in content


def test_my_organisation_refuses_post(client_for, org_admin):
    assert client_for(org_admin).post(MY_ORG).status_code == 405


def test_user_without_organisation_is_told_how_to_get_one(client_for, db):
    from .factories import UserFactory

    response = client_for(UserFactory()).get(MY_ORG)
    assert response.status_code == 200
    assert "not linked to a member organisation" in response.content.decode()


def _fill(org, org_admin, n: int) -> None:
    SiteFactory.create_batch(n, organisation=org)
    ContactFactory.create_batch(n, organisation=org)
    MembershipFactory.create_batch(n, organisation=org)
    InvitationFactory.create_batch(n, organisation=org, invited_by=org_admin)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_organisation_query_count_does_not_grow_with_rows(client_for, org, org_admin):
    org.categories_supplied.add(*MaterialCategory.objects.all()[:3])
    client = client_for(org_admin)
    _fill(org, org_admin, 3)
    with_3 = _count_queries(client, MY_ORG)
    _fill(org, org_admin, 27)
    with_30 = _count_queries(client, MY_ORG)
    assert with_3 == with_30


# --- profile ----------------------------------------------------------------------------------------------------


def test_edit_profile_for_each_role(role_client, org, other_org):
    role, client = role_client
    response = client.get(EDIT)
    expected = {
        "secretariat": 403,
        "org_admin": 200,
        "org_member": 403,
        "org_viewer": 403,
        "other_user": 200,  # the admin of another organisation edits their own
        "anonymous": 302,
    }[role]
    assert response.status_code == expected
    if role == "org_admin":
        assert f'value="{org.credit_code}"' in response.content.decode()
    if role == "other_user":
        assert f'value="{other_org.credit_code}"' in response.content.decode()
        assert org.credit_code not in response.content.decode()
    if expected == 403:
        assert "You cannot do this" in response.content.decode()


@pytest.mark.parametrize("user", ["org_member", "org_viewer", "secretariat"])
def test_non_admin_cannot_post_profile(request, client_for, org, user):
    before = _snapshot(org)
    response = client_for(request.getfixturevalue(user)).post(EDIT, _profile_data(org, name_en="Hijacked"))
    assert response.status_code == 403
    assert _snapshot(org) == before


def test_admin_saves_profile(client_for, org, org_admin):
    wafer, gas = MaterialCategory.objects.get(code="wafer"), MaterialCategory.objects.get(code="gas")
    data = _profile_data(
        org,
        name_en="Wuhan Memory Fab Co.",
        address="高新大道 999 号",
        website="https://fab.example.com",
        description_en="300 mm memory fab.",
        categories_supplied=[wafer.pk],
        categories_consumed=[gas.pk, wafer.pk],
    )
    response = client_for(org_admin).post(EDIT, data, follow=True)

    assert response.redirect_chain == [(MY_ORG, 302)]
    assert "profile has been saved" in response.content.decode()
    org.refresh_from_db()
    assert org.name_en == "Wuhan Memory Fab Co."
    assert org.website == "https://fab.example.com"
    assert set(org.categories_supplied.all()) == {wafer}
    assert set(org.categories_consumed.all()) == {gas, wafer}


def test_admin_cannot_change_secretariat_fields(client_for, org, org_admin):
    data = _profile_data(
        org, status="suspended", kind="partner", priority_guarantee="on", slug="renamed", name_en="Renamed Co."
    )
    client_for(org_admin).post(EDIT, data)
    org.refresh_from_db()
    assert org.name_en == "Renamed Co."
    assert (org.status, org.kind, org.priority_guarantee) == ("active", "fab", False)
    assert org.slug != "renamed"


def test_wrong_credit_code_shows_inline_error_and_saves_nothing(client_for, org, org_admin):
    before = _snapshot(org)
    wrong = org.credit_code[:17] + ("0" if org.credit_code[17] != "0" else "1")
    data = _profile_data(org, credit_code=wrong, name_en="Should Not Be Saved")

    response = client_for(org_admin).post(EDIT, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "is-invalid" in content
    assert "check character (the last one) of this credit code is wrong" in content
    assert 'id="id_credit_code_error"' in content
    assert _snapshot(org) == before


def test_short_credit_code_is_refused(client_for, org, org_admin):
    response = client_for(org_admin).post(EDIT, _profile_data(org, credit_code="91420100ABC"))
    assert "has 18 characters; this one has 11" in response.content.decode()


def test_missing_required_name_is_refused(client_for, org, org_admin):
    before = _snapshot(org)
    response = client_for(org_admin).post(EDIT, _profile_data(org, name_zh=""))
    assert response.status_code == 200
    assert 'id="id_name_zh_error"' in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert _snapshot(org) == before


def test_another_organisations_credit_code_is_refused(client_for, org, other_org, org_admin):
    before = _snapshot(org)
    response = client_for(org_admin).post(EDIT, _profile_data(org, credit_code=other_org.credit_code))
    assert response.status_code == 200
    assert "Another member organisation is registered with this credit code" in response.content.decode()
    assert _snapshot(org) == before


def test_credit_code_typed_in_lower_case_is_stored_upper_case(client_for, org, org_admin):
    code = valid_credit_code(424242)
    response = client_for(org_admin).post(EDIT, _profile_data(org, credit_code=f"  {code.lower()} "))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.credit_code == code


def test_edit_profile_refuses_put(client_for, org_admin):
    assert client_for(org_admin).put(EDIT).status_code == 405


# --- sites ------------------------------------------------------------------------------------------------------

SITE_DATA = {
    "name_zh": "二号厂",
    "name_en": "Fab 2",
    "kind": "fab",
    "province": "hubei",
    "city": "武汉",
    "is_active": "on",
}


def test_site_create_for_each_role(role_client, org, other_org):
    role, client = role_client
    response = client.post(reverse("members:site_create"), SITE_DATA)
    expected = {"org_admin": 302, "other_user": 302, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    if role == "org_admin":
        assert Site.objects.get(organisation=org).name_zh == "二号厂"
    elif role == "other_user":
        assert Site.objects.get(organisation=other_org).name_zh == "二号厂"
    else:
        assert not Site.objects.exists()


def test_site_create_flashes_and_lists_it(client_for, org_admin):
    response = client_for(org_admin).post(reverse("members:site_create"), SITE_DATA, follow=True)
    content = response.content.decode()
    assert "The site “Fab 2” has been added." in content
    assert "Fab 2</td>" in content


def test_site_without_city_is_refused(client_for, org_admin):
    response = client_for(org_admin).post(reverse("members:site_create"), {**SITE_DATA, "city": ""})
    assert response.status_code == 200
    assert 'id="id_city_error"' in response.content.decode()
    assert not Site.objects.exists()


def test_site_edit_for_each_role(role_client, org):
    role, client = role_client
    site = SiteFactory(organisation=org, name_zh="旧名")
    response = client.post(reverse("members:site_edit", args=[site.pk]), {**SITE_DATA, "name_zh": "新名"})
    expected = {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    site.refresh_from_db()
    assert site.name_zh == ("新名" if role == "org_admin" else "旧名")


def test_site_edit_shows_the_site(client_for, org, org_admin):
    site = SiteFactory(organisation=org, name_zh="存储器基地")
    response = client_for(org_admin).get(reverse("members:site_edit", args=[site.pk]))
    assert response.status_code == 200
    assert 'value="存储器基地"' in response.content.decode()


def test_site_of_another_organisation_is_not_found(client_for, other_org, org_admin):
    site = SiteFactory(organisation=other_org)
    assert client_for(org_admin).get(reverse("members:site_edit", args=[site.pk])).status_code == 404


def test_site_edit_refuses_delete(client_for, org, org_admin):
    site = SiteFactory(organisation=org)
    assert client_for(org_admin).delete(reverse("members:site_edit", args=[site.pk])).status_code == 405
    assert Site.objects.filter(pk=site.pk).exists()


# --- contacts ---------------------------------------------------------------------------------------------------

CONTACT_DATA = {"name": "李物流", "title": "物流主管", "mobile": "13800001111", "email": "", "language": "zh-hans"}


def test_contact_create_for_each_role(role_client, org):
    role, client = role_client
    response = client.post(reverse("members:contact_create"), CONTACT_DATA)
    expected = {"org_admin": 302, "other_user": 302, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    assert Contact.objects.filter(organisation=org).exists() is (role == "org_admin")


def test_contact_needs_mobile_or_email(client_for, org_admin):
    response = client_for(org_admin).post(reverse("members:contact_create"), {**CONTACT_DATA, "mobile": ""})
    assert response.status_code == 200
    assert "Give a mobile number or an email address" in response.content.decode()
    assert not Contact.objects.exists()


def test_contact_with_bad_mobile_is_refused(client_for, org_admin):
    response = client_for(org_admin).post(reverse("members:contact_create"), {**CONTACT_DATA, "mobile": "call me"})
    assert 'id="id_mobile_error"' in response.content.decode()
    assert not Contact.objects.exists()


def test_contact_edit_for_each_role(role_client, org):
    role, client = role_client
    contact = ContactFactory(organisation=org, name="旧联系人")
    response = client.post(reverse("members:contact_edit", args=[contact.pk]), {**CONTACT_DATA, "name": "新联系人"})
    expected = {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    contact.refresh_from_db()
    assert contact.name == ("新联系人" if role == "org_admin" else "旧联系人")


def test_contact_delete_asks_first_then_deletes_on_post(client_for, org, org_admin):
    contact = ContactFactory(organisation=org, name="张三")
    url = reverse("members:contact_delete", args=[contact.pk])
    client = client_for(org_admin)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete the contact “张三”?" in confirm.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(MY_ORG, 302)]
    assert "The contact “张三” has been deleted." in response.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_delete_for_each_role(role_client, org):
    role, client = role_client
    contact = ContactFactory(organisation=org)
    response = client.post(reverse("members:contact_delete", args=[contact.pk]))
    expected = {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected
    assert Contact.objects.filter(pk=contact.pk).exists() is (role != "org_admin")


def test_contact_delete_refuses_put(client_for, org, org_admin):
    contact = ContactFactory(organisation=org)
    assert client_for(org_admin).put(reverse("members:contact_delete", args=[contact.pk])).status_code == 405
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_of_another_organisation_is_not_found(client_for, other_org, org_admin):
    contact = ContactFactory(organisation=other_org)
    client = client_for(org_admin)
    assert client.get(reverse("members:contact_edit", args=[contact.pk])).status_code == 404
    assert client.post(reverse("members:contact_delete", args=[contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_empty_post_is_validated_not_ignored(client_for, org_admin):
    response = client_for(org_admin).post(reverse("members:site_create"), {})
    assert response.status_code == 200
    assert 'id="id_name_zh_error"' in response.content.decode()
    assert not Site.objects.exists()
