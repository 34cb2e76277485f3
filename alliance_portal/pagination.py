"""Pages without a total count (the API contract's "results, next"), for every list (settings.REST_FRAMEWORK's
default pagination): the page reads one row more than it shows to know whether there is a `next`, so a page costs
one query, the same with a thousand rows or a million, and no COUNT.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from alliance_portal.api import Pagination

LARGEST_OFFSET = 2**63 - 1  # a signed 64-bit integer: PostgreSQL's and SQLite's largest OFFSET


class UncountedPagination(Pagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param, "1")
        try:
            self.page_number = int(raw)
        except ValueError:
            self.page_number = 0
        if self.page_number < 1:
            raise NotFound(_("Invalid page."))
        offset = (self.page_number - 1) * page_size
        if offset + page_size + 1 > LARGEST_OFFSET:
            # Past the last page of any table; the database could not even count that far (a 64-bit OFFSET).
            raise NotFound(_("Invalid page."))
        rows = list(queryset[offset : offset + page_size + 1])
        if not rows and self.page_number > 1:
            raise NotFound(_("Invalid page."))
        self.has_next = len(rows) > page_size
        return rows[:page_size]

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.page_number + 1)

    def get_previous_link(self):
        if self.page_number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.page_number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page_number - 1)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }
