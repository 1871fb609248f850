"""Answering a wave by code: checks, scoring, masking, and the single-use submission.

A code is a paper slip's 16 characters, or an online code: a group's RSA blind signature
(blind.py) on a message the cadre's browser chose. Looking a code up says whether it exists
and the wave is open, never whether it was used: only a submission spends it.

Nothing is written before the submission, and the submission spends the code and writes the
anonymous response in one transaction. The conditional UPDATE on a slip's row (or the unique
insert of an online code's hash) is what makes a code single-use under concurrent submits: of
two transactions the second sees it used once the first commits and stores nothing. The spend
and the response share that transaction's id until the next re-shuffle (anonymity.py), which
rewrites both tables in a random order in one transaction.
"""

import base64
import binascii
import datetime
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from zhongjian.core.crypto import keyed_hash
from zhongjian.core.errors import Conflict, DomainError, NotFound, ValidationError
from zhongjian.core.textmask import NameMatcher, mask_pii, name_matcher
from zhongjian.org.models import Cadre
from zhongjian.voice import blind
from zhongjian.voice.choices import WaveStatus
from zhongjian.voice.instrument_spec import Instrument
from zhongjian.voice.models import (
    InstrumentResult,
    Response,
    SpentToken,
    Wave,
    WaveGroup,
    WaveGroupKey,
    WaveToken,
)
from zhongjian.voice.scoring import Score, score_answers
from zhongjian.voice.services.waves import normalize_token, token_digest

MAX_COMMENT = 1000
Answers = Mapping[str, Mapping[str, int | None]]


class TokenInvalid(NotFound):
    """Malformed, unknown or forged: the page says only that the code is not valid."""


class TokenUsed(Conflict):
    pass


class TokenExpired(DomainError):
    status_code = 410


ONLINE_PREFIX = "Z1"
INVALID = _("邀请码无效。请核对后重新输入，或联系发放问卷的同志。")


@dataclass(frozen=True)
class Invitation:
    """A code that exists for an open wave; used or not is only known by spending it."""

    code: str  # the code as typed (a slip's 16 characters, or the online code)
    wave: Wave
    group: WaveGroup
    token_id: uuid.UUID | None = None  # a slip's row
    digest: str = ""  # an online code's keyed hash, recorded when it is spent


@dataclass(frozen=True)
class Submission:
    code: str
    answers: Answers
    comment: str = ""


def online_code(*, group_id: int, message: bytes, signature: bytes) -> str:
    """The text of an online code: group, message and signature (base64url), dot-separated."""

    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")

    return f"{ONLINE_PREFIX}.{group_id}.{encode(message)}.{encode(signature)}"


def _parse_online(text: str) -> tuple[int, bytes, bytes] | None:
    parts = text.strip().split(".")
    if len(parts) != 4 or parts[0] != ONLINE_PREFIX or not parts[1].isdigit():
        return None
    try:
        message, signature = (
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in parts[2:]
        )
    except (binascii.Error, ValueError):
        return None
    if len(message) != blind.MESSAGE_LENGTH or len(signature) > 1024 or len(parts[1]) > 18:
        return None
    return int(parts[1]), message, signature


def _check_open(wave: Wave, today: datetime.date) -> None:
    if wave.status != WaveStatus.OPEN or wave.closes_on < today:
        raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))


def invitation_get(*, text: str, today: datetime.date) -> Invitation:
    """The open invitation behind a code; raises TokenInvalid or TokenExpired.

    A used code is returned like an unused one: telling them apart would let whoever handed
    out the codes learn who has answered (only response_submit finds out, by spending it).
    """
    online = _parse_online(text) if text.startswith(ONLINE_PREFIX) else None
    if online is not None:
        group_id, message, signature = online
        key = WaveGroupKey.objects.select_related("wave", "group").filter(group_id=group_id).first()
        if key is None or not blind.verify(
            blind.PublicKey(n=int(key.modulus, 16), e=key.exponent), message, signature
        ):
            raise TokenInvalid(INVALID)
        _check_open(key.wave, today)
        return Invitation(
            code=text.strip(),
            wave=key.wave,
            group=key.group,
            digest=keyed_hash(message.hex(), purpose="voice-online-code"),
        )
    code = normalize_token(text)
    token = (
        WaveToken.objects.select_related("wave", "group").filter(digest=token_digest(code)).first()
        if code
        else None
    )
    if token is None or code is None:
        raise TokenInvalid(INVALID)
    _check_open(token.wave, today)
    if not token.cipher:
        raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))
    return Invitation(code=code, wave=token.wave, group=token.group, token_id=token.pk)


# Per process: (county) -> (checked at, version stamp). The stamp's full aggregate over the
# county's cadres costs more than the rest of a submission, so it is redone only when the
# newest cadre key moved, a cadre was saved or deleted (signals), or a minute has passed.
_NAME_STAMPS: dict[int, tuple[float, tuple[object, ...]]] = {}
NAME_STAMP_SECONDS = 60


def forget_name_stamps(**_kwargs: object) -> None:
    _NAME_STAMPS.clear()


def registry_name_matcher(*, county_id: int) -> NameMatcher:
    """The matcher of every registered cadre's name in the county, rebuilt when names change."""
    cadres = Cadre.objects.filter(county_id=county_id)
    now = time.monotonic()
    # The newest key is one index lookup and moves with every insert, bulk ones included.
    top = cadres.aggregate(top=Max("pk"))["top"]
    checked = _NAME_STAMPS.get(county_id)
    if checked is None or now - checked[0] > NAME_STAMP_SECONDS or checked[1][2] != top:
        stamp = cadres.aggregate(n=Count("pk"), letters=Sum(Length("name")))
        checked = (now, ("voice-cadre-names", county_id, top, stamp["n"], stamp["letters"]))
        _NAME_STAMPS[county_id] = checked
    return name_matcher(
        version=checked[1], load_names=lambda: list(cadres.values_list("name", flat=True))
    )


@dataclass(frozen=True)
class _Prepared:
    scores: list[tuple[Instrument, dict[str, int | None], Score]]
    comment: str


def _prepare(
    *, wave: Wave, answers: Answers, comment: str, matcher: NameMatcher | None
) -> _Prepared:
    """Scores every instrument and masks the comment; raises ValidationError listing all problems.

    Every item must be answered: per-item figures in reports then rest on exactly the people of
    their cell, which the cell's suppression already protects.
    """
    errors: list[str] = []
    instruments = wave.instruments()
    known = {instrument.code for instrument in instruments}
    errors += [
        _("问卷中没有“%(code)s”。") % {"code": code} for code in answers if code not in known
    ]
    scores = []
    for instrument in instruments:
        given = dict(answers.get(instrument.code, {}))
        missing = [
            index
            for index, item in enumerate(instrument.items, start=1)
            if given.get(item.code) is None
        ]
        if missing:
            errors.append(
                _("“%(title)s”第 %(items)s 题尚未作答。")
                % {"title": instrument.title, "items": "、".join(map(str, missing))}
            )
            continue
        try:
            scores.append((instrument, given, score_answers(instrument=instrument, answers=given)))
        except ValidationError as error:
            errors += error.errors
    text = comment.strip()
    if text and not wave.free_text_prompt:
        errors.append(_("本问卷没有开放题。"))
    if len(text) > MAX_COMMENT:
        errors.append(_("开放题回答不能超过 %(n)d 个字。") % {"n": MAX_COMMENT})
    if errors:
        raise ValidationError(_("问卷还不能提交，请检查以下内容。"), errors=errors)
    if text:
        matcher = matcher or registry_name_matcher(county_id=wave.county_id)
        text = mask_pii(text, names=matcher)
    return _Prepared(scores=scores, comment=text)


def _rows(
    *, wave: Wave, group: WaveGroup, prepared: _Prepared, today: datetime.date
) -> tuple[Response, list[InstrumentResult]]:
    response = Response(
        county_id=wave.county_id,
        wave=wave,
        unit_id=group.unit_id,
        unit_kind=group.unit_kind,
        tier=group.tier,
        age_band=group.age_band,
        gender=group.gender,
        submitted_on=today,
        comment=prepared.comment,
    )
    results = [
        InstrumentResult(
            county_id=wave.county_id,
            response=response,
            instrument=instrument.code,
            version=instrument.version,
            answers=answers,
            score=score.score,
            band=score.band or "",
        )
        for instrument, answers, score in prepared.scores
    ]
    return response, results


def _claim(token_ids: Sequence[uuid.UUID]) -> int:
    """Marks unused tokens of an open wave used; returns how many this transaction got.

    One UPDATE on the token table alone (no join, whose condition PostgreSQL would not re-check
    after waiting for a concurrent writer). Closing a wave blanks every token's cipher in one
    UPDATE, so a token without one belongs to a closed wave.
    """
    return (
        WaveToken.objects.filter(pk__in=list(token_ids), used=False)
        .exclude(cipher="")
        .update(used=True)
    )


def response_submit(
    *,
    invitation: Invitation,
    answers: Answers,
    comment: str,
    today: datetime.date,
) -> None:
    """Stores one anonymous response for an invitation from invitation_get, spending its code.

    Raises TokenUsed or TokenExpired, or ValidationError for incomplete answers (then nothing
    is stored and the code stays unused).
    """
    prepared = _prepare(wave=invitation.wave, answers=answers, comment=comment, matcher=None)
    response, results = _rows(
        wave=invitation.wave, group=invitation.group, prepared=prepared, today=today
    )
    with transaction.atomic():
        if invitation.token_id is not None:
            if _claim([invitation.token_id]) != 1:
                raise TokenUsed(_("这个邀请码已经提交过问卷，每个邀请码只能提交一次。"))
        else:
            if (
                invitation.wave.closes_on < today
                or not WaveGroupKey.objects.filter(
                    group_id=invitation.group.pk, wave__status=WaveStatus.OPEN
                ).exists()
            ):
                raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))
            try:
                with transaction.atomic():
                    SpentToken.objects.create(
                        county_id=invitation.wave.county_id,
                        wave_id=invitation.wave.pk,
                        group_id=invitation.group.pk,
                        digest=invitation.digest,
                    )
            except IntegrityError:
                raise TokenUsed(_("这个邀请码已经提交过问卷，每个邀请码只能提交一次。")) from None
        response.save(force_insert=True)
        InstrumentResult.objects.bulk_create(results)


def responses_submit_bulk(
    *, wave: Wave, submissions: Sequence[Submission], today: datetime.date
) -> int:
    """Stores many responses at once with the same checks and the same rows as response_submit
    (used by the demo and for entering paper answers); all or nothing. Returns the count."""
    if wave.status != WaveStatus.OPEN or wave.closes_on < today:
        raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))
    digests = {}
    for submission in submissions:
        code = normalize_token(submission.code)
        if code is None:
            raise TokenInvalid(_("邀请码无效。请核对后重新输入，或联系发放问卷的同志。"))
        digests[token_digest(code)] = submission
    if len(digests) != len(submissions):
        raise TokenUsed(_("同一邀请码出现了不止一次。"))
    tokens = {
        token.digest: token
        for token in WaveToken.objects.select_related("group").filter(
            wave=wave, digest__in=list(digests)
        )
    }
    if len(tokens) != len(digests):
        raise TokenInvalid(_("邀请码无效。请核对后重新输入，或联系发放问卷的同志。"))
    matcher = registry_name_matcher(county_id=wave.county_id)
    responses: list[Response] = []
    results: list[InstrumentResult] = []
    for digest, submission in digests.items():
        prepared = _prepare(
            wave=wave, answers=submission.answers, comment=submission.comment, matcher=matcher
        )
        response, rows = _rows(
            wave=wave, group=tokens[digest].group, prepared=prepared, today=today
        )
        responses.append(response)
        results += rows
    # The input order may follow a list of people; the stored order must not.
    shuffle = random.SystemRandom().shuffle
    shuffle(responses)
    shuffle(results)
    with transaction.atomic():
        if _claim([token.pk for token in tokens.values()]) != len(tokens):
            raise TokenUsed(_("部分邀请码已经提交过问卷，本批次未保存任何作答。"))
        Response.objects.bulk_create(responses, batch_size=1000)
        InstrumentResult.objects.bulk_create(results, batch_size=2000)
    return len(responses)
