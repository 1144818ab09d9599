"""E-mail over real SMTP on loopback, both ways: residents' mail arrives at the intake server (in a thread
of this process, with its own database connection) and answers leave through a receiving peer."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sotong.connectors.email.server import drain_and_stop, make_controller
from sotong.connectors.email.tests.peers import Collector, eml, free_port, smtp_peer, smtp_settings
from sotong.connectors.models import Delivery
from sotong.connectors.outbox import delivery_send
from sotong.voice.choices import Channel, Status
from sotong.voice.models import Case, CaseMessage, ServiceCategory
from sotong.voice.services.handling import case_reply
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db(transaction=True)

ORIGINAL = "<CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>"


@pytest.fixture
def intake(district: Any) -> Iterator[Controller]:
    """`sotong mailin`'s server with the handler voice registered, on a free loopback port."""
    controller = make_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        drain_and_stop(controller, timeout=10)


def send(
    server: Controller, raw: bytes, *, to: str = "sotong@localhost", sender: str = "minji@example.com"
) -> Any:
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as client:
        return client.sendmail(sender, [to], raw)


def test_residents_mail_of_every_kind_becomes_cases(intake: Controller) -> None:
    for name in (
        "utf8_quoted_printable.eml",
        "euc_kr_outlook.eml",
        "html_only_with_script.eml",
        "iso_2022_kr.eml",
        "multipart_with_jpeg.eml",
    ):
        assert send(intake, eml(name)) == {}
    cases = {case.external_id: case for case in Case.objects.all()}
    assert len(cases) == 5
    assert all(case.channel == Channel.EMAIL and case.consent_contact for case in cases.values())
    assert cases[ORIGINAL].contact_email == "minji@example.com"
    assert "똠방각하" in cases["<000001db3e4f$8a2b1c40$9e8154c0$@example.co.kr>"].text
    assert "script" not in cases["<html-only-7f3a@example.net>"].text
    assert cases["<iso2022kr-1@example.org>"].title == "쓰레기 신고"
    assert cases["<photo-5b1c@example.com>"].attachments.count() == 1


def test_a_message_sent_twice_is_one_case_and_machines_are_accepted_but_not_taken_in(
    intake: Controller,
) -> None:
    send(intake, eml("utf8_quoted_printable.eml"))
    send(intake, eml("utf8_quoted_printable.eml"))
    assert send(intake, eml("auto_reply.eml"), to="sotong+2026-000001@localhost") == {}
    assert send(intake, eml("bounce.eml"), sender="") == {}
    assert Case.objects.count() == 1


def test_mail_for_anyone_else_is_refused(intake: Controller) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(intake, eml("utf8_quoted_printable.eml"), to="mayor@localhost")
    assert not Case.objects.exists()


def test_an_answer_goes_out_threaded_and_the_residents_reply_comes_back_to_the_case(
    intake: Controller, junho: Any
) -> None:
    send(intake, eml("utf8_quoted_printable.eml"))
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(category=ServiceCategory.objects.get(code="road_damage"))
    case = case_route(case=case)
    assert case.department is not None and case.department.code == "roads"
    case_reply(case=case, body="내일 오전에 보수하겠습니다.", by=junho)
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    answer = case.messages.get(purpose=CaseMessage.Purpose.ANSWER)
    delivery = Delivery.objects.get(channel="email", subject=f"voice.casemessage:{answer.pk}")

    collector = Collector()
    with smtp_peer(collector) as peer, smtp_settings(peer.port):
        sent = delivery_send(delivery_id=delivery.pk)
    assert sent.status == Delivery.Status.SENT, sent.last_error
    assert collector.envelopes[0].rcpt_tos == ["minji@example.com"]
    ours = email.message_from_bytes(collector.envelopes[0].original_content, policy=email.policy.default)
    assert ours["In-Reply-To"] == ORIGINAL
    assert ours["Subject"] == f"[영등포구] 민원 답변 {case.number}"
    assert "내일 오전에 보수하겠습니다." in ours.get_content()
    assert "도로과" in ours.get_content()
    reply_to = ours["Reply-To"].addresses[0].addr_spec
    assert reply_to == f"sotong+{case.number}@localhost"

    # 민지 answers from her mail client: Re: the subject, to the Reply-To, quoting our answer.
    reply = EmailMessage()
    reply["From"] = "김민지 <minji@example.com>"
    reply["To"] = str(ours["Reply-To"])
    reply["Subject"] = f"Re: {ours['Subject']}"
    reply["Message-ID"] = "<minji-reply-1@mail.example.com>"
    reply["In-Reply-To"] = ours["Message-ID"]
    reply["References"] = f"{ORIGINAL} {ours['Message-ID']}"
    quoted = "\n".join(f"> {line}" for line in ours.get_content().splitlines())
    reply.set_content(f"아직 그대로예요.\n\nOn Thu, 26 Nov 2026 at 09:00, 영등포구 소통 wrote:\n{quoted}\n")
    assert send(intake, reply.as_bytes(), to=reply_to) == {}

    assert Case.objects.count() == 1
    last = case.messages.last()
    assert last is not None
    assert (last.direction, last.body) == (CaseMessage.Direction.INBOUND, "아직 그대로예요.")
