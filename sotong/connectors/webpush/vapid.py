"""VAPID (RFC 8292): the server's P-256 key pair and the signed JWT that goes with every push.

The private key is WEBPUSH_VAPID_PRIVATE_KEY: base64url of the raw 32-byte scalar (what
`sotong webpush_keys` prints and most Web Push libraries use) or a PEM. The public key, base64url of the
uncompressed point, is the browser's `applicationServerKey`. A JWT is valid for one push service origin
(`aud`) and at most 24 hours; one is signed per origin and reused for 12 hours, so a fan-out of 100,000
pushes to one service signs once.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_LIFETIME = 12 * 60 * 60
RENEW_BEFORE = 60 * 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_text(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key_text(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return b64url(
        public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ImproperlyConfigured("WEBPUSH_VAPID_PRIVATE_KEY is not a P-256 (prime256v1) key.")
        return key
    try:
        raw = b64url_decode(text)
    except ValueError as exc:
        raise ImproperlyConfigured("WEBPUSH_VAPID_PRIVATE_KEY is not base64url or PEM.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("WEBPUSH_VAPID_PRIVATE_KEY must be the raw 32-byte P-256 key, base64url.")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


@lru_cache(maxsize=4)
def _configured(text: str) -> ec.EllipticCurvePrivateKey:
    return load_private_key(text)


def server_key() -> ec.EllipticCurvePrivateKey:
    if not settings.WEBPUSH_VAPID_PRIVATE_KEY:
        raise ImproperlyConfigured("WEBPUSH_VAPID_PRIVATE_KEY is not set (run `sotong webpush_keys`).")
    return _configured(settings.WEBPUSH_VAPID_PRIVATE_KEY)


def application_server_key() -> str:
    """The public key for the browser's PushManager.subscribe({applicationServerKey})."""
    return public_key_text(server_key())


def audience(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def sign_jwt(claims: dict[str, object], key: ec.EllipticCurvePrivateKey) -> str:
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}".encode("ascii")
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return f"{header}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def verify_jwt(token: str, public_key_b64: str) -> dict[str, object]:
    """Check an ES256 JWT against a base64url public key; the claims, or ValueError."""
    from cryptography.exceptions import InvalidSignature

    try:
        header, body, signature = token.split(".")
        raw = b64url_decode(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key_b64))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
        if json.loads(b64url_decode(header)).get("alg") != "ES256":
            raise ValueError("not ES256")
        claims = json.loads(b64url_decode(body))
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise ValueError(f"bad VAPID token: {exc}") from exc
    if not isinstance(claims, dict):
        raise ValueError("bad VAPID token: claims are not an object")
    return claims


@dataclass
class _Token:
    header: str
    expires: float


class VapidSigner:
    """Authorization headers per push-service origin, signed once and reused until near expiry."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, subject: str) -> None:
        self.key = key
        self.subject = subject
        self.public = public_key_text(key)
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def authorization(self, endpoint: str, *, now: float | None = None) -> str:
        aud = audience(endpoint)
        now = time.time() if now is None else now
        with self._lock:
            token = self._tokens.get(aud)
            if token is None or token.expires - now < RENEW_BEFORE:
                expires = int(now) + TOKEN_LIFETIME
                jwt = sign_jwt({"aud": aud, "exp": expires, "sub": self.subject}, self.key)
                token = _Token(header=f"vapid t={jwt}, k={self.public}", expires=expires)
                self._tokens[aud] = token
            return token.header


def configured_signer() -> VapidSigner:
    return VapidSigner(server_key(), settings.WEBPUSH_VAPID_SUBJECT)
