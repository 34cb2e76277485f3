"""An organisation admin edits the profile in Chinese, in a real browser: the error first, then the save."""

from urllib.parse import urlparse

import pytest
from django.utils import translation

from members.models import Membership, Organisation
from members.validators import validate_credit_code

from ..members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _chinese_check_character_error() -> str:
    with translation.override("zh-hans"):
        try:
            validate_credit_code("91350100M000100Y44")
        except Exception as exc:  # ValidationError: its message, in Chinese
            return str(exc.messages[0])
    raise AssertionError("the bad code was accepted")


def test_org_admin_edits_profile_in_chinese(live_server, page, screenshot_dir):
    org = OrganisationFactory(
        name_zh="长江测试存储有限公司",
        name_en="Yangtze Test Memory Co.",
        kind=Organisation.Kind.FAB,
        province="hubei",
        city="武汉",
        city_en="Wuhan",
        address="东湖高新区 1 号",
    )
    user = UserFactory(username="admin@ytm.example.cn")
    MembershipFactory(user=user, organisation=org, role=Membership.Role.ADMIN)
    outside = []
    server_host = urlparse(live_server.url).hostname
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in (server_host, None) else None)

    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"  # the browser asks for English first
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")

    # Switch to Chinese with the language menu on the page; the choice sticks for the next pages.
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{live_server.url}/org/edit/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # One invalid field: a mistyped check character. The page says what is wrong, next to the field.
    page.fill("input[name=credit_code]", "91350100M000100Y44")
    page.fill("input[name=address]", "东湖高新区 2 号")
    page.click("main form button[type=submit]")
    credit_code = page.locator("input[name=credit_code]")
    assert "is-invalid" in (credit_code.get_attribute("class") or "")
    assert page.locator("#id_credit_code_error").inner_text() == _chinese_check_character_error()
    org.refresh_from_db()
    assert org.address == "东湖高新区 1 号"  # nothing saved
    assert page.locator("input[name=address]").input_value() == "东湖高新区 2 号"  # nothing typed lost

    # Then valid: saved, and shown so.
    page.fill("input[name=credit_code]", "91350100M000100Y43")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/org/")
    with translation.override("zh-hans"):
        saved = translation.gettext("Your organisation's profile has been saved.")
    assert page.locator(".alert-success").inner_text().strip() == saved
    assert "东湖高新区 2 号" in page.content()
    org.refresh_from_db()
    assert (org.credit_code, org.address) == ("91350100M000100Y43", "东湖高新区 2 号")
    page.screenshot(path=str(screenshot_dir / "member-profile-zh.png"), full_page=True)
    assert outside == [], f"the page fetched from other hosts: {outside}"
