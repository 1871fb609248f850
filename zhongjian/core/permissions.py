"""The one scoping mechanism: which roles may open a page, and which rows a user may see.

A page the role may not open answers 403; an object outside the user's scope answers 404, so that
its existence is not revealed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from zhongjian.accounts.roles import Role

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What a user may see: a county, optionally narrowed to units or to their own cadre record."""

    role: str
    county_id: int | None
    unit_ids: frozenset[int] | None  # None: every unit of the county
    cadre_id: int | None

    @property
    def is_county_wide(self) -> bool:
        return self.role == Role.ORG_DEPARTMENT and self.county_id is not None


def scope_for(user: Any) -> Scope:
    """The scope of a signed-in user; an anonymous or unassigned user sees nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(role="", county_id=None, unit_ids=frozenset(), cadre_id=None)
    role = user.role
    if role == Role.ORG_DEPARTMENT:
        return Scope(role=role, county_id=user.county_id, unit_ids=None, cadre_id=None)
    if role == Role.UNIT_HEAD:
        units = frozenset({user.unit_id}) if user.unit_id else frozenset()
        return Scope(role=role, county_id=user.county_id, unit_ids=units, cadre_id=None)
    return Scope(role=role, county_id=user.county_id, unit_ids=frozenset(), cadre_id=user.cadre_id)


def scoped(
    queryset: QuerySet[M],
    user: Any,
    *,
    unit_field: str | None = "unit_id",
    county_field: str = "county_id",
    cadre_field: str | None = None,
    joined: tuple[str, ...] = (),
) -> QuerySet[M]:
    """Narrow QUERYSET to the rows USER may see.

    Registry rows are visible county-wide to the organization department and unit-wide to a unit
    head; a cadre sees only rows that are theirs (through `cadre_field`); every other role sees
    none of them. JOINED names relations the query joins (select_related): a related row is of
    the row's own county, and saying so lets the database read it through the county's index
    instead of joining against every county's rows (and keeps the join on one shard).
    """
    scope = scope_for(user)
    if scope.county_id is None:
        return queryset.none()
    queryset = queryset.filter(
        **{county_field: scope.county_id},
        **{f"{relation}__county_id": scope.county_id for relation in joined},
    )
    if scope.is_county_wide:
        return queryset
    if scope.role == Role.UNIT_HEAD and unit_field is not None:
        return queryset.filter(**{f"{unit_field}__in": scope.unit_ids})
    if scope.role == Role.CADRE and cadre_field is not None and scope.cadre_id is not None:
        return queryset.filter(**{cadre_field: scope.cadre_id})
    return queryset.none()


def registry_row_visible(user: Any, row: Any) -> bool:
    """Whether USER may open the registry page of ROW (a unit's post, a cadre), as `scoped`
    decides for registry rows: the organization department in its county, a unit head in its
    unit. Pages use it to show a link only where it leads somewhere (a cadre's history names
    posts of other units; a post's history names cadres who have since moved)."""
    scope = scope_for(user)
    if scope.county_id is None or getattr(row, "county_id", None) != scope.county_id:
        return False
    if scope.is_county_wide:
        return True
    return scope.role == Role.UNIT_HEAD and getattr(row, "unit_id", None) in (scope.unit_ids or ())


def get_scoped_or_404(queryset: QuerySet[M], user: Any, pk: object, **scope_kwargs: Any) -> M:
    try:
        return scoped(queryset, user, **scope_kwargs).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_roles(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: sign-in required, and a user of another role gets 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.role not in roles:  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
