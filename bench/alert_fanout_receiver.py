"""The benchmark's receiver process: a loopback push service that checks every request as
`tests.peers.webpush_receiver.Receiver` does (aes128gcm, TTL, Urgency, the VAPID JWT for this origin)
and decrypts every body with the subscription's private key and auth secret, then counts distinct
(alert, subscriber) pairs and duplicates.

It decrypts with `cryptography` and hmac directly (RFC 8291 §3.4, one RFC 8188 record, which is what
the sender writes) rather than with http_ece: the same ECDH and AES-GCM, without http_ece's per-message
Python, so the receivers take less of the two cores the workers need. The tests decrypt with http_ece,
the reference, and a body that is not one record is handed to http_ece here too. A body that does not
decrypt (the AES-GCM tag fails) is refused with 400 and counted, never counted as delivered.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import signal
import time
from typing import Any

from alert_fanout_setup import KEY_POOL, auth_for, pool_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_INFO = b"WebPush: info\x00"
CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
CURVE = ec.SECP256R1()


def decrypt(body: bytes, private_key: ec.EllipticCurvePrivateKey, ua_raw: bytes, secret: bytes) -> bytes:
    """The plaintext of a one-record aes128gcm body; ValueError (or InvalidTag) when it is not one."""
    if len(body) < 21:
        raise ValueError("too short for an aes128gcm header")
    salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    as_raw, record = body[21 : 21 + id_length], body[21 + id_length :]
    if id_length != 65 or len(record) > record_size:
        raise LookupError("not a single record with a P-256 key id")
    shared = private_key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(CURVE, as_raw))
    prk = hmac.digest(secret, shared, "sha256")
    ikm = hmac.digest(prk, KEY_INFO + ua_raw + as_raw + b"\x01", "sha256")
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, CEK_INFO, "sha256")[:16]
    nonce = hmac.digest(prk, NONCE_INFO, "sha256")[:12]
    plain = AESGCM(cek).decrypt(nonce, record, None).rstrip(b"\x00")
    if not plain.endswith(b"\x02"):
        raise ValueError("the last record does not end with the 0x02 delimiter")
    return plain[:-1]


def run_receiver(port: int, vapid_public: str) -> None:
    import http_ece
    import uvloop

    from tests.peers.webpush_receiver import Answer, Receiver

    keys = pool_keys()
    raw_keys = [
        k.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        for k in keys
    ]
    pairs: set[tuple[int, int]] = set()
    per_alert: dict[int, int] = {}
    state = {"decrypted": 0, "duplicates": 0, "last_at": 0.0}

    class BenchReceiver(Receiver):
        def handle(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
            if path == "/stats":
                stats: dict[str, Any] = {
                    **state,
                    "per_alert": per_alert,
                    "refused": len(self.refused),
                    "requests": self.requests,
                }
                if self.refused:
                    stats["first_refusal"] = self.refused[0][1]
                return Answer(200, {"Content-Type": "application/json"}, json.dumps(stats).encode())
            self.requests += 1
            if not path.startswith("/push/"):
                return Answer(404)
            name = path[len("/push/") :]
            try:
                number = int(name)
                if headers.get("content-encoding") != "aes128gcm":
                    raise ValueError("Content-Encoding is not aes128gcm")
                if not headers.get("ttl", "").isdigit():
                    raise ValueError("no TTL")
                if headers.get("urgency", "normal") not in ("very-low", "low", "normal", "high"):
                    raise ValueError("bad Urgency")
                self._check_vapid(headers.get("authorization", ""))
                key, secret = keys[number % KEY_POOL], auth_for(number)
                try:
                    payload = decrypt(body, key, raw_keys[number % KEY_POOL], secret)
                except LookupError:
                    payload = http_ece.decrypt(body, private_key=key, auth_secret=secret, version="aes128gcm")
                alert = int(json.loads(payload)["alert"])
            except Exception as exc:
                self.refused.append((name, f"{type(exc).__name__}: {exc}"))
                return Answer(400)
            state["decrypted"] += 1
            pair = (alert, number)
            if pair in pairs:
                state["duplicates"] += 1
            else:
                pairs.add(pair)
                per_alert[alert] = per_alert.get(alert, 0) + 1
            state["last_at"] = time.time()
            return Answer(201)

    receiver = BenchReceiver(port=port, vapid_public_key=vapid_public, keep_messages=False)

    async def serve() -> None:
        serving = asyncio.ensure_future(receiver.serve())
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, serving.cancel)
        await asyncio.gather(serving, return_exceptions=True)

    uvloop.install()
    asyncio.run(serve())
