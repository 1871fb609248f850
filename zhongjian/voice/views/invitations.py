"""Online codes for signed-in cadres: the list of their open surveys and the blind draw.

The draw is a JSON POST of the blinded message (hex) answered with the blind signature: the
page's script (static/zhongjian/blind.js) does the blinding and unblinding, so the server never
holds the code it signs.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.core.errors import DomainError
from zhongjian.core.permissions import require_roles
from zhongjian.voice.services.board import POSTER_ROLES
from zhongjian.voice.services.invitations import (
    code_draw,
    group_public_key,
    online_invitation_get,
    online_invitations,
)

MAX_BLINDED_HEX = 2048


@require_roles(*POSTER_ROLES)
def my_surveys_view(request: HttpRequest) -> HttpResponse:
    invitations = online_invitations(actor=request.user, today=timezone.localdate())
    return render(request, "voice/my_surveys.html", {"invitations": invitations})


@require_roles(*POSTER_ROLES)
def my_survey_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = online_invitation_get(actor=request.user, wave_id=pk, today=timezone.localdate())
    public = group_public_key(group_id=invitation.group_id) if not invitation.drawn else None
    return render(
        request,
        "voice/my_survey.html",
        {
            "invitation": invitation,
            "modulus": format(public.n, "x") if public else "",
            "exponent": public.e if public else 0,
        },
    )


@require_POST
@require_roles(*POSTER_ROLES)
def code_draw_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        blinded_hex = str(json.loads(request.body or b"{}").get("blinded", ""))
        if not 0 < len(blinded_hex) <= MAX_BLINDED_HEX:
            raise ValueError
        blinded = bytes.fromhex(blinded_hex)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return JsonResponse(
            {"detail": _("领取请求无效，请刷新页面后重试。"), "errors": []},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        signature = code_draw(
            actor=request.user, wave_id=pk, blinded=blinded, today=timezone.localdate()
        )
    except DomainError as error:
        return JsonResponse(
            {"detail": error.message, "errors": error.errors},
            status=error.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse({"blind_sig": signature.hex()})
