from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def sotong(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SOTONG_DATA_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "sotong", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_secret_key_production_refuses_to_start(tmp_path: Path) -> None:
    result = sotong("check", tmp_path=tmp_path, DEBUG="0")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "sotong-development-key-not-for-production-use-0123456789abcdef",
        "django-insecure-" + "x1y2z3" * 10,
        "short-key",
    ],
)
def test_a_development_or_weak_key_is_refused(tmp_path: Path, key: str) -> None:
    result = sotong("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=key)
    assert result.returncode == 2
    assert "SECRET_KEY is a development or weak key" in result.stderr


def test_without_an_encryption_key_for_personal_data_production_refuses_to_start(tmp_path: Path) -> None:
    result = sotong("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 2
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    result = sotong(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="sotong.example.go.kr",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    result = sotong("check", tmp_path=tmp_path, DEBUG="maybe")
    assert result.returncode == 2
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    other = sotong("check", tmp_path=tmp_path, DEBUG="1", DATABASE_URL="mysql://root@localhost/x")
    assert other.returncode == 2
    assert "DATABASE_URL" in other.stderr


def test_the_embedded_shape_needs_nothing_but_python(tmp_path: Path) -> None:
    result = sotong("check", tmp_path=tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var").is_dir()
