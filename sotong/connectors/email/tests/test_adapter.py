from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from django.test import override_settings

from sotong.connectors.email.adapter import EmailAdapter
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_enqueue, delivery_send

from .peers import Collector, free_port, smtp_peer, smtp_settings

pytestmark = pytest.mark.django_db

ORIGINAL = "<CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>"


def answer(key: str = "voice:42:email", **payload: Any) -> Delivery:
    return delivery_enqueue(
        channel="email",
        idempotency_key=key,
        recipient="minji@example.com",
        payload={
            "subject": "[영등포구] 민원 답변 2026-000123",
            "text": "도로과의 답변입니다.\n\n내일 오전에 보수하겠습니다.",
            "case": "2026-000123",
            "in_reply_to": ORIGINAL,
            **payload,
        },
    )


def received(collector: Collector, index: int = -1) -> Any:
    return email.message_from_bytes(collector.envelopes[index].original_content, policy=email.policy.default)


def test_it_sends_a_threaded_korean_plain_text_answer_that_comes_back_to_the_case() -> None:
    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        delivery = delivery_send(delivery_id=answer().pk)
    assert delivery.status == Delivery.Status.SENT, delivery.last_error
    envelope = collector.envelopes[0]
    assert envelope.mail_from == "sotong@localhost"
    assert envelope.rcpt_tos == ["minji@example.com"]
    msg = received(collector)
    assert msg["Subject"] == "[영등포구] 민원 답변 2026-000123"
    assert "=?utf-8?" in envelope.original_content.decode("ascii", "replace").split("\r\n\r\n")[0]
    assert msg["From"].addresses[0].display_name == "영등포구 소통"
    assert msg["To"].addresses[0].addr_spec == "minji@example.com"
    assert msg["Reply-To"].addresses[0].addr_spec == "sotong+2026-000123@localhost"
    assert msg["In-Reply-To"] == ORIGINAL
    assert msg["References"] == f"<sotong-case-2026-000123@localhost> {ORIGINAL}"
    assert msg["Message-ID"] == delivery.external_id
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert (
        msg.get_content().replace("\r\n", "\n").strip()
        == "도로과의 답변입니다.\n\n내일 오전에 보수하겠습니다."
    )


def test_a_retry_sends_the_same_message_id() -> None:
    collector = Collector()
    delivery = answer()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        EmailAdapter().send(delivery)
        EmailAdapter().send(delivery)
        EmailAdapter().send(answer(key="voice:43:email"))
    ids = [received(collector, i)["Message-ID"] for i in range(3)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].endswith("@localhost>")


def test_the_case_number_is_added_to_a_subject_without_it_and_a_bad_parent_id_is_left_out() -> None:
    collector = Collector()
    delivery = answer(subject="답변 안내", in_reply_to="not-a-message-id\r\nBcc: x@example.com")
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        EmailAdapter().send(delivery)
    msg = received(collector)
    assert msg["Subject"] == "답변 안내 [2026-000123]"
    assert msg["In-Reply-To"] is None and msg["Bcc"] is None
    assert msg["References"] == "<sotong-case-2026-000123@localhost>"


def test_every_message_about_a_case_from_another_channel_shares_one_thread_reference() -> None:
    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        EmailAdapter().send(answer(key="voice:1:email", in_reply_to="", subject="접수 안내"))
        EmailAdapter().send(answer(key="voice:2:email", in_reply_to="", subject="답변"))
    first, second = received(collector, 0), received(collector, 1)
    assert first["Message-ID"] != second["Message-ID"]
    assert first["References"] == second["References"] == "<sotong-case-2026-000123@localhost>"


def test_a_refused_recipient_fails_for_good() -> None:
    collector = Collector(refuse={"minji@example.com": "550 5.1.1 <minji@example.com>: user unknown"})
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        delivery = delivery_send(delivery_id=answer().pk)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert "550" in delivery.last_error and "user unknown" in delivery.last_error
    assert "minji@example.com" not in delivery.last_error
    assert collector.envelopes == []


def test_a_busy_mailbox_is_tried_again() -> None:
    collector = Collector(refuse={"minji@example.com": "451 4.2.0 mailbox busy, try later"})
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        delivery = delivery_send(delivery_id=answer().pk)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.next_attempt_at is not None
    assert "451" in delivery.last_error


def test_a_refused_connection_is_tried_again() -> None:
    with smtp_settings(free_port()):
        delivery = delivery_send(delivery_id=answer().pk)
    assert delivery.status == Delivery.Status.RETRYING
    assert "could not be reached" in delivery.last_error


def test_with_email_disabled_nothing_is_sent() -> None:
    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port), override_settings(EMAIL_ENABLED=False):
        delivery = delivery_send(delivery_id=answer().pk)
    assert delivery.status == Delivery.Status.FAILED
    assert collector.envelopes == []
