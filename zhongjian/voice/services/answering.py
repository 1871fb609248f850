"""Answering a wave by code: checks, scoring, masking, and the single-use submission.

A code is a paper slip's 16 characters, or an online code: a group's RSA blind signature
(blind.py) on a message the cadre's browser chose. Looking a code up says whether it exists
and the wave is open, never whether it was used: only a submission spends it.

Nothing is written before the submission, and the submission spends the code and writes the
anonymous response in one transaction. Spending a code inserts a keyed hash of it into
`SpentToken`, whose unique key makes a code single-use under concurrent submits: of two
transactions the second fails on the key once the first commits and stores nothing. The
slip's own row is never written: the hash in `SpentToken` is made with another purpose than
the digest a slip is looked up by, so that without the deployment key nothing in the
database, its WAL or its backups pairs a spent hash (nor the response stored beside it) with
a slip. The spend and the response share a transaction until the next re-shuffle
(anonymity.py), which rewrites the spent hashes and the responses in a random order in one
transaction.

On PostgreSQL a slip's submission is one statement (slip_submit): the answer form names its
wave, whose locked settings each process keeps once read, so that the answers are checked
before the database is asked; then one data-modifying WITH looks the slip up, spends it and
stores the response with its results, atomic as any single statement. Submissions that arrive
in one process while such a statement is in flight are written together by the next one
(_GroupCommit: one round trip, one plan, one commit for several). Whatever that statement
cannot do (a wrong or spent code, a closed wave, an online code, SQLite) goes the long way:
one statement to look the code up (invitation_get), which says what is wrong, and the spend
and the inserts (response_submit: one statement on PostgreSQL, one transaction on SQLite).
"""

import base64
import binascii
import datetime
import functools
import json
import random
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, QuerySet, Sum
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
    wave: Wave  # the columns answering reads; any other loads on access
    group: WaveGroup  # its coarse attributes (members are not loaded)
    digest: str  # the keyed hash recorded in SpentToken when the code is spent
    token_id: uuid.UUID | None = None  # a slip's row (None for an online code)


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


def spent_digest(code: str) -> str:
    """The keyed hash a slip's code is recorded by when spent. Another purpose than the digest
    a slip is looked up by (token_digest), so that the two cannot be matched without the key."""
    return keyed_hash(code, purpose="voice-slip-spent")


# What answering reads of a wave and of a group, in the models' field order (Model.from_db);
# every other column is deferred (loaded only if something reads it), so that a lookup does
# not decode the wave's scope or the group's members.
WAVE_COLUMNS = (
    "id",
    "county_id",
    "title",
    "intro",
    "instrument_specs",
    "k",
    "free_text_prompt",
    "free_text_k",
    "status",
    "closes_on",
)
GROUP_COLUMNS = ("id", "county_id", "wave_id", "unit_id", "unit_kind", "tier", "age_band", "gender")
_SELECT = ", ".join(
    [f'w."{name}"' for name in WAVE_COLUMNS] + [f'g."{name}"' for name in GROUP_COLUMNS]
)
# Only constant column and table names are put together here; every value is a parameter.
_SLIP_LOOKUP = (
    f'SELECT t."id", t."cipher", {_SELECT} FROM "voice_wavetoken" t'  # noqa: S608
    ' JOIN "voice_wave" w ON w."id" = t."wave_id"'
    ' JOIN "voice_wavegroup" g ON g."id" = t."group_id" WHERE t."digest" = %s'
)
_KEY_LOOKUP = (
    f'SELECT k."modulus", k."exponent", {_SELECT} FROM "voice_wavegroupkey" k'  # noqa: S608
    ' JOIN "voice_wave" w ON w."id" = k."wave_id"'
    ' JOIN "voice_wavegroup" g ON g."id" = k."group_id" WHERE k."group_id" = %s'
)


def _wave_and_group(values: Sequence[object]) -> tuple[Wave, WaveGroup]:
    """Model instances from one lookup row (WAVE_COLUMNS, then GROUP_COLUMNS)."""
    count = len(WAVE_COLUMNS)
    wave_values = list(values[:count])
    specs = wave_values[WAVE_COLUMNS.index("instrument_specs")]
    if isinstance(specs, str):  # the JSON text, as the database backends hand it to Django
        wave_values[WAVE_COLUMNS.index("instrument_specs")] = json.loads(specs)
    closes_on = wave_values[WAVE_COLUMNS.index("closes_on")]
    if isinstance(closes_on, str):  # SQLite's raw cursor returns the ISO text
        wave_values[WAVE_COLUMNS.index("closes_on")] = datetime.date.fromisoformat(closes_on)
    wave = Wave.from_db(connection.alias, WAVE_COLUMNS, wave_values)
    group = WaveGroup.from_db(connection.alias, GROUP_COLUMNS, values[count:])
    return wave, group


def invitation_get(*, text: str, today: datetime.date) -> Invitation:
    """The open invitation behind a code; raises TokenInvalid or TokenExpired.

    A used code is returned like an unused one: telling them apart would let whoever handed
    out the codes learn who has answered (only response_submit finds out, by spending it).
    One query, of the columns answering needs.
    """
    online = _parse_online(text) if text.startswith(ONLINE_PREFIX) else None
    if online is not None:
        group_id, message, signature = online
        with connection.cursor() as cursor:
            cursor.execute(_KEY_LOOKUP, [group_id])
            row = cursor.fetchone()
        if row is None or not blind.verify(
            blind.PublicKey(n=int(row[0], 16), e=row[1]), message, signature
        ):
            raise TokenInvalid(INVALID)
        wave, group = _wave_and_group(row[2:])
        _check_open(wave, today)
        return Invitation(
            code=text.strip(),
            wave=wave,
            group=group,
            digest=keyed_hash(message.hex(), purpose="voice-online-code"),
        )
    code = normalize_token(text)
    if code is None:
        raise TokenInvalid(INVALID)
    with connection.cursor() as cursor:
        cursor.execute(_SLIP_LOOKUP, [token_digest(code)])
        row = cursor.fetchone()
    if row is None:
        raise TokenInvalid(INVALID)
    wave, group = _wave_and_group(row[2:])
    _check_open(wave, today)
    if not row[1]:
        raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))
    token_id = row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(str(row[0]))
    return Invitation(
        code=code, wave=wave, group=group, digest=spent_digest(code), token_id=token_id
    )


# Per process: (county) -> (checked at, version stamp, newest key checked at). The stamp's
# full aggregate over the county's cadres costs more than the rest of a submission, so it is
# redone only when the newest cadre key moved, a cadre was saved or deleted in this process
# (signals), or a minute has passed; the newest key itself is looked at most once a second,
# so that a burst of submissions does not ask for it each time. A cadre added in another
# process may thus go unmasked for a second, one renamed there for a minute.
_NAME_STAMPS: dict[int, tuple[float, tuple[object, ...], float]] = {}
NAME_STAMP_SECONDS = 60
NAME_TOP_SECONDS = 1.0


def forget_name_stamps(**_kwargs: object) -> None:
    _NAME_STAMPS.clear()


def registry_name_matcher(*, county_id: int) -> NameMatcher:
    """The matcher of every registered cadre's name in the county, rebuilt when names change."""

    def cadres() -> QuerySet[Cadre]:  # built only when asked (a query set costs a little)
        return Cadre.objects.filter(county_id=county_id)

    now = time.monotonic()
    checked = _NAME_STAMPS.get(county_id)
    if checked is None or now - checked[2] > NAME_TOP_SECONDS:
        # The newest key is one index lookup and moves with every insert, bulk ones included.
        top = cadres().aggregate(top=Max("pk"))["top"]
        if checked is None or now - checked[0] > NAME_STAMP_SECONDS or checked[1][2] != top:
            stamp = cadres().aggregate(n=Count("pk"), letters=Sum(Length("name")))
            version = ("voice-cadre-names", county_id, top, stamp["n"], stamp["letters"])
            checked = (now, version, now)
        else:
            checked = (checked[0], checked[1], now)
        _NAME_STAMPS[county_id] = checked
    return name_matcher(
        version=checked[1], load_names=lambda: list(cadres().values_list("name", flat=True))
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


_SPEND_COLUMNS = '"id", "county_id", "wave_id", "group_id", "digest"'
# The spend: a row only while the wave is open (status and deadline are read by the statement
# that writes, so that a close committed before is seen; on PostgreSQL the wave row is locked
# FOR KEY SHARE, which waits for a close holding it FOR UPDATE, so that wave_close also waits
# for every spend in flight). A second spend of a code fails on the unique key of SpentToken.
_SPEND_SELECT = (
    'SELECT %s, w."county_id", w."id", %s, %s FROM "voice_wave" w'
    ' WHERE w."id" = %s AND w."status" = %s AND w."closes_on" >= %s'
)
_RESPONSE_COLUMNS = (
    '"id", "county_id", "wave_id", "unit_id", "unit_kind", "tier", "age_band", "gender",'
    ' "submitted_on", "comment"'
)
_RESULT_COLUMNS = (
    '"id", "county_id", "response_id", "instrument", "version", "answers", "score", "band"'
)


def _store_postgresql(
    *,
    invitation: Invitation,
    response: Response,
    results: list[InstrumentResult],
    today: datetime.date,
) -> int:
    """One statement: the spend, the response and its results; the number of spends (0 or 1)."""
    wave, group = invitation.wave, invitation.group
    params: list[object] = [uuid.uuid4(), group.pk, invitation.digest]
    params += [wave.pk, WaveStatus.OPEN, today]
    params += [response.pk, wave.county_id, group.unit_id, group.unit_kind, group.tier]
    params += [group.age_band, group.gender, today, response.comment]
    sql = (
        f'WITH spent AS (INSERT INTO "voice_spenttoken" ({_SPEND_COLUMNS}) {_SPEND_SELECT}'  # noqa: S608
        ' FOR KEY SHARE RETURNING "wave_id"),'
        f' response AS (INSERT INTO "voice_response" ({_RESPONSE_COLUMNS})'
        ' SELECT %s, %s, spent."wave_id", %s, %s, %s, %s, %s, %s, %s FROM spent RETURNING "id")'
    )
    extra, extra_params = _results_sql(
        wave.county_id,
        [(r.pk, r.instrument, r.version, r.answers, r.score, r.band) for r in results],
    )
    sql += extra + " SELECT count(*) FROM spent"  # noqa: S608
    params += extra_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# The fast path of slips' submissions on PostgreSQL (slip_submit): the lookup of each slip and
# its group, the spend, the response and its results of every submission of a batch (one or
# more, see _GroupCommit) in one statement. A code already spent is skipped (ON CONFLICT DO
# NOTHING on the unique key), so that one used code does not fail the others; its caller then
# goes the long way, which says so. Spent codes are inserted in the order of their keyed hash,
# responses in the order of their random keys and results in the order of theirs, so that
# within a batch the physical order pairs no spent code with its response.
# Constant names only; every value is a parameter (server-side bound, prepared per connection).
_SLIP_BATCH = (
    "WITH batch AS (SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS b(n integer,"  # noqa: S608
    " digest text, spent text, response uuid, comment text, results jsonb)),"
    " slip AS (SELECT batch.n, batch.spent, batch.response, batch.comment, batch.results, s.*"
    " FROM batch CROSS JOIN LATERAL"  # LIMIT 1 keeps it a lookup by key per slip
    ' (SELECT t."group_id", g."unit_id", g."unit_kind", g."tier", g."age_band", g."gender"'
    ' FROM "voice_wavetoken" t JOIN "voice_wavegroup" g ON g."id" = t."group_id"'
    ' AND g."county_id" = t."county_id" WHERE t."county_id" = %(county)s'
    """ AND t."digest" = batch.digest AND t."wave_id" = %(wave)s AND t."cipher" <> ''"""
    " LIMIT 1) s),"
    f' spent AS (INSERT INTO "voice_spenttoken" ({_SPEND_COLUMNS})'
    ' SELECT gen_random_uuid(), w."county_id", w."id", slip."group_id", slip.spent'
    ' FROM "voice_wave" w CROSS JOIN slip WHERE w."id" = %(wave)s AND w."county_id" = %(county)s'
    ' AND w."status" = %(open)s AND w."closes_on" >= %(today)s ORDER BY slip.spent'
    ' FOR KEY SHARE OF w ON CONFLICT ("county_id", "wave_id", "digest") DO NOTHING'
    ' RETURNING "digest"),'
    f' response AS (INSERT INTO "voice_response" ({_RESPONSE_COLUMNS})'
    ' SELECT slip.response, %(county)s, %(wave)s, slip."unit_id", slip."unit_kind", slip."tier",'
    ' slip."age_band", slip."gender", %(today)s, slip.comment FROM slip'
    ' JOIN spent ON spent."digest" = slip.spent ORDER BY slip.response RETURNING "id"),'
    f' results AS (INSERT INTO "voice_instrumentresult" ({_RESULT_COLUMNS})'
    ' SELECT gen_random_uuid() AS id, %(county)s, response."id", r.instrument, r.version,'
    ' r.answers, r.score, r.band FROM response JOIN slip ON slip.response = response."id"'
    " CROSS JOIN jsonb_to_recordset(slip.results) AS r(instrument text, version integer,"
    " answers jsonb, score double precision, band text) ORDER BY 1 RETURNING 1)"
    ' SELECT slip.n FROM slip JOIN spent ON spent."digest" = slip.spent'
)


def _results_sql(
    county_id: int, results: Sequence[tuple[uuid.UUID, str, int, object, float | None, str]]
) -> tuple[str, list[object]]:
    """The WITH item that inserts a response's results (id, instrument, version, answers,
    score, band) beside the response item."""
    if not results:
        return "", []
    params: list[object] = [county_id]
    values = []
    for pk, instrument, version, answers, score, band in results:
        values.append("(%s::uuid, %s, %s::integer, %s::jsonb, %s::double precision, %s)")
        params += [pk, instrument, version, json.dumps(answers), score, band]
    sql = (
        f', results AS (INSERT INTO "voice_instrumentresult" ({_RESULT_COLUMNS})'  # noqa: S608
        ' SELECT v.id, %s, response."id", v.instrument, v.version, v.answers, v.score,'
        f" v.band FROM response CROSS JOIN (VALUES {', '.join(values)})"
        " AS v(id, instrument, version, answers, score, band) RETURNING 1)"
    )
    return sql, params


# Opened waves by id, per process, with the columns answering reads: what a submission checks
# its answers against is locked once a wave is open (Wave.save refuses a change), and whether
# it is still open is read by the statement that spends the code.
_OPENED_WAVES: dict[int, Wave] = {}


def forget_opened_waves() -> None:
    _OPENED_WAVES.clear()


def opened_wave(wave_id: object) -> Wave | None:
    """The opened (or closed) wave WAVE_ID from the answer form, None if there is none or the
    database is not PostgreSQL (only slip_submit reads it)."""
    text = str(wave_id or "")
    if connection.vendor != "postgresql" or not text.isdigit() or len(text) > 18:
        return None
    pk = int(text)
    found = _OPENED_WAVES.get(pk)
    if found is None:
        found = (
            Wave.objects.only(*WAVE_COLUMNS).exclude(status=WaveStatus.DRAFT).filter(pk=pk).first()
        )
        if found is None:
            return None
        if len(_OPENED_WAVES) > 256:
            _OPENED_WAVES.clear()
        _OPENED_WAVES[pk] = found
    return found


@dataclass(eq=False)
class _Slip:
    """One slip's submission waiting for its statement (see _GroupCommit)."""

    row: dict[str, object]  # its row of the statement's batch (without "n")
    done: threading.Event = field(default_factory=threading.Event)
    spent: bool = False
    alone: bool = False  # its batch failed: the submitting thread runs it by itself
    batch: list["_Slip"] | None = None  # set when it is handed the lead


@functools.cache
def _prepared_cursor() -> type:
    """A cursor class that binds on the server and prepares each statement once per
    connection (made on first use: SQLite deployments never load the PostgreSQL backend)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **_kwargs):
            return super().execute(query, params, prepare=True)

    return PreparedCursor


def _slips_store(*, wave: Wave, today: datetime.date, slips: Sequence[_Slip]) -> None:
    """Runs _SLIP_BATCH for SLIPS and marks the ones it spent; a code twice in SLIPS is
    spent once (the other goes the long way and hears that it was used)."""
    rows, seen = [], set()
    for index, slip in enumerate(slips):
        if slip.row["spent"] not in seen:
            seen.add(slip.row["spent"])
            rows.append({"n": index, **slip.row})
    params = {
        "rows": json.dumps(rows, ensure_ascii=False),
        "county": wave.county_id,
        "wave": wave.pk,
        "open": str(WaveStatus.OPEN),
        "today": today,
    }
    connection.ensure_connection()
    raw = _prepared_cursor()(connection.connection)
    started = time.monotonic()
    # Atomic by itself; inside the caller's transaction, in a savepoint that an error undoes.
    savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with savepoint, connection.make_cursor(raw) as cursor:
            cursor.execute(_SLIP_BATCH, params)
            for (index,) in cursor.fetchall():
                slips[index].spent = True
    finally:
        if connection.queries_logged:
            # Logged by hand: Django's debug cursor cannot show a prepared statement's text.
            connection.queries_log.append(
                {"sql": _SLIP_BATCH, "time": f"{time.monotonic() - started:.3f}"}
            )


class _GroupCommit:
    """Group commit of concurrent slip submissions within one process.

    The first submission of a wave to arrive runs its statement at once. Those that arrive
    while a statement is in flight wait; when it returns, the thread that ran it hands the
    waiting ones, as one batch of up to MAX_BATCH, to the first of them, which runs them in one
    statement. So nobody waits for more than the statement in flight and their own, one
    request alone is written as before, and under load one statement, one round trip and one
    commit serve several submissions. If a batch of several fails, every one of them is run
    again by its own thread, alone, so that one bad row costs nobody else their answers.
    """

    MAX_BATCH = 64

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy: set[tuple[int, datetime.date]] = set()
        self._waiting: dict[tuple[int, datetime.date], list[_Slip]] = {}

    def submit(self, *, wave: Wave, today: datetime.date, slip: _Slip) -> bool:
        key = (wave.pk, today)
        with self._lock:
            if key in self._busy:
                self._waiting.setdefault(key, []).append(slip)
                lead = False
            else:
                self._busy.add(key)
                slip.batch = [slip]
                lead = True
        if not lead:
            slip.done.wait()
            if slip.batch is None:  # run by another thread
                if slip.alone:
                    _slips_store(wave=wave, today=today, slips=[slip])
                return slip.spent
        batch = slip.batch or [slip]
        try:
            _slips_store(wave=wave, today=today, slips=batch)
        except Exception:
            if len(batch) == 1:
                raise
            for other in batch:
                other.alone = True
        finally:
            self._hand_over(key)
            for other in batch:
                if other is not slip:
                    other.batch = None
                    other.done.set()
        if slip.alone:
            _slips_store(wave=wave, today=today, slips=[slip])
        return slip.spent

    def _hand_over(self, key: tuple[int, datetime.date]) -> None:
        """The lead passes to the first waiting submission of KEY, with a batch of the waiting."""
        with self._lock:
            waiting = self._waiting.pop(key, [])
            if not waiting:
                self._busy.discard(key)
                return
            batch, rest = waiting[: self.MAX_BATCH], waiting[self.MAX_BATCH :]
            if rest:
                self._waiting[key] = rest
        batch[0].batch = batch
        batch[0].done.set()


_GROUP_COMMIT = _GroupCommit()


def slip_submit(
    *, wave: Wave, text: str, answers: Answers, comment: str, today: datetime.date
) -> bool:
    """A slip's submission in one statement, for the wave the answer form names; False when it
    cannot be done so (not PostgreSQL, not a slip code, the slip is not that wave's, the wave
    is not open, or the code was spent), and then the caller looks the code up
    (invitation_get) and says why.

    Concurrent submissions in one process share their statement (_GroupCommit); inside the
    caller's transaction a submission is run by itself.

    Raises ValidationError for incomplete answers (nothing stored; the caller looks the code up
    before it shows them).
    """
    if connection.vendor != "postgresql":
        return False
    code = normalize_token(text)
    if code is None:
        return False
    prepared = _prepare(wave=wave, answers=answers, comment=comment, matcher=None)
    slip = _Slip(
        row={
            "digest": token_digest(code),
            "spent": spent_digest(code),
            "response": str(uuid.uuid4()),
            "comment": prepared.comment,
            "results": [
                {
                    "instrument": instrument.code,
                    "version": instrument.version,
                    "answers": given,
                    "score": score.score,
                    "band": score.band or "",
                }
                for instrument, given, score in prepared.scores
            ],
        }
    )
    if connection.in_atomic_block:
        _slips_store(wave=wave, today=today, slips=[slip])
        return slip.spent
    return _GROUP_COMMIT.submit(wave=wave, today=today, slip=slip)


def _store_portable(
    *,
    invitation: Invitation,
    response: Response,
    results: list[InstrumentResult],
    today: datetime.date,
) -> int:
    """The same three inserts, in the caller's transaction; the number of spends (0 or 1)."""
    pk = SpentToken._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "voice_spenttoken" ({_SPEND_COLUMNS}) {_SPEND_SELECT}',
            [
                pk,
                invitation.group.pk,
                invitation.digest,
                invitation.wave.pk,
                WaveStatus.OPEN,
                connection.ops.adapt_datefield_value(today),
            ],
        )
        if cursor.rowcount != 1:
            return 0
    response.save(force_insert=True)
    InstrumentResult.objects.bulk_create(results)
    return 1


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
    store = _store_postgresql if connection.vendor == "postgresql" else _store_portable
    try:
        if store is _store_postgresql and not connection.in_atomic_block:
            # One statement, atomic by itself: no BEGIN and COMMIT round trips.
            spent = store(invitation=invitation, response=response, results=results, today=today)
        else:
            # A transaction (or, inside the caller's, a savepoint that a refusal rolls back).
            with transaction.atomic():
                spent = store(
                    invitation=invitation, response=response, results=results, today=today
                )
    except IntegrityError:
        raise TokenUsed(_("这个邀请码已经提交过问卷，每个邀请码只能提交一次。")) from None
    if spent != 1:
        raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))


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
        for token in WaveToken.objects.select_related("group")
        .filter(wave=wave, digest__in=list(digests))
        .exclude(cipher="")
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
    spent = [
        SpentToken(
            county_id=wave.county_id,
            wave_id=wave.pk,
            group_id=tokens[digest].group_id,
            digest=spent_digest(normalize_token(submission.code) or ""),
        )
        for digest, submission in digests.items()
    ]
    # The input order may follow a list of people; the stored order must not.
    shuffle = random.SystemRandom().shuffle
    shuffle(responses)
    shuffle(results)
    shuffle(spent)
    try:
        with transaction.atomic():
            status = Wave.objects.select_for_update().values_list("status", flat=True)
            if status.get(pk=wave.pk) != WaveStatus.OPEN:
                raise TokenExpired(_("本次测评已经结束，感谢您的关注。"))
            SpentToken.objects.bulk_create(spent, batch_size=2000)
            Response.objects.bulk_create(responses, batch_size=1000)
            InstrumentResult.objects.bulk_create(results, batch_size=2000)
    except IntegrityError:
        raise TokenUsed(_("部分邀请码已经提交过问卷，本批次未保存任何作答。")) from None
    return len(responses)
