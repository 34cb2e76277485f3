"""Every writable text of the API is bounded like its column (and every list has a length), so no input reaches the
database too long to store (a 500) or unbounded (a 10,000-character note): the test walks every serializer of the
project and fails naming the field. A shape the API only answers with derives from OutputSerializer."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import get_resolver
from rest_framework import serializers

from alliance_portal.api import OutputSerializer

PROJECT_APPS = {"alliance_portal", "members", "supply", "notices", "donations", "assistance", "dashboard"}


def _all_serializers() -> list[type[serializers.Serializer]]:
    get_resolver().url_patterns  # import every view, and with them every serializer  # noqa: B018
    found, todo = set(), [serializers.Serializer]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(
        (s for s in found if s.__module__.split(".")[0] in PROJECT_APPS and not issubclass(s, OutputSerializer)),
        key=lambda s: (s.__module__, s.__name__),
    )


def _column(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _problems(serializer_class) -> list[str]:
    try:
        fields = serializer_class().fields
    except Exception as error:  # a serializer that needs context to build its fields is checked through its users
        return [] if "context" in str(error) or "request" in str(error) else [f"cannot build: {error}"]
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    problems = []
    for name, field in fields.items():
        if field.read_only:
            continue
        where = f"{serializer_class.__module__}.{serializer_class.__name__}.{name}"
        if isinstance(field, serializers.ListField) and field.max_length is None:
            problems.append(f"{where}: a list without max_length")
        if not isinstance(field, serializers.CharField) or isinstance(field, serializers.ChoiceField):
            continue
        column = _column(model, field.source if field.source not in (None, "*") else name) if model else None
        limit = getattr(column, "max_length", None) if isinstance(column, models.Field) else None
        if field.max_length is None:
            problems.append(f"{where}: a writable text without max_length")
        elif limit is not None and field.max_length > limit:
            problems.append(f"{where}: max_length {field.max_length} above its column's {limit}")
    return problems


def test_every_writable_text_and_list_of_the_api_is_bounded_like_its_column(db):
    problems = [p for serializer in _all_serializers() for p in _problems(serializer)]
    assert not problems, "\n".join(problems)


def test_the_walk_finds_the_api_s_serializers():
    names = {s.__name__ for s in _all_serializers()}
    assert {"OrganizationWriteSerializer", "SupplyRequestWriteSerializer", "NoticeWriteSerializer"} <= names


@pytest.mark.parametrize(
    "model_label, field",
    [
        ("members.Organisation", "description_zh"),
        ("supply.SupplyRequest", "justification"),
        ("supply.Commitment", "notes"),
        ("notices.Notice", "body_en"),
        ("donations.Appeal", "description_en"),
    ],
)
def test_free_text_columns_carry_their_limit_into_model_validation(model_label, field):
    column = apps.get_model(model_label)._meta.get_field(field)
    assert column.max_length, f"{model_label}.{field} has no limit"
    assert any(getattr(v, "limit_value", None) == column.max_length for v in column.validators)


def test_a_robot_secret_longer_than_its_column_is_a_400_naming_it(request, org):
    from .api_helpers import api_client

    body = {"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x", "secret": "s" * 300}
    response = api_client("org_admin", request).post("/api/v1/chat-robots/", body, content_type="application/json")
    assert response.status_code == 400
    assert "secret" in response.json()


def test_a_text_over_its_limit_only_by_surrounding_spaces_is_refused_as_sent(request, org):
    """DRF trims before it measures: the documented maxLength holds for the value as sent."""
    from .api_helpers import api_client

    limit = 200
    body = {"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x"}
    client = api_client("org_admin", request)

    padded = client.post("/api/v1/chat-robots/", {**body, "secret": " " + "s" * limit}, content_type="application/json")
    assert padded.status_code == 400
    assert "200" in padded.json()["secret"][0]

    fits = client.post("/api/v1/chat-robots/", {**body, "secret": " s "}, content_type="application/json")
    assert fits.status_code == 201, fits.content
