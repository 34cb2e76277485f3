"""A notice's sanitised HTML is stored when the notice is written, in both languages, rendered again only when its
Markdown changes; no read (API list or detail, member page) renders Markdown."""

import importlib

import pytest
from django.apps import apps

from alliance_portal import markdown
from members.rules import actor_for_user
from notices import services
from notices.models import Notice

from ..api_helpers import api_client, login
from .factories import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Counts the calls of the Markdown renderer, wherever it is called from."""
    calls: list[str] = []
    real = markdown.render

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr("notices.models.render_markdown", counting)
    monkeypatch.setattr(markdown, "render", counting)
    return calls


def test_creating_a_notice_stores_both_bodies_as_sanitised_html(secretariat):
    notice = services.notice_create(
        actor=actor_for_user(secretariat),
        title_zh="通知",
        title_en="Notice",
        body_zh="请**注意**<script>alert(1)</script>",
        body_en="Please [read](javascript:alert(1)) **this**",
    )

    notice.refresh_from_db()
    assert notice.body_html_zh == "<p>请<strong>注意</strong></p>"
    assert "<strong>this</strong>" in notice.body_html_en
    assert "javascript" not in notice.body_html_en


def test_html_is_rendered_again_only_when_a_body_changes(secretariat, renders):
    actor = actor_for_user(secretariat)
    notice = services.notice_create(actor=actor, title_en="Notice", body_zh="正文", body_en="Body")
    assert sorted(renders) == ["Body", "正文"]
    renders.clear()

    notice = services.notice_update(actor=actor, notice=notice, title_en="Renamed")
    services.notice_publish(actor=actor, notice=notice)
    assert renders == []

    notice = Notice.objects.get(pk=notice.pk)
    notice.body_en = "New *body*"
    notice.save(update_fields=["body_en", "updated_at"])
    assert renders == ["New *body*"]
    notice.refresh_from_db()
    assert notice.body_html_en == "<p>New <em>body</em></p>"
    assert notice.body_html_zh == "<p>正文</p>"


def test_a_save_of_other_fields_leaves_a_deferred_body_alone(renders):
    notice = make_notice(body_en="Body")
    renders.clear()

    deferred = Notice.objects.only("pk", "pinned").get(pk=notice.pk)
    deferred.pinned = True
    deferred.save(update_fields=["pinned"])

    assert renders == []
    assert Notice.objects.get(pk=notice.pk).body_html_en == "<p>Body</p>"


@pytest.mark.parametrize("role", ["secretariat", "org_member", "read_key"])
def test_api_reads_render_no_markdown(role, request, renders):
    for index in range(5):
        make_notice(title_en=f"N{index}", body_en=f"*{index}*")
    renders.clear()
    client = api_client(role, request)

    rows = client.get("/api/v1/notices/").json()["results"]
    detail = client.get(f"/api/v1/notices/{rows[0]['id']}/").json()

    assert renders == []
    assert {row["body_html_en"] for row in rows} == {f"<p><em>{index}</em></p>" for index in range(5)}
    assert detail["body_html_zh"] == "<p>正文</p>"


def test_the_member_page_shows_the_stored_html_without_rendering(org_member, renders, english):
    notice = make_notice(body_zh="中文**正文**", body_en="English **body**")
    renders.clear()

    page = login(org_member).get(f"/notices/{notice.pk}/").content.decode()

    assert renders == []
    assert "English <strong>body</strong>" in page


def test_the_member_page_falls_back_to_the_other_language(org_member, english):
    notice = make_notice(body_zh="只有**中文**", body_en="")

    page = login(org_member).get(f"/notices/{notice.pk}/").content.decode()

    assert "只有<strong>中文</strong>" in page


def test_the_data_migration_renders_existing_notices():
    notice = make_notice(body_zh="旧**通知**", body_en="Old *notice*")
    Notice.objects.filter(pk=notice.pk).update(body_html_zh="", body_html_en="")

    migration = importlib.import_module("notices.migrations.0007_notice_stored_body_html")
    migration.render_existing(apps, None)

    notice.refresh_from_db()
    assert notice.body_html_zh == "<p>旧<strong>通知</strong></p>"
    assert notice.body_html_en == "<p>Old <em>notice</em></p>"
