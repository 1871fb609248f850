"""The answering pages: no account, one code, works in WeChat's browser without JavaScript.

Nothing is written before the submission, no session is read or started (sessions are signed
cookies, never rows), no audit row is written (an audit row records the visitor's address), and
the code travels in the POST body only, never in an address that a server log would keep.
Wrong codes are counted per address (a keyed hash, in the cache) and answered with 429 once
too many, so that codes cannot be tried out in bulk; so are all lookups, at a higher limit.
"""

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhongjian.core.errors import DomainError, ValidationError
from zhongjian.core.middleware import request_ip
from zhongjian.core.ratelimit import Limit, rate_gate, rate_hit
from zhongjian.voice.instrument_spec import Instrument
from zhongjian.voice.services.answering import (
    Invitation,
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    invitation_get,
    opened_wave,
    response_submit,
    slip_submit,
)
from zhongjian.voice.services.waves import format_token

GUESS_LIMIT = 30  # wrong codes per address and window
# Any code looked up, valid or not, per address and window: one office behind one address
# answers at once, but nobody checks hundreds of valid slips one after the other.
LOOKUP_LIMIT = settings.VOICE_CODE_LOOKUPS_PER_ADDRESS
GUESS_WINDOW = 600
GUESSES = Limit(scope="voice-token", limit=GUESS_LIMIT, window_seconds=GUESS_WINDOW)
LOOKUPS = Limit(scope="voice-lookup", limit=LOOKUP_LIMIT, window_seconds=GUESS_WINDOW)


@functools.cache
def _done_url() -> str:
    """The thanks page's address, reversed once per process (every submission redirects)."""
    return reverse("voice:answer_done")


def _bucket(request: HttpRequest) -> str:
    return request_ip(request) or "unknown"


def _refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    kind = {TokenInvalid: "invalid", TokenExpired: "expired", TokenUsed: "used"}.get(
        type(error), "invalid"
    )
    return render(
        request,
        "voice/answer_refused.html",
        {"kind": kind, "message": error.message},
        status=error.status_code,
    )


def _read_answers(data: Any, instruments: list[Instrument]) -> dict[str, dict[str, int | None]]:
    """Answers from the form fields ``<instrument>.<item>``; anything not a number is missing."""
    answers: dict[str, dict[str, int | None]] = {}
    for instrument in instruments:
        given = answers[instrument.code] = {}
        prefix = instrument.code + "."
        for item in instrument.items:
            raw = str(data.get(prefix + item.code, "")).strip()
            given[item.code] = int(raw) if raw.lstrip("-").isdigit() else None
    return answers


def _form(
    request: HttpRequest,
    invitation: Invitation,
    *,
    answers: dict[str, dict[str, int | None]] | None = None,
    comment: str = "",
    errors: list[str] | None = None,
) -> HttpResponse:
    instruments = invitation.wave.instruments()
    answers = answers or {}
    sections = [
        {
            "instrument": instrument,
            "items": [
                {
                    "item": item,
                    "name": f"{instrument.code}.{item.code}",
                    "chosen": answers.get(instrument.code, {}).get(item.code),
                    "missing": bool(errors)
                    and answers.get(instrument.code, {}).get(item.code) is None,
                }
                for item in instrument.items
            ],
        }
        for instrument in instruments
    ]
    return render(
        request,
        "voice/answer.html",
        {
            "wave": invitation.wave,
            "code": invitation.code,
            "shown_code": format_token(invitation.code)
            if invitation.token_id is not None
            else _("在线领取的邀请码"),
            "sections": sections,
            "comment": comment,
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    """The one address of answering: no code ever appears in a URL (nor so in any log line).

    GET: a page to type the code (a slip's QR code carries it after ``#``, which the browser
    never sends; a line of script copies it into the field). POST with a code: the questions,
    for any code that exists, used or not. POST with ``submit``: the answers, which spend it.
    """
    if request.method == "GET":
        return render(request, "voice/answer_start.html", {"error": ""})
    bucket = _bucket(request)
    # One round trip to the shared counts: the wrong codes looked at, this lookup counted.
    if not rate_gate(bucket=bucket, check=GUESSES, hit=LOOKUPS):
        return render(request, "voice/answer_refused.html", {"kind": "limited"}, status=429)
    text = request.POST.get("code", "")[:1200]
    if not text.strip():
        return render(
            request,
            "voice/answer_start.html",
            {"error": _("邀请码应为 16 位字母和数字，请核对后重新输入。")},
            status=400,
        )
    today = timezone.localdate()
    if "submit" in request.POST and (wave := opened_wave(request.POST.get("wave"))) is not None:
        # A slip's answers for the wave its form names: one statement looks the slip up, spends
        # it and stores the response. Anything else (a wrong code, a closed wave, incomplete
        # answers) goes the long way below, which says what is wrong.
        try:
            if slip_submit(
                wave=wave,
                text=text,
                answers=_read_answers(request.POST, wave.instruments()),
                comment=request.POST.get("comment", "")[:2000],
                today=today,
            ):
                return HttpResponseRedirect(_done_url())
        except TokenUsed as error:
            return _refusal(request, error)
        except ValidationError:
            pass
    try:
        invitation = invitation_get(text=text, today=today)
    except TokenInvalid as error:
        rate_hit(
            scope=GUESSES.scope,
            bucket=bucket,
            limit=GUESSES.limit,
            window_seconds=GUESSES.window_seconds,
        )
        return _refusal(request, error)
    except TokenExpired as error:
        return _refusal(request, error)
    if "submit" not in request.POST:
        return _form(request, invitation)
    answers = _read_answers(request.POST, invitation.wave.instruments())
    comment = request.POST.get("comment", "")[:2000]
    try:
        response_submit(invitation=invitation, answers=answers, comment=comment, today=today)
    except (TokenExpired, TokenUsed) as error:
        return _refusal(request, error)
    except ValidationError as error:
        return _form(request, invitation, answers=answers, comment=comment, errors=error.errors)
    return HttpResponseRedirect(_done_url())


def answer_done(request: HttpRequest) -> HttpResponse:
    return render(request, "voice/answer_done.html")
