"""The pages anyone can open, and the language switch every page carries."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.members.factories import SecretariatContactFactory


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_home_for_each_role(role_client, db):  # the home page lists the latest public notices
    role, client = role_client
    response = _english(client).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "China Integrated Circuit Materials Industry Innovation Alliance" in content
    if role == "anonymous":
        assert 'href="/accounts/login/"' in content
        assert 'href="/org/"' not in content
    else:
        assert "Sign out" in content
        assert 'href="/directory/"' in content
        # Navigation by role: "my organisation" for members, the admin for the secretariat.
        assert ('href="/org/"' in content) is (role != "secretariat")
        assert ('href="/admin/"' in content) is (role == "secretariat")


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


def test_contact_page_lists_the_secretariat(client, db):
    shown = SecretariatContactFactory(name_en="Liu Coordinator", responsibility_en="Material supply")
    hidden = SecretariatContactFactory(name_en="Former Staff", is_active=False)
    response = _english(client).get("/contact/")
    assert response.status_code == 200
    content = response.content.decode()
    assert shown.name_en in content and "Material supply" in content
    assert f"mailto:{shown.email}" in content
    assert hidden.name_en not in content


def test_contact_page_without_contacts(client, db):
    response = _english(client).get("/contact/")
    assert "has not listed its contacts yet" in response.content.decode()


def test_contact_refuses_post(client, db):
    assert client.post("/contact/").status_code == 405


def test_pages_are_in_chinese_by_default(client, db):
    response = client.get("/")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_language_choice_is_remembered(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/contact/"})
    assert response.status_code == 302
    assert response["Location"] == "/contact/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME]["max-age"] == django_settings.LANGUAGE_COOKIE_AGE

    assert '<html lang="en">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/contact/").content.decode()
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_language_choice_survives_signing_in(client, org_member):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/accounts/login/", {"username": org_member.username, "password": "correct-horse-battery"})
    response = client.get("/org/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/contact/", "/accounts/login/", "/accounts/password_reset/"])
def test_every_public_page_has_the_language_switch(client, db, url):
    content = client.get(url).content.decode()
    assert 'action="/i18n/setlang/"' in content
    assert f'name="next" type="hidden" value="{url}"' in content


@pytest.mark.parametrize("url", ["/org/", "/directory/", "/org/edit/", "/accounts/password_change/"])
def test_every_member_page_has_the_language_switch(client_for, org_admin, url):
    content = client_for(org_admin).get(url).content.decode()
    assert 'action="/i18n/setlang/"' in content


def test_unsafe_next_is_not_followed(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
