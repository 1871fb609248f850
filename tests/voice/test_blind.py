"""RFC 9474 blind signatures: the test vector step by step, and round trips with fresh keys."""

from pathlib import Path

import pytest

from zhongjian.voice import blind

VECTOR_FILE = Path(__file__).with_name("rfc9474_vector.txt")


def _vector() -> dict[str, str]:
    """The RSABSSA-SHA384 test vector of the RFC 9474 drafts' repository (hex values wrapped over
    lines). Its encoding and signature are over ``msg`` itself, i.e. the PSS-Deterministic
    variant (identity preparation), which is the one used here; its msg_prefix is not used."""
    values: dict[str, str] = {}
    name = ""
    for line in VECTOR_FILE.read_text().splitlines():
        if " = " in line:
            name, value = line.split(" = ")
            values[name] = value
        else:
            values[name] += line.strip()
    return values


def test_the_rfc_9474_vector_is_reproduced_step_by_step() -> None:
    """Encoding, blinding, the server's signature and the unblinded signature all equal the RFC's
    values, and cryptography's standard PSS verify accepts the final signature."""
    v = _vector()
    public = blind.PublicKey(n=int(v["n"], 16), e=int(v["e"], 16))
    prepared = bytes.fromhex(v["msg"])
    encoded = blind.emsa_pss_encode(prepared, public.n.bit_length() - 1, bytes.fromhex(v["salt"]))
    assert encoded.hex() == v["encoded_msg"]
    blinded, inv = blind.blind(
        public, prepared, salt=bytes.fromhex(v["salt"]), inv=int(v["inv"], 16)
    )
    assert blinded.hex() == v["blinded_msg"]
    from cryptography.hazmat.primitives.asymmetric import rsa

    p, q, d = int(v["p"], 16), int(v["q"], 16), int(v["d"], 16)
    key = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(public.e, public.n),
    ).private_key()
    assert blind.blind_sign(key, blinded).hex() == v["blind_sig"]
    signature = blind.finalize(public, prepared, bytes.fromhex(v["blind_sig"]), inv)
    assert signature.hex() == v["sig"]
    assert blind.verify(public, prepared, signature)


@pytest.fixture(scope="module")
def key():
    return blind.generate_key()


def test_a_fresh_round_trip_verifies_and_a_changed_message_does_not(key) -> None:
    """Blind, sign, unblind: the signature verifies for its message only, and the blinded value
    the server saw is not the signature's message encoding (the server cannot link them)."""
    public = blind.public_of(key)
    prepared = b"token-1" * 4
    blinded, inv = blind.blind(public, prepared)
    signature = blind.finalize(public, prepared, blind.blind_sign(key, blinded), inv)
    assert blind.verify(public, prepared, signature)
    assert not blind.verify(public, prepared + b"x", signature)
    assert blinded != signature
    other = blind.public_of(blind.generate_key())
    assert not blind.verify(other, prepared, signature)


def test_malformed_blinded_messages_are_refused(key) -> None:
    """Wrong length or out of range: BlindSignatureError, never a signature."""
    public = blind.public_of(key)
    with pytest.raises(blind.BlindSignatureError):
        blind.blind_sign(key, b"\x01" * 10)
    with pytest.raises(blind.BlindSignatureError):
        blind.blind_sign(key, (public.n + 1).to_bytes(public.size + 1, "big")[1:])
