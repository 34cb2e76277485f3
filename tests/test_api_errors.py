"""The error contract: 400 naming each field (also for services' Django ValidationErrors), 409, never a 500."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.test import Client
from django.utils import translation
from rest_framework.test import APIRequestFactory

from alliance_portal.api import Conflict, exception_handler
from alliance_portal.errors import ConflictError, NotAllowed

from .api_helpers import login
from .members.factories import OrganisationFactory

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db


def handle(exc):
    request = APIRequestFactory().get("/api/v1/")
    with translation.override("en"):
        response = exception_handler(exc, {"request": request, "view": None})
        response.data = {
            key: [str(m) for m in value] if isinstance(value, list) else str(value)
            for key, value in response.data.items()
        }
    return response


def test_api_root_lists_the_resources(org_viewer):
    response = login(org_viewer).get("/api/v1/")

    assert response.status_code == 200
    assert set(response.json()) >= {
        "organizations",
        "sites",
        "risk-areas",
        "material-categories",
        "supply-requests",
        "commitments",
    }
    assert response.json()["risk-areas"].endswith("/api/v1/risk-areas/")


def test_api_root_needs_credentials(db):
    response = Client().get("/api/v1/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_service_validation_error_with_fields_is_400_naming_them():
    response = handle(DjangoValidationError({"credit_code": ["Bad check character."], "city": ["Required."]}))

    assert response.status_code == 400
    assert response.data == {"credit_code": ["Bad check character."], "city": ["Required."]}


def test_service_validation_error_without_field_is_400_non_field_errors():
    response = handle(DjangoValidationError("A withdrawn organisation cannot be approved."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["A withdrawn organisation cannot be approved."]}


def test_integrity_error_from_a_race_is_409_not_500():
    response = handle(IntegrityError("duplicate key value violates unique constraint"))

    assert response.status_code == 409
    assert "conflicts" in str(response.data["detail"])


def test_conflict_is_409_with_its_message():
    response = handle(Conflict("Over-committed."))

    assert response.status_code == 409
    assert response.data == {"detail": "Over-committed."}


@pytest.mark.parametrize(
    ("body", "key"),
    [('{"name_zh": ', "detail"), ("[1, 2]", "non_field_errors"), ('"text"', "non_field_errors"), ("", "name_zh")],
)
def test_malformed_or_wrong_shaped_json_is_400(body, key, org_admin):
    response = login(org_admin).post("/api/v1/sites/", body, content_type="application/json")

    assert response.status_code == 400
    assert key in response.json()


def test_unsupported_media_type_is_415(org_admin):
    response = login(org_admin).post("/api/v1/sites/", "<site/>", content_type="application/xml")

    assert response.status_code == 415


@pytest.mark.parametrize("query", ["page=abc", "page=999", "page=0"])
def test_bad_page_is_404_not_500(query, org_viewer):
    response = login(org_viewer).get(f"/api/v1/organizations/?{query}")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_page_size_is_capped_and_next_links_the_following_page(org_viewer):
    OrganisationFactory.create_batch(3)
    client = login(org_viewer)

    first = client.get("/api/v1/organizations/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    huge = client.get("/api/v1/organizations/", {"page_size": 100000})

    assert len(first["results"]) == 2
    assert "count" not in first  # no list counts its rows (DESIGN.md: results, next)
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert huge.status_code == 200


def test_service_conflict_is_409_with_its_code_and_details():
    response = handle(
        ConflictError("Only 20 L of this request are still open.", code="over_commitment", extra={"remaining": "20"})
    )

    assert response.status_code == 409
    assert response.data == {
        "detail": "Only 20 L of this request are still open.",
        "code": "over_commitment",
        "remaining": "20",
    }


def test_a_service_refusal_is_403_with_its_reason_and_code():
    response = handle(NotAllowed("Only the secretariat can do this.", code="secretariat_only"))

    assert response.status_code == 403
    assert response.data == {"detail": "Only the secretariat can do this.", "code": "secretariat_only"}


def test_an_operating_system_permission_error_is_not_answered_as_403():
    # errno set: a file the server cannot write, not a caller without the right; it stays a server error.
    request = APIRequestFactory().get("/api/v1/")

    assert exception_handler(PermissionError(13, "Permission denied"), {"request": request, "view": None}) is None
