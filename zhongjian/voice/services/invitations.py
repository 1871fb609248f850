"""Online codes (在线领取): a signed-in cadre draws one blind-signed code per wave (blind.py).

The server learns that a cadre has drawn (so that nobody draws twice) and which group's key
signed, which it knew already; it never sees the message it signs, so no code it later
receives can be matched with the cadre who drew it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhongjian.core.crypto import decrypt_text, encrypt_text
from zhongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from zhongjian.voice import blind
from zhongjian.voice.choices import InvitationMode, WaveStatus
from zhongjian.voice.models import Wave, WaveDraw, WaveGroup, WaveGroupKey


@dataclass(frozen=True)
class OnlineInvitation:
    wave: Wave
    group_id: int
    drawn: bool


def _open_online_waves(actor: Any, today: datetime.date) -> list[Wave]:
    if getattr(actor, "cadre_id", None) is None or actor.county_id is None:
        return []
    return list(
        Wave.objects.filter(
            county_id=actor.county_id,
            status=WaveStatus.OPEN,
            invitation_mode=InvitationMode.ONLINE,
            closes_on__gte=today,
        ).order_by("closes_on", "pk")
    )


def _group_of(actor: Any, wave: Wave) -> WaveGroup | None:
    for group in WaveGroup.objects.filter(wave=wave).only("pk", "members", "wave_id"):
        if actor.cadre_id in group.members:
            return group
    return None


def online_invitations(*, actor: Any, today: datetime.date) -> list[OnlineInvitation]:
    """The open online waves the actor's cadre record is invited to, and whether drawn."""
    waves = _open_online_waves(actor, today)
    drawn = set(
        WaveDraw.objects.filter(
            county_id=actor.county_id, cadre_id=actor.cadre_id, wave__in=waves
        ).values_list("wave_id", flat=True)
    )
    found = []
    for wave in waves:
        group = _group_of(actor, wave)
        if group is not None:
            found.append(OnlineInvitation(wave=wave, group_id=group.pk, drawn=wave.pk in drawn))
    return found


def online_invitation_get(*, actor: Any, wave_id: int, today: datetime.date) -> OnlineInvitation:
    """One of the actor's online invitations, or NotFound (another's wave does not exist)."""
    for invitation in online_invitations(actor=actor, today=today):
        if invitation.wave.pk == wave_id:
            return invitation
    raise NotFound(_("没有找到您可以参加的这次测评。"))


@transaction.atomic
def group_public_key(*, group_id: int) -> blind.PublicKey:
    """The group's signing key, made on its first use (a 2048-bit key takes ~0.1 s)."""
    group = WaveGroup.objects.select_for_update().select_related("wave").get(pk=group_id)
    key = WaveGroupKey.objects.filter(group=group).first()
    if key is None:
        private = blind.generate_key()
        public = blind.public_of(private)
        key = WaveGroupKey.objects.create(
            county_id=group.wave.county_id,
            wave=group.wave,
            group=group,
            modulus=format(public.n, "x"),
            exponent=public.e,
            private_cipher=encrypt_text(blind.private_to_pem(private)),
        )
    return blind.PublicKey(n=int(key.modulus, 16), e=key.exponent)


@transaction.atomic
def code_draw(*, actor: Any, wave_id: int, blinded: bytes, today: datetime.date) -> bytes:
    """Signs the actor's blinded message once per cadre and wave; records only that they drew.

    Raises NotFound for a wave the actor is not invited to, Conflict when already drawn, and
    ValidationError for a malformed blinded message (then nothing is recorded).
    """
    if getattr(actor, "cadre_id", None) is None:
        raise PermissionDenied(_("只有关联了干部档案的账号可以领取邀请码。"))
    invitation = online_invitation_get(actor=actor, wave_id=wave_id, today=today)
    group_public_key(group_id=invitation.group_id)
    key = WaveGroupKey.objects.get(group_id=invitation.group_id)
    if not key.private_cipher:
        raise Conflict(_("本次测评已经结束，感谢您的关注。"))
    try:
        signature = blind.blind_sign(
            blind.private_from_pem(decrypt_text(key.private_cipher)), blinded
        )
    except blind.BlindSignatureError:
        raise ValidationError(_("领取请求无效，请刷新页面后重试。")) from None
    try:
        with transaction.atomic():
            WaveDraw.objects.create(
                county_id=actor.county_id, wave_id=invitation.wave.pk, cadre_id=actor.cadre_id
            )
    except IntegrityError:
        raise Conflict(
            _(
                "您已经领取过本次测评的邀请码，每人只能领取一次（系统无法补发，因为它不知道您的码）。"
            )
        ) from None
    return signature
