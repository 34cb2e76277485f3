import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404_in_the_portal_layout(settings):
    settings.LANGUAGE_CODE = "en"
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "This page does not exist, or it is not yours to see" in content
    assert "Alliance Portal" in content


@pytest.mark.django_db
def test_server_error_page_renders_without_request_context():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/bootstrap/css/bootstrap.min.css" in html
