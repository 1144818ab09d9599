from __future__ import annotations

import pytest

from sotong.connectors.webpush.allowlist import endpoint_refusal


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://db5p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://api.push.apple.com/3/device/abc",
        "https://fcm.googleapis.com:443/fcm/send/x",
    ],
)
def test_it_accepts_the_known_push_services(endpoint: str) -> None:
    assert endpoint_refusal(endpoint) is None


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("http://fcm.googleapis.com/fcm/send/x", "not https"),
        ("https://fcm.googleapis.com:8443/fcm/send/x", "port"),
        ("https://user:pw@fcm.googleapis.com/fcm/send/x", "user name"),
        ("https://fcm.googleapis.com@evil.example/x", "user name"),
        ("https://evil.example/push", "not a known push service"),
        ("https://fcm.googleapis.com.evil.example/x", "not a known push service"),
        ("https://push.apple.com/x", "not a known push service"),
        ("https://evilpush.apple.com/x", "not a known push service"),
        ("https://142.250.196.106/fcm/send/x", "IP address"),
        ("https://[::1]/x", "IP address"),
        ("https://2130706433/x", "IP address"),
        ("https://fcm.googleapis.com./x", "IP address or not a plain host"),
        ("https://127.0.0.1/x", "IP address"),
        ("file:///etc/passwd", "no host"),
        ("https://fcm.googleapis.com/x y", "spaces"),
        ("", "no endpoint"),
    ],
)
def test_it_refuses_anything_else(endpoint: str, reason: str) -> None:
    refusal = endpoint_refusal(endpoint)
    assert refusal is not None and reason in refusal


def test_loopback_is_refused_unless_the_test_switch_is_on(settings) -> None:
    settings.WEBPUSH_ALLOW_LOOPBACK = False
    assert endpoint_refusal("http://127.0.0.1:8080/push/a") is not None
    settings.WEBPUSH_ALLOW_LOOPBACK = True
    assert endpoint_refusal("http://127.0.0.1:8080/push/a") is None
    assert endpoint_refusal("http://10.0.0.1:8080/push/a") is not None


def test_production_settings_refuse_the_loopback_switch() -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "0",
        "WEBPUSH_ALLOW_LOOPBACK": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-0123456789-abcdefgh",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "WEBPUSH_ALLOW_LOOPBACK" in result.stderr
