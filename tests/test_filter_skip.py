"""A list asked for without any filter parameter skips its filter set (alliance_portal.filters.StrictFilterBackend):
only where every filter leaves the rows as they are without its parameter; with a parameter it filters as before."""

import django_filters
import pytest

from alliance_portal.api_urls import router
from alliance_portal.filters import StrictFilterBackend, _parameters_if_skippable
from supply.models import SupplyRequest

from .api_helpers import api_client

FILTERSETS = {
    viewset.filterset_class
    for _prefix, viewset, _basename in router.registry
    if getattr(viewset, "filterset_class", None) is not None
}


@pytest.mark.parametrize("filterset_class", sorted(FILTERSETS, key=lambda cls: cls.__qualname__))
def test_every_list_filter_set_may_be_skipped_and_names_its_parameters(filterset_class):
    assert _parameters_if_skippable(filterset_class) == frozenset(filterset_class.base_filters)


def test_a_filter_set_that_does_something_without_its_parameter_is_never_skipped():
    class Always(django_filters.CharFilter):
        def filter(self, qs, value):
            return qs.filter(status="approved")

    class Required(django_filters.FilterSet):
        status = django_filters.CharFilter(required=True)

        class Meta:
            model = SupplyRequest
            fields: list[str] = []

    class Custom(django_filters.FilterSet):
        status = Always()

        class Meta:
            model = SupplyRequest
            fields: list[str] = []

    assert _parameters_if_skippable(Required) is None
    assert _parameters_if_skippable(Custom) is None


class _View:
    filterset_class = None


def test_without_parameters_the_filter_set_is_not_built(rf, monkeypatch):
    from supply.filters import SupplyRequestFilter

    built = []
    monkeypatch.setattr(StrictFilterBackend, "get_filterset", lambda *args: built.append(args) or None)
    view = _View()
    view.filterset_class = SupplyRequestFilter
    queryset = SupplyRequest.objects.all()
    from rest_framework.request import Request

    assert StrictFilterBackend().filter_queryset(Request(rf.get("/", {"page": "2"})), queryset, view) is queryset
    assert built == []
    StrictFilterBackend().filter_queryset(Request(rf.get("/", {"status": "approved"})), queryset, view)
    StrictFilterBackend().filter_queryset(Request(rf.get("/", {"updated_since_x": "1"})), queryset, view)
    assert len(built) == 2


@pytest.mark.django_db
def test_a_bad_filter_value_is_still_a_400_and_a_good_one_still_filters(request):
    client = api_client("secretariat", request)
    assert client.get("/api/v1/supply-requests/", {"stale": "maybe"}).status_code == 400
    response = client.get("/api/v1/supply-requests/", {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()
