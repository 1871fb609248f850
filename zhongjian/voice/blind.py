"""RSA blind signatures (RFC 9474, RSABSSA-SHA384-PSS-Deterministic) for unlinkable online codes.

A signed-in cadre's browser picks a random 32-byte message (random already, so the
deterministic variant's identity preparation is enough), encodes it (EMSA-PSS, SHA-384,
48-byte salt) and blinds it with a random factor ``r``; the server signs the blinded value
with the group's private key (:func:`blind_sign`) once per
cadre and wave; the browser removes ``r`` (:func:`finalize`) and later submits its answers with
the message and the signature, which the server checks with the standard RSASSA-PSS
verification (:func:`verify`, `cryptography`'s PSS verify). The server sees the blinded value
and the final signature, which share nothing it can compute: it cannot tell whose code it is.

The browser side is ``static/zhongjian/blind.js`` (BigInt and WebCrypto). :func:`blind` and
:func:`finalize` exist here too, for the RFC's test vector, for tests and the benchmark.
"""

import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HASH_LENGTH = 48  # SHA-384
SALT_LENGTH = 48
MESSAGE_LENGTH = 32
KEY_BITS = 2048


class BlindSignatureError(ValueError):
    """A blinded message or signature that is malformed or does not verify."""


@dataclass(frozen=True)
class PublicKey:
    n: int
    e: int

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8


def generate_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def private_to_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def private_from_pem(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BlindSignatureError("not an RSA key")
    return key


def public_of(key: rsa.RSAPrivateKey) -> PublicKey:
    numbers = key.public_key().public_numbers()
    return PublicKey(n=numbers.n, e=numbers.e)


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def _os2ip(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _mgf1(seed: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha384(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def emsa_pss_encode(message: bytes, em_bits: int, salt: bytes) -> bytes:
    """EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-384 and MGF1-SHA-384."""
    em_len = (em_bits + 7) // 8
    m_hash = hashlib.sha384(message).digest()
    if em_len < HASH_LENGTH + len(salt) + 2:
        raise BlindSignatureError("key too small")
    h = hashlib.sha384(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - HASH_LENGTH - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, _mgf1(h, em_len - HASH_LENGTH - 1), strict=True))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    return masked + h + b"\xbc"


def blind(
    public: PublicKey, prepared: bytes, *, salt: bytes | None = None, inv: int | None = None
) -> tuple[bytes, int]:
    """The blinded message and the inverse of the blinding factor (kept by the client)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_LENGTH)
    encoded = emsa_pss_encode(prepared, public.n.bit_length() - 1, salt)
    m = _os2ip(encoded)
    if m >= public.n or _gcd(m, public.n) != 1:
        raise BlindSignatureError("invalid input")
    if inv is None:
        while True:
            r = secrets.randbelow(public.n - 2) + 2
            if _gcd(r, public.n) == 1:
                break
        inv = pow(r, -1, public.n)
    else:
        r = pow(inv, -1, public.n)
    blinded = m * pow(r, public.e, public.n) % public.n
    return _i2osp(blinded, public.size), inv


def blind_sign(key: rsa.RSAPrivateKey, blinded: bytes) -> bytes:
    """The server's step: RSASP1 on the blinded message, checked by RSAVP1 (RFC 9474 §4.3)."""
    public = public_of(key)
    if len(blinded) != public.size:
        raise BlindSignatureError("wrong length")
    m = _os2ip(blinded)
    if m >= public.n:
        raise BlindSignatureError("out of range")
    numbers = key.private_numbers()
    # CRT: about four times faster than a plain pow(m, d, n).
    s1 = pow(m % numbers.p, numbers.dmp1, numbers.p)
    s2 = pow(m % numbers.q, numbers.dmq1, numbers.q)
    s = s2 + numbers.q * ((numbers.iqmp * (s1 - s2)) % numbers.p)
    if pow(s, public.e, public.n) != m:
        raise BlindSignatureError("signing failed")
    return _i2osp(s, public.size)


def finalize(public: PublicKey, prepared: bytes, blind_signature: bytes, inv: int) -> bytes:
    """The client's step: unblind, and check the signature before keeping it."""
    if len(blind_signature) != public.size:
        raise BlindSignatureError("wrong length")
    signature = _i2osp(_os2ip(blind_signature) * inv % public.n, public.size)
    if not verify(public, prepared, signature):
        raise BlindSignatureError("signature does not verify")
    return signature


def verify(public: PublicKey, prepared: bytes, signature: bytes) -> bool:
    """RSASSA-PSS-VERIFY with SHA-384, MGF1-SHA-384 and a 48-byte salt (`cryptography`)."""
    key = rsa.RSAPublicNumbers(public.e, public.n).public_key()
    try:
        key.verify(
            signature,
            prepared,
            padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=SALT_LENGTH),
            hashes.SHA384(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a
