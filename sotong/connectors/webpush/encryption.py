"""Web Push message encryption (RFC 8291: aes128gcm of RFC 8188) for a subscription's keys."""

from __future__ import annotations

import hmac
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sotong.connectors.webpush.vapid import b64url_decode

RECORD_SIZE = 4096
# A push service accepts at most 4096 bytes of body: 86 bytes of header, 16 of tag, 1 of padding delimiter.
MAX_PLAINTEXT = RECORD_SIZE - 86 - 16 - 1
_CURVE = ec.SECP256R1()


class PushRefused(ValueError):
    """The subscription cannot be pushed to: bad keys or an endpoint not on the allow-list."""


def _hkdf(*, salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869) for outputs of at most one hash length, which is all RFC 8291 needs:
    extract, then the first block of expand. hmac.digest is a single C call, a few times cheaper than
    building a `cryptography` HKDF object per key."""
    prk = hmac.digest(salt, ikm, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")[:length]


def _receiver_point(p256dh: str) -> tuple[bytes, ec.EllipticCurvePublicKey]:
    try:
        raw = b64url_decode(p256dh)
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("not an uncompressed P-256 point")
        return raw, ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, raw)
    except ValueError as exc:
        raise PushRefused(f"the subscription's p256dh key is not usable: {exc}") from exc


def receiver_key(p256dh: str) -> ec.EllipticCurvePublicKey:
    return _receiver_point(p256dh)[1]


def auth_secret(auth: str) -> bytes:
    try:
        raw = b64url_decode(auth)
    except ValueError as exc:
        raise PushRefused("the subscription's auth secret is not base64url") from exc
    if len(raw) != 16:
        raise PushRefused("the subscription's auth secret is not 16 bytes")
    return raw


_KEY_INFO = b"WebPush: info\x00"
_CEK_INFO = b"Content-Encoding: aes128gcm\x00"
_NONCE_INFO = b"Content-Encoding: nonce\x00"
_RECORD_HEADER = RECORD_SIZE.to_bytes(4, "big") + bytes([65])


def encrypt(plaintext: bytes, *, p256dh: str, auth: str) -> bytes:
    """One aes128gcm record for the user agent's key (RFC 8291 §3.4, RFC 8188 §2), with a fresh ECDH key
    pair and salt for every message.

    Written with `cryptography` and hmac directly rather than through pywebpush/http_ece: the same steps
    at well under half the CPU time, which decides how many workers a 100,000-push fan-out needs. The
    tests decrypt it with http_ece, the reference implementation."""
    if len(plaintext) > MAX_PLAINTEXT:
        raise PushRefused(f"the message is {len(plaintext)} bytes; a push carries at most {MAX_PLAINTEXT}")
    ua_raw, ua_public = _receiver_point(p256dh)
    secret = auth_secret(auth)
    as_private = ec.generate_private_key(_CURVE)
    as_raw = as_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    shared = as_private.exchange(ec.ECDH(), ua_public)
    ikm = _hkdf(salt=secret, ikm=shared, info=_KEY_INFO + ua_raw + as_raw, length=32)
    salt = os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, _CEK_INFO + b"\x01", "sha256")[:16]
    nonce = hmac.digest(prk, _NONCE_INFO + b"\x01", "sha256")[:12]
    record = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)
    return salt + _RECORD_HEADER + as_raw + record
