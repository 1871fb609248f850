"""Encryption at rest for sensitive fields and keyed hashes for matching them without decrypting."""

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Iterable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from zhongjian.core.errors import ValidationError


@cache
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(b"zhongjian-field-encryption:" + key_material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_text(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode("utf-8")).decode("ascii")


def encrypt_texts(plains: Iterable[str]) -> list[str]:
    """`encrypt_text` of each of PLAINS: the same Fernet tokens (AES-128-CBC with a random IV,
    HMAC-SHA256, read back by `decrypt_text`), for the ID numbers of a large import.

    `Fernet.encrypt` builds a cipher, a padder and an HMAC object for every token, most of its
    cost for a short text. Here one AES block context serves the whole batch, chaining the CBC
    blocks itself, and one keyed HMAC is copied per token.
    """
    digest = hashlib.sha256(
        b"zhongjian-field-encryption:" + settings.FIELD_ENCRYPTION_KEY.encode()
    ).digest()
    # Fernet's key: the first half signs, the second encrypts.
    signing = hmac.new(digest[:16], digestmod=hashlib.sha256)
    block = Cipher(algorithms.AES(digest[16:]), modes.ECB()).encryptor()  # noqa: S305 (CBC below)
    stamp = b"\x80" + int(time.time()).to_bytes(8, "big")
    tokens = []
    for plain in plains:
        data = plain.encode("utf-8")
        pad = 16 - len(data) % 16
        data += bytes((pad,)) * pad
        iv = os.urandom(16)
        previous = int.from_bytes(iv, "big")
        parts = [stamp, iv]
        for start in range(0, len(data), 16):
            chained = int.from_bytes(data[start : start + 16], "big") ^ previous
            encrypted = block.update(chained.to_bytes(16, "big"))
            previous = int.from_bytes(encrypted, "big")
            parts.append(encrypted)
        body = b"".join(parts)
        signature = signing.copy()
        signature.update(body)
        tokens.append(base64.urlsafe_b64encode(body + signature.digest()).decode("ascii"))
    return tokens


def decrypt_text(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValidationError("加密数据无法解密：密钥与写入时不一致。") from exc


@cache
def _hmac(purpose: str, key_material: str) -> "hmac.HMAC":
    """The keyed HMAC of PURPOSE before any message, derived once per key (an import hashes a
    hundred thousand ID numbers)."""
    key = hashlib.sha256(f"zhongjian-hash:{purpose}:{key_material}".encode())
    return hmac.new(key.digest(), digestmod=hashlib.sha256)


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC of VALUE, stable for one deployment key, useless without it (no rainbow tables)."""
    digest = _hmac(purpose, settings.FIELD_ENCRYPTION_KEY).copy()
    digest.update(value.encode("utf-8"))
    return digest.hexdigest()


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
