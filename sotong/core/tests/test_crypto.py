from __future__ import annotations

import pytest

from sotong.core.crypto import decrypt, digest, encrypt


def test_encrypted_values_read_back_and_do_not_show_the_plain_text() -> None:
    token = encrypt("010-1234-5678")
    assert "1234" not in token
    assert decrypt(token) == "010-1234-5678"


def test_each_encryption_is_different_but_the_digest_is_stable() -> None:
    assert encrypt("minji@example.kr") != encrypt("minji@example.kr")
    assert digest("minji@example.kr") == digest("minji@example.kr")
    assert digest("minji@example.kr") != digest("minji@example.com")


def test_a_token_from_another_key_is_refused() -> None:
    from cryptography.fernet import Fernet

    foreign = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt(foreign)
