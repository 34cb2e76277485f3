"""The per-process memo of the material categories (members.selectors.category_index), which the queue's category
filter and the organisations' API list read: a category added, renamed or deleted shows at once in this process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from members.models import MaterialCategory
from supply.forms import category_filter_choices

from .factories import MaterialCategoryFactory

pytestmark = pytest.mark.django_db


def test_the_filter_lists_material_categories_in_order_and_follows_changes_without_asking_again():
    with translation.override("en"):
        category_filter_choices()
        with CaptureQueriesContext(connection) as queries:
            before = category_filter_choices()
        assert len(queries) == 0  # read from the memo
        added = MaterialCategoryFactory(
            code="zz-new-resist", name_en="New resist", sort_order=999, group=MaterialCategory.Group.MATERIAL
        )
        MaterialCategoryFactory(code="zz-masks", group=MaterialCategory.Group.EMERGENCY)
        after = category_filter_choices()
        assert after == [*before, ("zz-new-resist", "New resist")]  # last by its sort order; no emergency goods
        added.name_en = "Renamed resist"
        added.save()
        assert category_filter_choices()[-1] == ("zz-new-resist", "Renamed resist")
        added.delete()
        assert category_filter_choices() == before
