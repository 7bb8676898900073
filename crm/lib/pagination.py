"""A paginator that shows a page whatever the URL says (``?page=-1``, ``?page=abc``,
``?page=99999999999``, ``?per_page=0``): the first or the last page, never an error.

django-tables2 reads ``page`` and ``per_page`` from the query string and hands them over as they
are; a bookmark, a typo or a scanner then must not turn into a 500 or into one huge page."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

MAX_PER_PAGE = 100


def per_page_clamped(value, default: int = 25) -> int:
    """``value`` as rows per page between 1 and ``MAX_PER_PAGE``, else ``default``."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(n, 1), MAX_PER_PAGE)


class SafePaginator(Paginator):
    """Rows per page kept between 1 and ``MAX_PER_PAGE``; an invalid page number shows the first
    page, one past the end the last."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, per_page_clamped(per_page), *args, **kwargs)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except PageNotAnInteger:
            return 1
        except EmptyPage:
            return 1 if int(number) < 1 else self.num_pages
