"""Reads of accounts: a user's own API tokens."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from zhongjian.accounts.models import ApiToken


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(*, user: Any, pk: object) -> ApiToken:
    """One of the user's own tokens; anybody else's is a 404."""
    return get_object_or_404(ApiToken, user=user, pk=pk)
