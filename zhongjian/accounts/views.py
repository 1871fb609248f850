"""我的账号 (the signed-in user's account: password, API tokens, grants to confirm) and the
组织部's password reset of unit heads' and cadres' accounts."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.models import RoleGrant, User
from zhongjian.accounts.roles import RESETTABLE_BY_ORG, Role
from zhongjian.accounts.selectors import grants_to_decide, token_get, token_list
from zhongjian.accounts.services import (
    can_decide_grant,
    grant_decide,
    password_change,
    password_reset,
    token_create,
    token_revoke,
)
from zhongjian.core.errors import ValidationError
from zhongjian.core.forms import Form
from zhongjian.core.permissions import require_roles


class TokenForm(Form):
    name = forms.CharField(
        label=_("令牌名称"), max_length=64, help_text=_("用于区分用途，如“数据同步脚本”")
    )


class PasswordForm(Form):
    old_password = forms.CharField(
        label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return data


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    """Who I am, what I may see, when I last signed in and changed my password."""
    user = request.user
    return _no_store(
        render(
            request,
            "accounts/account.html",
            {
                "account": user,
                "tokens": token_list(user=user).filter(revoked_at__isnull=True)[:10],
                "grants": grants_to_decide(user=user),
            },
        )
    )


@login_required
def password_page(request: HttpRequest) -> HttpResponse:
    """Change my own password; a one-time password sends the user here until it is changed."""
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            for error in exc.errors or [exc.message]:
                form.add_error("new_password" if exc.errors else "old_password", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改；原有的 API 令牌已全部吊销。"))
            return redirect("accounts:account")
    return _no_store(render(request, "accounts/password.html", {"form": form}))


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """The token list; a POST makes a token and shows it this once."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    # The page that shows a new token must not stay in any cache.
    return _no_store(
        render(
            request,
            "accounts/tokens.html",
            {"form": form, "tokens": token_list(user=request.user), "new_token": raw},
        )
    )


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token_revoke(user=request.user, token=token_get(user=request.user, pk=pk))
    messages.success(request, _("令牌已吊销，使用它的程序将无法再访问。"))
    return redirect("accounts:tokens")


def _resettable(request: HttpRequest):  # type: ignore[no-untyped-def]
    return User.objects.filter(
        county_id=request.user.county_id,  # type: ignore[union-attr]
        role__in=RESETTABLE_BY_ORG,
    ).select_related("unit")


@require_roles(Role.ORG_DEPARTMENT)
def user_list(request: HttpRequest) -> HttpResponse:
    """The county's unit-head and cadre accounts, for a password reset."""
    query = request.GET.get("q", "").strip()[:64]
    rows = _resettable(request).order_by("unit_id", "username")
    if query:
        rows = rows.filter(username__icontains=query) | rows.filter(display_name__icontains=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return _no_store(render(request, "accounts/users.html", {"page": page, "q": query}))


@require_POST
@require_roles(Role.ORG_DEPARTMENT)
def password_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset one account's password and show the one-time password on this response only."""
    target = get_object_or_404(_resettable(request), pk=pk)
    password = password_reset(actor=request.user, target=target)
    return _no_store(
        render(request, "accounts/password_reset.html", {"target": target, "password": password})
    )


@require_POST
@login_required
def grant_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=pk)
    if not can_decide_grant(actor=request.user, grant=grant):
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    grant_decide(actor=request.user, grant=grant, confirm=confirm)
    messages.success(request, _("授权已确认。") if confirm else _("授权已拒绝。"))
    return redirect("accounts:account")
