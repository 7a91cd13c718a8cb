"""Lists in the API: django-ninja's paginator, held to the contract of docs/api.md.

`limit` (1-200, default 50, unless a list says otherwise) and `offset` (0-1,000,000) out
of range are a 422, never silently capped as ninja's own LimitOffsetPagination does; the
answer is `{"count": N, "items": [...]}` with `count` over all pages. A view under
`@paginated(LimitOffset)` returns the whole listing, a queryset or a list, or a `Listing`
when each row of the page still has to be turned into its item, or when the answer
carries more than count and items (the paginator's `Output` then names those fields).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_type_hints

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

from cmeledger.api.schemas import MAX_OFFSET

View = TypeVar("View", bound=Callable[..., Any])


def paginated(pagination: type[PaginationBase]) -> Callable[[View], View]:
    """ninja's `@paginate(pagination)`. Our modules postpone annotations (`from __future__
    import annotations`), and ninja reads the wrapped view's as strings in the wrapper's own
    module, where `Query[EntryQuery]` means nothing: resolve them here first."""

    def decorate(view: View) -> View:
        view.__annotations__ = get_type_hints(view, include_extras=True)
        return paginate(pagination)(view)

    return decorate


def _as_is(row: Any) -> Any:
    return row


@dataclass(frozen=True)
class Listing:
    rows: QuerySet | Sequence
    out: Callable[[Any], Any] = _as_is  # run on the page's rows only
    extra: dict[str, Any] = field(default_factory=dict)


class LimitOffset(PaginationBase):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        listing = queryset if isinstance(queryset, Listing) else Listing(queryset)
        rows, start = listing.rows, pagination.offset
        page = rows[start : start + pagination.limit]
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
        return {**listing.extra, "count": count, "items": [listing.out(row) for row in page]}


class UpTo500(LimitOffset):
    """For board staff's long lists (diplomates, rosters)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class UpTo100(LimitOffset):
    """The provider directory, read by people a screen at a time."""

    class Input(Schema):
        limit: int = Field(25, ge=1, le=100)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
