"""Reads of accounts: a user's own API tokens and the role grants they may confirm."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from zhongjian.accounts.models import ApiToken, GrantStatus, RoleGrant
from zhongjian.accounts.roles import Role


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(*, user: Any, pk: object) -> ApiToken:
    """One of the user's own tokens; anybody else's is a 404."""
    return get_object_or_404(ApiToken, user=user, pk=pk)


def grants_to_decide(*, user: Any) -> list[RoleGrant]:
    """Pending role grants that USER may confirm (三员分立's second person)."""
    from zhongjian.accounts.services import can_decide_grant

    pending = RoleGrant.objects.filter(status=GrantStatus.PENDING).select_related(
        "user", "county", "unit", "requested_by"
    )
    if getattr(user, "role", None) == Role.ORG_DEPARTMENT:
        pending = pending.filter(county_id=user.county_id).exclude(role=Role.AUDITOR)
    elif getattr(user, "role", None) == Role.AUDITOR:
        pending = pending.filter(role=Role.AUDITOR)
    else:
        return []
    return [grant for grant in pending[:50] if can_decide_grant(actor=user, grant=grant)]
