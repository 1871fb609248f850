"""Field encryption: batched tokens are Fernet tokens that the single-value path reads back."""

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from zhongjian.core.crypto import decrypt_text, encrypt_text, encrypt_texts
from zhongjian.core.errors import ValidationError

TEXTS = ["", "1", "320105198503121234", "x" * 16, "x" * 31, "中文姓名" * 9]


def test_batched_tokens_decrypt_like_single_ones() -> None:
    """Every length (empty, one block, a block's edge, several blocks) reads back the same."""
    tokens = encrypt_texts(TEXTS)
    assert [decrypt_text(token) for token in tokens] == TEXTS
    # The same as Fernet's own tokens: version byte, timestamp, IV, blocks and HMAC.
    assert [len(token) for token in tokens] == [len(encrypt_text(text)) for text in TEXTS]
    assert all(base64.urlsafe_b64decode(token)[0] == 0x80 for token in tokens)


def test_batched_tokens_use_a_fresh_iv_each() -> None:
    """The same text twice gives two different tokens (a random IV per token)."""
    first, second = encrypt_texts(["320105198503121234"] * 2)
    assert first != second
    assert decrypt_text(first) == decrypt_text(second) == "320105198503121234"


@override_settings(FIELD_ENCRYPTION_KEY="another-deployment-key")
def test_batched_tokens_follow_the_deployment_key() -> None:
    """Tokens are made with the configured key: another key cannot read them."""
    (token,) = encrypt_texts(["320105198503121234"])
    assert decrypt_text(token) == "320105198503121234"
    with (
        override_settings(FIELD_ENCRYPTION_KEY="yet-another-key"),
        pytest.raises(ValidationError, match="密钥"),
    ):
        decrypt_text(token)
    # And Fernet itself, with the deployment's key, reads them.
    assert Fernet(base64.urlsafe_b64encode(_key())).decrypt(token.encode()) == b"320105198503121234"


def _key() -> bytes:
    return hashlib.sha256(b"zhongjian-field-encryption:another-deployment-key").digest()
