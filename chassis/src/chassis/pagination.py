"""Keyset (cursor) pagination: ``?limit=1..100&cursor=<opaque>`` → ``{items, next_cursor}``.

The cursor is the sort key of the last item on the page, base64url-encoded JSON. It is opaque
to clients; a cursor that does not decode is a client mistake (400 ``invalid_cursor``), never
a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from chassis.errors import BadRequest

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


CursorKind = Literal["bool", "int32", "int64", "float", "uuid", "datetime", "str"]
_INT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (INT64_MIN, INT64_MAX)}
# A cursor is made from a stored row; a timestamp outside these years was forged, and near
# Postgres's own limits date arithmetic in a query would fail on it.
_YEARS = (1900, 2999)


def invalid_cursor() -> BadRequest:
    return BadRequest("Invalid cursor", code="invalid_cursor")


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, UUID):
        return str(value)
    return value


def _decode_value(value: Any, kind: CursorKind) -> Any:
    """``value`` as ``kind``, or ValueError. Exact JSON types: a bool is no int, a string no id."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
    elif kind in _INT_RANGE:
        low, high = _INT_RANGE[kind]
        if type(value) is int and low <= value <= high:
            return value
    elif kind == "float":
        if type(value) in (int, float) and math.isfinite(value):
            return float(value)
    elif kind == "uuid":
        if isinstance(value, str):
            return UUID(value)
    elif kind == "datetime":
        if isinstance(value, dict) and set(value) == {"dt"} and isinstance(value["dt"], str):
            moment = datetime.fromisoformat(value["dt"])
            if moment.tzinfo is not None and _YEARS[0] <= moment.year <= _YEARS[1]:
                return moment
    elif kind == "str" and isinstance(value, str):
        return value
    raise ValueError(f"not a {kind}")


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_json(cursor: str) -> list[Any]:
    padded = cursor + "=" * (-len(cursor) % 4)
    # parse_constant refuses NaN and Infinity, which are not JSON.
    values = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_refuse_constant)
    if not isinstance(values, list):
        raise ValueError("not a list")
    return values


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def decode_cursor(cursor: str, kinds: Sequence[CursorKind]) -> list[Any]:
    """The values of ``cursor``, one per ``kinds`` entry and typed as it says; anything else,
    however it is malformed, is a 400 ``invalid_cursor``, never a 500 further down."""
    try:
        values = _decode_json(cursor)
        if len(values) != len(kinds):
            raise ValueError("wrong length")
        return [_decode_value(v, k) for v, k in zip(values, kinds, strict=True)]
    except (
        ValueError,
        binascii.Error,
        UnicodeDecodeError,
        TypeError,
        OverflowError,
        RecursionError,
    ) as exc:
        raise invalid_cursor() from exc


_FIELD_KINDS: dict[str, CursorKind] = {
    "UUIDField": "uuid",
    "DatetimeField": "datetime",
    "IntField": "int32",
    "SmallIntField": "int32",
    "BigIntField": "int64",
    "FloatField": "float",
    "BooleanField": "bool",
    "CharField": "str",
    "TextField": "str",
}


def _kind_of(field: Any) -> CursorKind:
    """The cursor kind of a Tortoise field."""
    return _FIELD_KINDS[type(field).__name__]


def keyset_where(
    columns: Sequence[str], values: Sequence[Any], *, descending: bool, first_param: int = 1
) -> tuple[str, list[Any]]:
    """For a hand-written keyset query: ``(c1, c2, id) < ($1, $2, $3)`` (``>`` ascending) and
    its parameters. One row comparison is one index range to Postgres, so a deep page starts
    where the last ended; every key must sort in the same direction. ``columns`` are SQL the
    caller wrote (never input); the values are the decoded cursor's."""
    if not columns or len(columns) != len(values):
        raise ValueError("one value per column")
    placeholders = ", ".join(f"${first_param + i}" for i in range(len(columns)))
    operator = "<" if descending else ">"
    return f"(({', '.join(columns)}) {operator} ({placeholders}))", list(values)


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
        fields_map = queryset.model._meta.fields_map
        values = decode_cursor(params.cursor, [_kind_of(fields_map[name]) for name, _ in fields])
        queryset = queryset.filter(_after(fields, values))
    rows = await queryset.order_by(*order_by).limit(params.limit + 1)
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, name) for name, _ in fields])
    return rows, next_cursor
