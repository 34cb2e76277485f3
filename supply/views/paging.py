"""Paging for the queues without counting them: a page is its rows plus one, the extra row only saying that there
is a next page. The queues can hold many thousands of open requests, and a COUNT over all of them on every view
would cost more than the page itself (the page is one indexed scan of the partial queue index)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class QueuePage:
    object_list: list
    number: int
    has_next: bool
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def queue_page(queryset: QuerySet, *, page: str | None, per_page: int) -> QueuePage:
    """The page asked for; a page number that is not a positive number is the first page."""
    try:
        number = max(int(page or 1), 1)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return QueuePage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page, per_page=per_page)
