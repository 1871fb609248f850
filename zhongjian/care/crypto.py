"""Encryption of counseling text under its own key (CARE_KEY), with rotation to a new key.

The care key is separate from FIELD_ENCRYPTION_KEY so that counseling notes can be rotated,
backed up and destroyed on their own schedule. Keys listed in CARE_PREVIOUS_KEYS still decrypt,
so that `zhongjian care_rotate_key` can re-encrypt every row under the current key.
"""

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from zhongjian.core.errors import ValidationError


def fernet_for(key_material: str) -> Fernet:
    """The Fernet of one key: any string, stretched to Fernet's 32 bytes by SHA-256."""
    digest = hashlib.sha256(b"zhongjian-care:" + key_material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@cache
def _multi(current: str, previous: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([fernet_for(current), *(fernet_for(key) for key in previous)])


def care_fernet() -> MultiFernet:
    """Encrypts under CARE_KEY; decrypts under it or any of CARE_PREVIOUS_KEYS."""
    return _multi(settings.CARE_KEY, tuple(settings.CARE_PREVIOUS_KEYS))


def seal(plain: str) -> str:
    return care_fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return care_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValidationError("疏导记录无法解密：心理疏导密钥与写入时不一致。") from exc


def seal_json(value: Any) -> str:
    return seal(json.dumps(value, ensure_ascii=False, sort_keys=True))


def unseal_json(token: str) -> Any:
    return json.loads(unseal(token))


def reseal(token: str, *, fernet: MultiFernet) -> str:
    """TOKEN re-encrypted under FERNET's first key (decrypting under any of its keys)."""
    if not token:
        return token
    try:
        return fernet.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise ValidationError("有疏导记录无法用当前或以前的密钥解密，密钥轮换已中止。") from exc
