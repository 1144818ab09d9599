"""The intake SMTP server on loopback, with a handler that keeps what it is given (the handler that
stores cases is exercised in voice/tests/test_email_smtp_round_trip.py)."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sotong.connectors.email.server import drain_and_stop, make_controller

from .peers import eml, free_port


@contextmanager
def intake(deliver: Callable[[bytes], Any], **kwargs: Any) -> Iterator[Controller]:
    controller = make_controller(host="127.0.0.1", port=free_port(), deliver=deliver, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        drain_and_stop(controller, timeout=5)


def test_it_accepts_mail_for_the_inbound_address_and_its_plus_addresses() -> None:
    got: list[bytes] = []
    with intake(got.append) as server, smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        refused = client.sendmail(
            "minji@example.com",
            ["sotong@localhost", "SOTONG+2026-000001@localhost"],
            eml("utf8_quoted_printable.eml"),
        )
    assert refused == {}
    assert len(got) == 1
    head = got[0].split(b"\r\n\r\n", 1)[0].decode()
    # What the envelope said comes first, as a delivering server writes it.
    assert head.startswith(
        "Return-Path: <minji@example.com>\r\nDelivered-To: sotong@localhost\r\n"
        "Delivered-To: SOTONG+2026-000001@localhost\r\n"
    )
    assert got[0].endswith(eml("utf8_quoted_printable.eml").split(b"\r\n", 1)[1])


def test_other_recipients_get_550() -> None:
    got: list[bytes] = []
    with intake(got.append) as server, smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail(
                "spam@example.com", ["mayor@localhost", "sotong@example.com"], b"Subject: x\r\n\r\nx"
            )
        assert {code for code, _ in refused.value.recipients.values()} == {550}
        partly = client.sendmail(
            "a@example.com", ["mayor@localhost", "sotong@localhost"], b"Subject: x\r\n\r\nx"
        )
    assert list(partly) == ["mayor@localhost"]
    assert len(got) == 1


def test_250_comes_only_after_the_handler_stored_the_message() -> None:
    stored = threading.Event()

    def slow(raw: bytes) -> None:
        time.sleep(0.3)
        stored.set()

    with intake(slow) as server, smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.sendmail("minji@example.com", ["sotong@localhost"], eml("utf8_quoted_printable.eml"))
        assert stored.is_set()


def test_a_handler_that_fails_makes_the_sender_try_again() -> None:
    def broken(raw: bytes) -> None:
        raise RuntimeError("database is down")

    with (
        intake(broken) as server,
        smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPDataError) as error,
    ):
        client.sendmail("minji@example.com", ["sotong@localhost"], eml("utf8_quoted_printable.eml"))
    assert error.value.smtp_code == 451


def test_a_message_over_the_size_limit_is_refused() -> None:
    got: list[bytes] = []
    with (
        intake(got.append, max_bytes=2000) as server,
        smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPException) as error,
    ):
        client.sendmail(
            "minji@example.com", ["sotong@localhost"], b"Subject: big\r\n\r\n" + (b"x" * 70 + b"\r\n") * 100
        )
    assert "552" in str(error.value)
    assert got == []
