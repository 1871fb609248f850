"""Shared pieces of the JSON API: the error schema, bounded pagination, input types, the caller."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, StringConstraints

# Largest value of a BigAutoField; larger ids are refused as input before reaching the database.
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


class ErrorOut(Schema):
    """Every error: a sentence for people and the list of what was wrong (may be empty)."""

    detail: str
    errors: list[Any]


# The error answers an operation may give, for the OpenAPI schema.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}

ObjectId = Path[int, {"ge": 1, "le": MAX_ID}]
OptionalId = Annotated[int, Field(ge=1, le=MAX_ID)] | None


def Text(max_length: int, *, min_length: int = 1) -> Any:  # noqa: N802 (a type factory)
    """A string of at most MAX_LENGTH characters without control characters (PostgreSQL refuses
    NUL, and none belongs in a name), stripped of surrounding spaces."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=min_length,
            max_length=max_length,
            pattern=r"^[^\x00-\x1f\x7f]*$",
        ),
    ]


def Code(max_length: int) -> Any:  # noqa: N802 (a type factory)
    """A code (单位代码, 人员编号): no spaces, no control characters."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=1,
            max_length=max_length,
            pattern=r"^[^\s\x00-\x1f\x7f]+$",
        ),
    ]


def _registry_date(day: datetime.date) -> datetime.date:
    if not 1900 <= day.year <= 2100:
        raise ValueError("日期应在 1900 年至 2100 年之间")
    return day


RegistryDate = Annotated[datetime.date, AfterValidator(_registry_date)]


class Pagination(PageNumberPagination):
    """The API's one pagination style: `?page=N&page_size=M`, answering `{items, count}`.

    Bounded, so that no page number overflows a database offset."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


def api_user(request: HttpRequest, *roles: str) -> Any:
    """The caller (by token or session), refused with 403 unless their role is one of ROLES."""
    auth = getattr(request, "auth", None)
    user = auth if getattr(auth, "is_authenticated", False) else request.user
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied
    return user
