"""The request form on a phone, in a real browser: the UN number box appears, marked required, as soon as a
hazardous category is chosen, and is out of the way for one that needs none; a submit with several problems names
them all at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Membership

from ..members.factories import MembershipFactory, SiteFactory, UserFactory
from ..supply.factories import FabFactory, category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text."""


def test_the_un_number_follows_the_category_and_every_problem_shows_at_once(browser, sign_in, live_server):
    fab = FabFactory(name_en="Form Test Fab")
    SiteFactory(organisation=fab, name_en="Fab 1", province="hubei", city="武汉", city_en="Wuhan")
    MembershipFactory(organisation=fab, role=Membership.Role.MEMBER, user=UserFactory(username="buyer@form.example"))
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "buyer@form.example")
    page.goto(f"{live_server.url}/supply/requests/new/")

    un_box = page.locator("#id_un_number")
    mark = page.locator("[data-required-mark]")
    page.get_by_label("Material category").select_option(label=category("wafer").name_en)
    assert not un_box.is_visible()
    page.get_by_label("Material category").select_option(label=category("photoresist").name_en)
    assert un_box.is_visible()
    assert un_box.evaluate("box => box.required") is True
    assert mark.is_visible()

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page.get_by_label("Needed by").fill(yesterday)
    page.get_by_role("button", name="Submit").click()
    page.locator(".invalid-feedback").first.wait_for()
    errors = page.locator(".invalid-feedback").all_inner_texts()
    text = " ".join(errors)
    assert "hazardous goods: give the UN number" in text
    assert "is in the past" in text
    assert "This field is required." in text  # the quantity and the others, in the same round
    # After the round, the box is still marked required for the hazardous category chosen.
    assert un_box.is_visible() and mark.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
