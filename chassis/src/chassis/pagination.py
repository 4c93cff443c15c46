"""Keyset (cursor) pagination: ``?limit=1..100&cursor=<opaque>`` → ``{items, next_cursor}``.

The cursor is the sort key of the last item on the page, base64url-encoded JSON. It is opaque
to clients; a cursor that does not decode is a client mistake (422), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from chassis.errors import Unprocessable

T = TypeVar("T")
M = TypeVar("M", bound=Model)

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams:
    def __init__(self, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> None:
        self.limit = limit
        self.cursor = cursor


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1 to 100.")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="Opaque cursor from the previous page."),
    ] = None,
) -> PageParams:
    """``?limit&cursor``. A coroutine on purpose: FastAPI runs a plain callable dependency (a
    class included) in a worker thread, one thread hop per request."""
    return PageParams(limit=limit, cursor=cursor)


Pagination = Annotated[PageParams, Depends(page_params)]


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, UUID):
        return str(value)
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dt"}:
        return datetime.fromisoformat(value["dt"])
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != length:
            raise ValueError("wrong shape")
        decoded = [_decode_value(v) for v in values]
        if any(isinstance(v, (dict, list)) for v in decoded):
            raise ValueError("wrong value type")
        return decoded
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError, OverflowError) as exc:
        raise Unprocessable("Invalid cursor", code="invalid_cursor") from exc


def _after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the ordering ``fields`` [(name, descending)]."""
    clauses = []
    for i, (name, descending) in enumerate(fields):
        equal = {fields[j][0]: values[j] for j in range(i)}
        op = "lt" if descending else "gt"
        clauses.append(Q(**equal, **{f"{name}__{op}": values[i]}))
    result = clauses[0]
    for clause in clauses[1:]:
        result = result | clause
    # The OR form alone gives the planner no range on the leading column, so a deep page
    # would filter every row before it. This redundant bound becomes the index condition.
    lead, lead_descending = fields[0]
    bound = Q(**{f"{lead}__{'lte' if lead_descending else 'gte'}": values[0]})
    return bound & result


async def keyset_page(
    queryset: QuerySet[M],
    params: PageParams,
    *,
    order_by: tuple[str, ...] = ("-created_at", "-id"),
) -> tuple[list[M], str | None]:
    """One page of ``queryset`` in ``order_by`` order; the last field must be unique (the id)."""
    fields = [(f.lstrip("-"), f.startswith("-")) for f in order_by]
    if params.cursor:
        raw = decode_cursor(params.cursor, length=len(fields))
        fields_map = queryset.model._meta.fields_map
        try:
            # Coerce each value to its column's type, so a forged cursor fails here, not in SQL.
            values = [
                fields_map[name].to_python_value(value)
                for (name, _), value in zip(fields, raw, strict=True)
            ]
            if any(v is None for v in values):
                raise ValueError("null in cursor")
            if any(isinstance(v, int) and not INT64_MIN <= v <= INT64_MAX for v in values):
                raise ValueError("integer out of range")
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise Unprocessable("Invalid cursor", code="invalid_cursor") from exc
        queryset = queryset.filter(_after(fields, values))
    rows = await queryset.order_by(*order_by).limit(params.limit + 1)
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, name) for name, _ in fields])
    return rows, next_cursor
