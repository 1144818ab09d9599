"""The SMS / 알림톡 settings fail loudly, naming the variable, instead of failing the first message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SOTONG_DATA_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings.test as s; print(s.SMS_ENABLED, s.ALIMTALK_TEMPLATES)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_sms_is_off_and_starts_without_keys(tmp_path: Path) -> None:
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False {}"


def test_switched_on_without_the_keys_start_up_names_what_is_missing(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SMS_ENABLED="1", NHN_SMS_APP_KEY="app")
    assert result.returncode != 0
    assert "SMS_ENABLED is on but NHN_SMS_SECRET_KEY, NHN_SMS_SEND_NO is not set" in result.stderr


def test_alimtalk_on_needs_its_own_keys(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path,
        SMS_ENABLED="1",
        NHN_SMS_APP_KEY="app",
        NHN_SMS_SECRET_KEY="secret",
        NHN_SMS_SEND_NO="02-2670-3114",
        ALIMTALK_ENABLED="1",
    )
    assert result.returncode != 0
    assert "NHN_ALIMTALK_APP_KEY, NHN_ALIMTALK_SECRET_KEY, NHN_ALIMTALK_SENDER_KEY" in result.stderr


def test_templates_come_from_json(tmp_path: Path) -> None:
    result = load_settings(tmp_path, ALIMTALK_TEMPLATES='{"answer": "SOTONG_ANSWER"}')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False {'answer': 'SOTONG_ANSWER'}"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALIMTALK_TEMPLATES": "answer=SOTONG"}, "ALIMTALK_TEMPLATES is not valid JSON"),
        ({"ALIMTALK_TEMPLATES": '{"answer": "A_TEMPLATE_CODE_LONGER_THAN_20"}'}, "at most 20 characters"),
        ({"NHN_SMS_SEND_NO": "02-ABC-3114"}, "NHN_SMS_SEND_NO must be the registered sender number"),
        ({"SMS_PROVIDER": "twilio"}, "SMS_PROVIDER='twilio' is not supported"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_its_name(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr
