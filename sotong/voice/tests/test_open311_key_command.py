from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sotong.core.crypto import digest
from sotong.voice.models import Open311Key
from sotong.voice.open311.keys import key_check

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_prints_a_new_key_once_and_stores_only_its_digest(district: Any) -> None:
    raw, note = run("create", "fixmystreet")
    assert len(raw) >= 32 and raw.isascii() and " " not in raw
    assert "cannot be shown again" in note
    key = Open311Key.objects.get(name="fixmystreet")
    assert key.key_digest == digest(raw) and raw not in key.key_digest
    assert key.is_active and key_check(raw=raw) == key
    second, _note = run("create", "mobile-app")
    assert second != raw


def test_a_name_is_used_once_and_must_be_plain(district: Any) -> None:
    run("create", "fixmystreet")
    with pytest.raises(CommandError, match="exists already"):
        run("create", "fixmystreet")
    with pytest.raises(CommandError, match="letters, digits"):
        run("create", "has spaces")


def test_list_and_revoke(district: Any) -> None:
    assert run("list")[0] == "No Open311 keys."
    raw, _note = run("create", "fixmystreet")
    run("create", "mobile-app")
    listing = run("list")[0].splitlines()
    assert [line.split("\t")[:2] for line in listing] == [["fixmystreet", "active"], ["mobile-app", "active"]]
    assert "last used never" in listing[0]

    assert run("revoke", "fixmystreet")[0] == "Key 'fixmystreet' revoked."
    assert key_check(raw=raw) is None
    assert run("list")[0].splitlines()[0].split("\t")[1] == "revoked"
    with pytest.raises(CommandError, match="No key"):
        run("revoke", "nobody")
