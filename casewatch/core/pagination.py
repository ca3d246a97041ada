"""Page sizes of the list pages: 50 rows on screen; the print view (``?print=1``) shows whole
tables, up to `PRINT_ROWS` (a print-out beyond that is an export's job)."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_ROWS = 50
PRINT_ROWS = 5000


def page_size(request, default: int = PAGE_ROWS) -> int:
    return PRINT_ROWS if request.GET.get("print") else default


def paginate(request, qs, default: int = PAGE_ROWS):
    """The requested page of `qs` (screen) or its first `PRINT_ROWS` rows (print view)."""
    return Paginator(qs, page_size(request, default)).get_page(
        None if request.GET.get("print") else request.GET.get("page")
    )
