"""The secretariat's admin of the member registry: who may see it, what the actions do, what is never deleted."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import ApiKey, Contact, Invitation, MaterialCategory, Membership, Organisation, hash_api_key

from .factories import (
    ContactFactory,
    InvitationFactory,
    MaterialCategoryFactory,
    MembershipFactory,
    OrganisationFactory,
    RiskAreaFactory,
    SecretariatContactFactory,
    SiteFactory,
    UserFactory,
    make_api_key,
)


def english(client):
    # Assertions read the English texts; the admin's default language is Chinese.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def make_object(model_name, org):
    if model_name == "organisation":
        return org
    if model_name == "site":
        return SiteFactory(organisation=org)
    if model_name == "riskarea":
        return RiskAreaFactory()
    if model_name == "materialcategory":
        return MaterialCategoryFactory()
    if model_name == "contact":
        return ContactFactory(organisation=org)
    if model_name == "membership":
        return MembershipFactory(organisation=org)
    if model_name == "invitation":
        return InvitationFactory(organisation=org)
    if model_name == "apikey":
        return make_api_key(org)[0]
    if model_name == "secretariatcontact":
        return SecretariatContactFactory()
    if model_name == "user":
        return UserFactory()
    raise AssertionError(model_name)


MODELS = [
    ("members", "organisation"),
    ("members", "site"),
    ("members", "riskarea"),
    ("members", "materialcategory"),
    ("members", "contact"),
    ("members", "membership"),
    ("members", "invitation"),
    ("members", "apikey"),
    ("members", "secretariatcontact"),
    ("auth", "user"),
]


def admin_urls(app_label, model_name, obj):
    base = f"admin:{app_label}_{model_name}"
    return [
        reverse(f"{base}_changelist"),
        reverse(f"{base}_add"),
        reverse(f"{base}_change", args=[obj.pk]),
        reverse(f"{base}_history", args=[obj.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_secretariat_can_open_every_admin_page(client_for, secretariat, org, app_label, model_name):
    client = english(client_for(secretariat))
    obj = make_object(model_name, org)
    for url in admin_urls(app_label, model_name, obj):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_members_and_anonymous_are_sent_to_the_admin_login(client_for, org_admin, org, app_label, model_name):
    obj = make_object(model_name, org)
    for client in (client_for(org_admin), Client()):
        for url in admin_urls(app_label, model_name, obj):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.django_db
def test_member_cannot_post_an_admin_action(client_for, org_admin):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    response = client_for(org_admin).post(
        reverse("admin:members_organisation_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING


@pytest.mark.django_db
def test_organisation_search_finds_by_chinese_name_and_credit_code(client_for, secretariat, org, other_org):
    client = english(client_for(secretariat))
    url = reverse("admin:members_organisation_changelist")

    response = client.get(url, {"q": "武汉测试"})
    assert org.name_en in response.text
    assert other_org.name_en not in response.text

    response = client.get(url, {"q": other_org.credit_code.lower()})
    assert other_org.name_en in response.text
    assert org.name_en not in response.text


@pytest.mark.django_db
def test_contact_search_finds_by_organisation_name(client_for, secretariat, org, other_org):
    ContactFactory(organisation=org, name="张三")
    ContactFactory(organisation=other_org, name="李四")
    response = english(client_for(secretariat)).get(reverse("admin:members_contact_changelist"), {"q": "Wuhan Test"})
    assert "张三" in response.text
    assert "李四" not in response.text


@pytest.mark.django_db
def test_status_filter_lists_pending_organisations_with_their_count(client_for, secretariat, org):
    pending = OrganisationFactory(status=Organisation.Status.PENDING, name_en="Applicant Materials Co.")
    client = english(client_for(secretariat))
    url = reverse("admin:members_organisation_changelist")

    response = client.get(url)
    assert "Pending approval (1)" in response.text

    response = client.get(url, {"status": "pending"})
    assert pending.name_en in response.text
    assert org.name_en not in response.text


@pytest.mark.django_db
def test_approve_action_approves_pending_and_refuses_withdrawn(client_for, secretariat):
    pending = [OrganisationFactory(status=Organisation.Status.PENDING) for _ in range(2)]
    withdrawn = OrganisationFactory(status=Organisation.Status.WITHDRAWN, name_en="Gone Away Ltd.")
    response = english(client_for(secretariat)).post(
        reverse("admin:members_organisation_changelist"),
        {"action": "approve_selected", "_selected_action": [o.pk for o in [*pending, withdrawn]]},
        follow=True,
    )

    shown = [str(m) for m in response.context["messages"]]
    assert "Approved 2 organisations." in shown
    assert any("Gone Away Ltd." in m and "withdrawn organisation cannot be approved" in m for m in shown)
    for organisation in pending:
        organisation.refresh_from_db()
        assert organisation.status == Organisation.Status.ACTIVE
        assert organisation.joined_on is not None
    withdrawn.refresh_from_db()
    assert withdrawn.status == Organisation.Status.WITHDRAWN


@pytest.mark.django_db
def test_suspend_action_suspends(client_for, secretariat, org):
    response = english(client_for(secretariat)).post(
        reverse("admin:members_organisation_changelist"),
        {"action": "suspend_selected", "_selected_action": [org.pk]},
        follow=True,
    )
    assert "Suspended 1 organisation." in [str(m) for m in response.context["messages"]]
    org.refresh_from_db()
    assert org.status == Organisation.Status.SUSPENDED


@pytest.mark.django_db
def test_withdraw_action_withdraws_and_revokes_keys_and_invitations(client_for, secretariat, org):
    api_key, _raw = make_api_key(org)
    invitation = InvitationFactory(organisation=org)
    response = english(client_for(secretariat)).post(
        reverse("admin:members_organisation_changelist"),
        {"action": "withdraw_selected", "_selected_action": [org.pk]},
        follow=True,
    )
    assert "Withdrew 1 organisation." in [str(m) for m in response.context["messages"]]
    org.refresh_from_db()
    api_key.refresh_from_db()
    invitation.refresh_from_db()
    assert org.status == Organisation.Status.WITHDRAWN
    assert api_key.revoked_at is not None
    assert invitation.revoked_at is not None
    assert Organisation.objects.filter(pk=org.pk).exists()


@pytest.mark.django_db
def test_organisations_memberships_and_keys_cannot_be_deleted(client_for, secretariat, org):
    client = english(client_for(secretariat))
    membership = MembershipFactory(organisation=org)
    api_key, _raw = make_api_key(org)
    for model_name, obj in (("organisation", org), ("membership", membership), ("apikey", api_key)):
        changelist = client.get(reverse(f"admin:members_{model_name}_changelist"))
        assert "delete_selected" not in changelist.text
        change = client.get(reverse(f"admin:members_{model_name}_change", args=[obj.pk]))
        assert reverse(f"admin:members_{model_name}_delete", args=[obj.pk]) not in change.text
        assert (
            client.post(reverse(f"admin:members_{model_name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert ApiKey.objects.filter(pk=api_key.pk).exists()


@pytest.mark.django_db
def test_changing_an_organisation_in_the_admin_records_who_did_it(client_for, secretariat, org):
    client = english(client_for(secretariat))
    url = reverse("admin:members_organisation_change", args=[org.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(
        {
            "name_en": "Wuhan Renamed Fab Co.",
            "categories_supplied": [],
            "categories_consumed": [],
            "joined_on": "",
        }
    )
    for prefix in ("sites", "contacts", "memberships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    org.refresh_from_db()
    assert org.name_en == "Wuhan Renamed Fab Co."
    latest = org.history.latest()
    assert latest.history_user == secretariat
    assert latest.name_en == "Wuhan Renamed Fab Co."

    history_page = client.get(reverse("admin:members_organisation_history", args=[org.pk]))
    assert secretariat.username in history_page.text


@pytest.mark.django_db
def test_history_cannot_be_reverted(client_for, secretariat, org):
    org.name_en = "Changed"
    org.save()
    old = org.history.earliest()
    url = reverse("admin:members_organisation_simple_history", args=[org.pk, old.history_id])
    client = english(client_for(secretariat))
    assert client.get(url).status_code == 200
    assert client.post(url, {"name_en": old.name_en}).status_code == 403
    org.refresh_from_db()
    assert org.name_en == "Changed"


@pytest.mark.django_db
def test_approval_in_the_admin_is_in_the_history_with_the_secretariat(client_for, secretariat):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    english(client_for(secretariat)).post(
        reverse("admin:members_organisation_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    latest = pending.history.latest()
    assert latest.status == Organisation.Status.ACTIVE
    assert latest.history_user == secretariat
    assert latest.history_change_reason == "approved"


# --- API keys ------------------------------------------------------------------------------------------------------


RAW_KEY_RE = re.compile(r"ap_[0-9a-f]{8}_[A-Za-z0-9_\-]+")


@pytest.mark.django_db
def test_issuing_a_key_shows_it_once_and_stores_only_its_hash(client_for, secretariat, org):
    client = english(client_for(secretariat))
    response = client.post(
        reverse("admin:members_apikey_add"),
        {"organisation": org.pk, "name": "YMTC ERP", "scope": ApiKey.Scope.WRITE},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "shown only this once" in response.text
    raw_key = RAW_KEY_RE.search(response.text).group(0)

    api_key = ApiKey.objects.get()
    assert api_key.organisation == org
    assert api_key.name == "YMTC ERP"
    assert api_key.scope == ApiKey.Scope.WRITE
    assert api_key.created_by == secretariat
    assert hash_api_key(raw_key) == api_key.key_hash
    assert raw_key.startswith(f"ap_{api_key.prefix}_")
    stored = {str(getattr(api_key, f.attname)) for f in ApiKey._meta.concrete_fields}
    assert raw_key not in stored
    assert LogEntry.objects.filter(object_id=str(api_key.pk)).exists()

    # Never again: not on the key's page, the list, or in a message on the next page.
    for url in (reverse("admin:members_apikey_change", args=[api_key.pk]), reverse("admin:members_apikey_changelist")):
        page = client.get(url)
        assert raw_key not in page.text
        assert api_key.prefix in page.text


@pytest.mark.django_db
def test_the_issue_form_asks_only_organisation_label_and_scope(client_for, secretariat):
    form = english(client_for(secretariat)).get(reverse("admin:members_apikey_add")).context["adminform"].form
    assert set(form.fields) == {"organisation", "name", "scope"}


@pytest.mark.django_db
def test_an_issued_key_can_only_have_its_label_changed(client_for, secretariat, org, other_org):
    api_key, _raw = make_api_key(org, scope=ApiKey.Scope.READ, name="old label")
    client = english(client_for(secretariat))
    url = reverse("admin:members_apikey_change", args=[api_key.pk])
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {"name"}

    response = client.post(
        url, {"name": "new label", "scope": ApiKey.Scope.WRITE, "organisation": other_org.pk, "revoked_at": ""}
    )
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.name == "new label"
    assert api_key.scope == ApiKey.Scope.READ
    assert api_key.organisation == org


@pytest.mark.django_db
def test_revoke_action_revokes_selected_keys(client_for, secretariat, org):
    live, _raw = make_api_key(org, name="live")
    kept, _raw = make_api_key(org, name="kept")
    gone, _raw = make_api_key(org, name="gone")
    gone.revoke()
    response = english(client_for(secretariat)).post(
        reverse("admin:members_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [live.pk, gone.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "Revoked 1 API key." in shown
    assert "1 key was already revoked." in shown
    live.refresh_from_db()
    kept.refresh_from_db()
    assert live.revoked_at is not None
    assert kept.revoked_at is None


# --- categories, memberships, users --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_category_in_use_cannot_be_deleted(client_for, secretariat, org):
    used = MaterialCategoryFactory(name_en="Used gas")
    unused = MaterialCategoryFactory(name_en="Unused gas")
    org.categories_supplied.add(used)
    client = english(client_for(secretariat))

    change = client.get(reverse("admin:members_materialcategory_change", args=[used.pk]))
    assert reverse("admin:members_materialcategory_delete", args=[used.pk]) not in change.text
    assert (
        client.post(reverse("admin:members_materialcategory_delete", args=[used.pk]), {"post": "yes"}).status_code
        == 403
    )

    response = client.post(
        reverse("admin:members_materialcategory_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "is in use" in response.text
    assert MaterialCategory.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2

    response = client.post(reverse("admin:members_materialcategory_delete", args=[unused.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not MaterialCategory.objects.filter(pk=unused.pk).exists()


@pytest.mark.django_db
def test_category_names_and_flags_are_editable_but_not_its_code(client_for, secretariat):
    category = MaterialCategoryFactory(code="test-gas", name_en="Gas")
    client = english(client_for(secretariat))
    url = reverse("admin:members_materialcategory_change", args=[category.pk])
    response = client.post(
        url,
        {
            "code": "renamed",
            "name_zh": "特气",
            "name_en": "Specialty gas",
            "group": "material",
            "hazardous": "on",
            "default_unit": "kg",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name_en, category.hazardous) == ("test-gas", "Specialty gas", True)


@pytest.mark.django_db
def test_last_administrator_cannot_be_demoted_in_the_admin(client_for, secretariat, org_admin):
    membership = org_admin.membership
    url = reverse("admin:members_membership_change", args=[membership.pk])
    response = english(client_for(secretariat)).post(
        url, {"user": org_admin.pk, "organisation": membership.organisation_id, "role": Membership.Role.VIEWER}
    )
    assert response.status_code == 200
    assert "at least one administrator" in response.text
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


@pytest.mark.django_db
def test_role_change_in_the_admin_goes_through(client_for, secretariat, org_admin, org_member):
    membership = org_member.membership
    response = english(client_for(secretariat)).post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        {"user": org_member.pk, "organisation": membership.organisation_id, "role": Membership.Role.ADMIN},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
    assert membership.history.latest().history_user == secretariat


@pytest.mark.django_db
def test_user_admin_shows_each_users_organisation_and_role(client_for, secretariat, org_admin, org):
    client = english(client_for(secretariat))
    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert org.name in changelist.text
    assert "Administrator" in changelist.text

    change = client.get(reverse("admin:auth_user_change", args=[org_admin.pk]))
    assert change.status_code == 200
    inline = change.context["inline_admin_formsets"][0]
    assert inline.formset.queryset.get() == org_admin.membership


@pytest.mark.django_db
def test_invitation_sent_from_the_admin_goes_through_the_service(
    client_for, secretariat, org, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = english(client_for(secretariat)).post(
            reverse("admin:members_invitation_add"),
            {"organisation": org.pk, "email": "New.Admin@Example.com", "role": Membership.Role.ADMIN},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by, invitation.role) == ("new.admin@example.com", secretariat, "admin")
    assert [m.to for m in mailoutbox] == [["new.admin@example.com"]]


@pytest.mark.django_db
def test_invitation_to_an_existing_account_is_refused_in_the_form(client_for, secretariat, org, org_admin):
    response = english(client_for(secretariat)).post(
        reverse("admin:members_invitation_add"),
        {"organisation": org.pk, "email": org_admin.email, "role": Membership.Role.MEMBER},
    )
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_contact_without_mobile_or_email_gets_a_clear_error(client_for, secretariat, org):
    response = english(client_for(secretariat)).post(
        reverse("admin:members_contact_add"),
        {"organisation": org.pk, "name": "王五", "language": "zh-hans", "receives_alerts": "on"},
    )
    assert response.status_code == 200
    assert "Give a mobile number or an email address" in response.text
    assert not Contact.objects.filter(name="王五").exists()


# --- query counts --------------------------------------------------------------------------------------------------


def _changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["organisation", "contact", "site", "membership", "apikey", "invitation"])
def test_changelist_queries_do_not_grow_with_rows(client_for, secretariat, model_name):
    client = english(client_for(secretariat))
    url = reverse(f"admin:members_{model_name}_changelist")

    def add(n):
        for _ in range(n):
            org = OrganisationFactory()
            if model_name == "contact":
                ContactFactory(organisation=org)
            elif model_name == "site":
                SiteFactory(organisation=org)
            elif model_name == "membership":
                MembershipFactory(organisation=org)
            elif model_name == "apikey":
                ApiKey.objects.filter(pk=make_api_key(org)[0].pk).update(created_by=secretariat)
            elif model_name == "invitation":
                InvitationFactory(organisation=org, invited_by=secretariat)

    add(3)
    client.get(url)  # warm the caches (content types, session) so both runs count the same work
    few = _changelist_queries(client, url)
    add(27)
    many = _changelist_queries(client, url)
    assert few == many


@pytest.mark.django_db
def test_user_changelist_queries_do_not_grow_with_rows(client_for, secretariat):
    client = english(client_for(secretariat))
    url = reverse("admin:auth_user_changelist")
    for _ in range(3):
        MembershipFactory()
    client.get(url)
    few = _changelist_queries(client, url)
    for _ in range(27):
        MembershipFactory()
    many = _changelist_queries(client, url)
    assert few == many


@pytest.mark.django_db
def test_a_refusal_the_form_could_not_foresee_is_an_admin_message_and_saves_nothing(
    client_for, secretariat, org_admin, org_member, monkeypatch
):
    # Two secretaries demoting the last two administrators at once: the form saw another administrator, the service
    # (under its lock) does not. Simulated by a service that refuses whatever the form said.
    from django.core.exceptions import ValidationError

    from members import services

    def refuse(**kwargs):
        raise ValidationError("An organisation needs at least one administrator; appoint another one first.")

    monkeypatch.setattr(services, "membership_set_role", refuse)
    membership = org_member.membership
    client = english(client_for(secretariat))
    response = client.post(
        reverse("admin:members_membership_change", args=[membership.pk]), {"role": Membership.Role.VIEWER}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "at least one administrator" in response.text
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


@pytest.mark.django_db
def test_a_membership_keeps_its_person_and_organisation_in_the_admin(client_for, secretariat, org_member, other_org):
    membership = org_member.membership
    response = english(client_for(secretariat)).post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        {"user": org_member.pk, "organisation": other_org.pk, "role": Membership.Role.ADMIN},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.organisation_id, membership.role) == (org_member.membership.organisation_id, "admin")
    assert membership.organisation != other_org


def _organisation_change_data(client, org, **changes) -> dict:
    form = client.get(reverse("admin:members_organisation_change", args=[org.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"categories_supplied": [], "categories_consumed": [], "joined_on": ""})
    for prefix in ("sites", "contacts", "memberships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


@pytest.mark.django_db
def test_sites_and_contacts_added_inline_go_through_the_services(client_for, secretariat, org, monkeypatch):
    from members import services

    called = []
    for name in ("site_create", "contact_create"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda _o=original, _n=name, **kw: called.append(_n) or _o(**kw))
    client = english(client_for(secretariat))
    url = reverse("admin:members_organisation_change", args=[org.pk])
    data = _organisation_change_data(
        client,
        org,
        **{
            "sites-TOTAL_FORMS": 1,
            "sites-0-name_zh": "二号厂",
            "sites-0-kind": "fab",
            "sites-0-province": "hubei",
            "sites-0-city": "武汉",
            "sites-0-is_active": "on",
            "contacts-TOTAL_FORMS": 1,
            "contacts-0-name": "王五",
            "contacts-0-mobile": "13800000000",
            "contacts-0-language": "zh-hans",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert called == ["site_create", "contact_create"]
    assert org.sites.get().name_zh == "二号厂"
    assert org.contacts.get().name == "王五"


@pytest.mark.django_db
def test_a_site_stays_with_its_organisation_in_the_admin(client_for, secretariat, org, other_org):
    site = SiteFactory(organisation=org)
    client = english(client_for(secretariat))
    url = reverse("admin:members_site_change", args=[site.pk])
    form = client.get(url).context["adminform"].form
    assert "organisation" not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    response = client.post(url, {**data, "name_en": "Renamed", "organisation": other_org.pk})
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.organisation, site.name_en) == (org, "Renamed")
