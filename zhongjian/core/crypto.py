"""Encryption at rest for sensitive fields and keyed hashes for matching them without decrypting."""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from zhongjian.core.errors import ValidationError


@cache
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(b"zhongjian-field-encryption:" + key_material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_text(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValidationError("加密数据无法解密：密钥与写入时不一致。") from exc


@cache
def _hash_key(purpose: str, key_material: str) -> bytes:
    return hashlib.sha256(f"zhongjian-hash:{purpose}:{key_material}".encode()).digest()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC of VALUE, stable for one deployment key, useless without it (no rainbow tables)."""
    key = _hash_key(purpose, settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_last_four(number: str) -> str:
    """An identifier for display: its last 4 characters, every other one as `*`.

    Fewer would not tell two namesakes apart; more (the first digits are the region code, the
    next eight the birth date) would, with the birth date shown elsewhere, leave few candidates.
    """
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def encrypt_bytes(plain: bytes, *, purpose: str) -> bytes:
    """Fernet-encrypt PLAIN with a key derived for PURPOSE from FIELD_ENCRYPTION_KEY."""
    return _fernet(f"{purpose}:{settings.FIELD_ENCRYPTION_KEY}").encrypt(plain)


def decrypt_bytes(token: bytes, *, purpose: str) -> bytes:
    try:
        return _fernet(f"{purpose}:{settings.FIELD_ENCRYPTION_KEY}").decrypt(token)
    except InvalidToken as exc:
        raise ValidationError("加密数据无法解密：密钥与写入时不一致。") from exc
