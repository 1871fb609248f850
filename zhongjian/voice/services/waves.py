"""Survey waves (测评批次): settings while a draft, opening with groups and tokens, closing."""

import datetime
import random
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.crypto import encrypt_text, keyed_hash
from zhongjian.core.errors import Conflict, PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, Tier
from zhongjian.org.models import Appointment, Cadre, Unit
from zhongjian.voice.anonymity import anonymous_tables_shuffle, storage_tidy
from zhongjian.voice.choices import InvitationMode, WaveStatus, age_band_for
from zhongjian.voice.grouping import Invitee, assign_groups
from zhongjian.voice.models import Wave, WaveGroup, WaveGroupKey, WaveToken
from zhongjian.voice.selectors.instruments import instrument_get
from zhongjian.voice.services.common import full_clean
from zhongjian.voice.suppression import MIN_K

# Crockford's base32: no I, L, O or U, so that a code typed from a slip is not misread.
TOKEN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # noqa: S105 - an alphabet, not a secret
TOKEN_LENGTH = 16  # 80 bits: guessing a valid code is hopeless even without rate limiting
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-－_]+")
MAX_K = 50


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize_token(text: str) -> str | None:
    """The code as issued from what someone typed or scanned, or None if it cannot be one."""
    code = _SEPARATORS.sub("", text).upper().translate(_TYPO)
    if len(code) != TOKEN_LENGTH or any(char not in TOKEN_ALPHABET for char in code):
        return None
    return code


def token_digest(code: str) -> str:
    """The keyed hash a token is looked up by; the code itself is never stored in clear."""
    return keyed_hash(code, purpose="voice-token")


def format_token(code: str) -> str:
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


def _require_org(actor: Any) -> None:
    if actor.role != Role.ORG_DEPARTMENT or actor.county_id is None:
        raise PermissionDenied(_("只有县委组织部可以管理测评批次。"))


def _apply_settings(
    wave: Wave,
    *,
    actor: Any,
    title: str,
    intro: str,
    unit_ids: Sequence[int],
    mid_level_only: bool,
    instrument_refs: Sequence[str],
    k: int,
    free_text_prompt: str,
    free_text_k: int,
    closes_on: datetime.date,
    today: datetime.date,
    invitation_mode: str = InvitationMode.SLIPS,
) -> None:
    errors: list[str] = []
    if invitation_mode not in InvitationMode.values:
        errors.append(_("请选择邀请方式。"))
    units = sorted(
        Unit.objects.filter(
            county_id=actor.county_id, is_active=True, pk__in=list(unit_ids)
        ).values_list("pk", flat=True)
    )
    if not unit_ids:
        errors.append(_("请至少选择一个单位。"))
    elif len(units) != len(set(unit_ids)):
        errors.append(_("所选单位不存在或不属于本县。"))
    specs = []
    for ref in dict.fromkeys(instrument_refs):
        code, _sep, version = ref.partition(":")
        if not version.isdigit():
            errors.append(_("测评工具“%(ref)s”无效。") % {"ref": ref})
            continue
        specs.append(instrument_get(user=actor, code=code, version=int(version)).spec)
    if not specs:
        errors.append(_("请至少选择一个测评工具。"))
    if len({spec["code"] for spec in specs}) != len(specs):
        errors.append(_("同一测评工具只能选择一个版本。"))
    if not MIN_K <= k <= MAX_K:
        errors.append(
            _("匿名阈值 k 必须在 %(min)d 到 %(max)d 之间。") % {"min": MIN_K, "max": MAX_K}
        )
    if free_text_k < max(k, MIN_K):
        errors.append(_("开放题的匿名阈值不能小于 k。"))
    if closes_on < today:
        errors.append(_("截止日期不能早于今天。"))
    if errors:
        raise ValidationError(errors[0], errors=errors)
    wave.title = title.strip()
    wave.intro = intro.strip()
    wave.unit_ids = units
    wave.mid_level_only = mid_level_only
    wave.instrument_specs = specs
    wave.k = k
    wave.free_text_prompt = free_text_prompt.strip()
    wave.free_text_k = free_text_k
    wave.closes_on = closes_on
    wave.invitation_mode = invitation_mode
    full_clean(wave)


@transaction.atomic
def wave_create(*, actor: Any, today: datetime.date, **settings: Any) -> Wave:
    """A draft wave in the actor's county; ``settings`` are those of `_apply_settings`."""
    _require_org(actor)
    wave = Wave(county_id=actor.county_id)
    _apply_settings(wave, actor=actor, today=today, **settings)
    wave.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="voice_wave",
        object_id=wave.pk,
        summary=wave.title,
    )
    return wave


@transaction.atomic
def wave_update(*, actor: Any, wave: Wave, today: datetime.date, **settings: Any) -> Wave:
    """Changes a draft wave; an opened wave refuses (its settings are locked)."""
    _require_org(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk, county_id=actor.county_id)
    if wave.status != WaveStatus.DRAFT:
        raise Conflict(_("测评批次开启后，范围、测评工具和匿名阈值不能再修改。"))
    _apply_settings(wave, actor=actor, today=today, **settings)
    wave.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_wave",
        object_id=wave.pk,
        summary=wave.title,
    )
    return wave


def wave_invitees(*, wave: Wave, today: datetime.date) -> list[Invitee]:
    """The active cadres of the wave's units with tier (highest current post), age band, gender."""
    cadres = list(
        Cadre.objects.filter(
            county_id=wave.county_id, unit_id__in=wave.unit_ids, status=CadreStatus.ACTIVE
        ).values_list("pk", "unit_id", "unit__kind", "gender", "birth_date")
    )
    seniority = {tier: index for index, tier in enumerate(Tier.values)}  # 正科 first
    tiers: dict[int, str] = {}
    for cadre_id, tier in Appointment.objects.filter(
        county_id=wave.county_id,
        end_date__isnull=True,
        cadre__unit_id__in=wave.unit_ids,
        cadre__status=CadreStatus.ACTIVE,
    ).values_list("cadre_id", "post__tier"):
        if cadre_id not in tiers or seniority[tier] < seniority[tiers[cadre_id]]:
            tiers[cadre_id] = tier
    invitees = []
    for cadre_id, unit_id, kind, gender, birth in cadres:
        tier = tiers.get(cadre_id, Tier.GENERAL)
        if wave.mid_level_only and tier not in MID_LEVEL_TIERS:
            continue
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        invitees.append(
            Invitee(
                cadre_id=cadre_id,
                unit_id=unit_id,
                unit_kind=kind,
                tier=tier,
                age_band=age_band_for(age),
                gender=gender,
            )
        )
    return invitees


@transaction.atomic
def wave_open(*, actor: Any, wave: Wave, today: datetime.date) -> int:
    """Opens a draft wave: groups of at least k, one token per invitee; returns the token count.

    Tokens are inserted in a random order with random keys: neither their order nor their keys
    follow the registry, so nothing ties a token to the cadre it will be handed to.
    """
    _require_org(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk, county_id=actor.county_id)
    if wave.status != WaveStatus.DRAFT:
        raise Conflict(_("该测评批次已经开启过。"))
    if wave.closes_on < today:
        raise ValidationError(_("截止日期已过，请先修改截止日期。"))
    groups = assign_groups(invitees=wave_invitees(wave=wave, today=today), k=wave.k)
    stored = WaveGroup.objects.bulk_create(
        [
            WaveGroup(
                county_id=wave.county_id,
                wave=wave,
                unit_id=group.unit_id,
                unit_kind=group.unit_kind,
                tier=group.tier,
                age_band=group.age_band,
                gender=group.gender,
                invited=len(group.members),
                members=list(group.members),
            )
            for group in groups
        ]
    )
    tokens = []
    # Online waves have no slips: each cadre draws a blind-signed code (services/invitations).
    for group in stored if wave.invitation_mode == InvitationMode.SLIPS else []:
        for _member in range(group.invited):
            code = new_token()
            tokens.append(
                WaveToken(
                    county_id=wave.county_id,
                    wave=wave,
                    group=group,
                    digest=token_digest(code),
                    cipher=encrypt_text(code),
                )
            )
    random.SystemRandom().shuffle(tokens)
    WaveToken.objects.bulk_create(tokens, batch_size=2000)
    wave.status = WaveStatus.OPEN
    wave.opened_on = today
    wave.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_wave",
        object_id=wave.pk,
        summary=_("开启测评：%(n)d 人受邀，%(groups)d 个作答分组")
        % {"n": sum(group.invited for group in stored), "groups": len(stored)},
    )
    return sum(group.invited for group in stored)


@transaction.atomic
def wave_close(*, actor: Any, wave: Wave, today: datetime.date) -> None:
    """Closes an open wave: no more answers; the stored codes are erased (slips cannot be
    reprinted, and nobody can answer in a cadre's name any more)."""
    _require_org(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk, county_id=actor.county_id)
    if wave.status != WaveStatus.OPEN:
        raise Conflict(_("只有进行中的测评批次可以结束。"))
    WaveToken.objects.filter(wave=wave).update(cipher="")
    WaveGroupKey.objects.filter(wave=wave).update(private_cipher="")
    anonymous_tables_shuffle(wave_ids=[wave.pk])
    transaction.on_commit(storage_tidy)
    wave.status = WaveStatus.CLOSED
    wave.closed_on = max(today, wave.opened_on or today)
    wave.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_wave",
        object_id=wave.pk,
        summary=_("结束测评"),
    )


@transaction.atomic
def wave_set_deadline(
    *, actor: Any, wave: Wave, closes_on: datetime.date, today: datetime.date
) -> None:
    """Moves the deadline of a wave that has not ended yet.

    A wave past its deadline has ended and its report may have been read; opening it again
    would let a later report be compared with the earlier one, so that is refused.
    """
    _require_org(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk, county_id=actor.county_id)
    if wave.status == WaveStatus.CLOSED or wave.closes_on < today:
        raise Conflict(_("测评已结束，不能再修改截止日期。"))
    if closes_on < today:
        raise ValidationError(_("截止日期不能早于今天。"))
    wave.closes_on = closes_on
    wave.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_wave",
        object_id=wave.pk,
        summary=_("截止日期改为 %(day)s") % {"day": closes_on.isoformat()},
    )
