"""我的账号: the signed-in user's personal API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.selectors import token_get, token_list
from zhongjian.accounts.services import token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"), max_length=64, help_text=_("用于区分用途，如“数据同步脚本”")
    )


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """The token list; a POST makes a token and shows it this once."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": token_list(user=request.user), "new_token": raw},
    )
    # The page that shows a new token must not stay in any cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token_revoke(user=request.user, token=token_get(user=request.user, pk=pk))
    messages.success(request, _("令牌已吊销，使用它的程序将无法再访问。"))
    return redirect("accounts:tokens")
