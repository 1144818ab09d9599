from __future__ import annotations

import email.policy
import io
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from sotong.connectors.email import inbound
from sotong.connectors.email.inbound import RefusedEmail, parse_email
from sotong.connectors.email.text import html_to_text, strip_quoted

from .peers import eml


def jpeg(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def message(**headers: str) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = headers.pop("From", "김민지 <minji@example.com>")
    msg["To"] = headers.pop("To", "sotong@localhost")
    msg["Subject"] = headers.pop("Subject", "보도블록 파손")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("당산역 앞 보도블록이 깨졌습니다.")
    return msg


def test_it_reads_a_utf8_quoted_printable_message() -> None:
    mail = parse_email(eml("utf8_quoted_printable.eml"))
    assert mail.sender == "minji@example.com"
    assert mail.sender_name == "김민지"
    assert mail.subject == "당산역 4번 출구 보도블록 파손"
    assert mail.message_id == "<CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>"
    assert mail.text.startswith("안녕하세요. 당산역 4번 출구 앞 보도블록이 깨져서")
    assert mail.text.endswith("김민지 드림")
    assert "=EC" not in mail.text
    assert mail.date is not None and mail.date.utcoffset() is not None
    assert mail.images == ()


def test_it_reads_euc_kr_from_a_korean_outlook_as_cp949_and_prefers_the_plain_part() -> None:
    mail = parse_email(eml("euc_kr_outlook.eml"))
    assert mail.sender == "seojun.park@example.co.kr"
    assert mail.sender_name == "박서준"
    assert mail.subject == "신길동 가로등 고장 신고"
    # 똠 is not in EUC-KR: only a CP949 reading keeps it.
    assert "똠방각하" in mail.text
    assert "\ufffd" not in mail.text
    assert "MsoNormal" not in mail.text and "<" not in mail.text


def test_it_reads_iso_2022_kr() -> None:
    mail = parse_email(eml("iso_2022_kr.eml"))
    assert mail.subject == "쓰레기 신고"
    assert mail.text == "망원 유수지 옆 산책로에 쓰레기가 쌓여 있습니다."


def test_an_html_only_message_becomes_plain_text_without_its_script() -> None:
    mail = parse_email(eml("html_only_with_script.eml"))
    assert mail.subject == "문래동 불법 주차"
    assert "문래동 창작촌 골목에 불법 주차가 매일 있습니다." in mail.text
    assert "소방차 진입이 어려워요 & 위험합니다" in mail.text
    for leftover in (
        "<",
        ">",
        "script",
        "document.cookie",
        "evil.example",
        "onclick",
        "tracker",
        "color:red",
    ):
        assert leftover not in mail.text
    assert "제목" not in mail.text  # the <title>


def test_image_parts_are_passed_on_with_their_declared_names() -> None:
    mail = parse_email(eml("multipart_with_jpeg.eml"))
    assert mail.text == "당산역 4번 출구 앞 파손된 보도블록 사진입니다."
    assert [(i.name, i.content_type) for i in mail.images] == [
        ("파손된 보도블록.jpg", "image/jpeg"),
        ("broken.jpg", "image/jpeg"),  # no path; whether it is a picture is for the photo check
    ]
    assert mail.images[0].content.startswith(b"\xff\xd8")


def test_at_most_five_images_are_kept_and_oversized_ones_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    msg = message()
    msg.add_attachment(jpeg((400, 400)), maintype="image", subtype="jpeg", filename="big.jpg")
    for number in range(7):
        msg.add_attachment(jpeg(), maintype="image", subtype="jpeg", filename=f"p{number}.jpg")
    monkeypatch.setattr(inbound, "MAX_IMAGE_BYTES", len(jpeg()) + 10)
    mail = parse_email(msg.as_bytes())
    assert [i.name for i in mail.images] == ["p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg"]


def test_a_photo_sent_as_octet_stream_with_an_image_name_is_kept() -> None:
    msg = message()
    msg.add_attachment(jpeg(), maintype="application", subtype="octet-stream", filename="IMG_0001.JPG")
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="setup.exe")
    assert [i.name for i in parse_email(msg.as_bytes()).images] == ["IMG_0001.JPG"]


def test_a_reply_keeps_its_thread_and_tag_and_loses_the_quoted_history() -> None:
    mail = parse_email(eml("reply_to_case.eml"))
    assert mail.tags == ("2026-000001",)
    assert mail.subject == "Re: [영등포구] 민원 답변 [2026-000001]"
    assert mail.in_reply_to == ("<0123456789abcdef0123456789abcdef@localhost>",)
    assert mail.thread_ids == [
        "<0123456789abcdef0123456789abcdef@localhost>",
        "<CAF1x9qk3Zt0-minji-20261125091201@mail.example.com>",
    ]
    assert mail.text == "감사합니다. 그런데 오늘 아침에 보니 아직 그대로입니다.\n사진을 다시 보내 드릴까요?"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("auto_reply.eml", "automatic"), ("bounce.eml", "report")],
)
def test_machine_mail_is_refused(name: str, reason: str) -> None:
    with pytest.raises(RefusedEmail, match=reason):
        parse_email(eml(name))


@pytest.mark.parametrize(
    "headers",
    [
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"Precedence": "junk"},
        {"X_Autorespond": "yes"},
        {"Auto_Submitted": "auto-generated"},
        {"From": "MAILER-DAEMON@mail.example.com"},
        {"From": "영등포구 소통 <sotong+2026-000001@localhost>"},
        {"From": "not an address"},
    ],
)
def test_auto_replies_bounces_lists_and_our_own_mail_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(RefusedEmail):
        parse_email(message(**headers).as_bytes())


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert parse_email(message(Auto_Submitted="no").as_bytes()).sender == "minji@example.com"


def test_an_empty_return_path_is_a_bounce() -> None:
    with pytest.raises(RefusedEmail, match="return path"):
        parse_email(b"Return-Path: <>\r\n" + message().as_bytes())


def test_a_message_over_the_size_cap_is_refused() -> None:
    raw = message().as_bytes()
    with pytest.raises(RefusedEmail, match="larger"):
        parse_email(raw, max_bytes=len(raw) - 1)


def test_without_a_message_id_the_id_is_a_digest_that_ignores_trace_headers() -> None:
    raw = message().as_bytes()
    mail = parse_email(raw)
    assert mail.message_id == ""
    assert mail.external_id.startswith("sha256:")
    relayed = b"Return-Path: <minji@example.com>\r\nReceived: from a\r\n\tby b; Wed, 25 Nov 2026\r\n" + raw
    assert parse_email(relayed).external_id == mail.external_id


def test_a_raw_cp949_subject_from_a_client_that_does_not_encode_headers() -> None:
    raw = (
        b"From: minji@example.com\r\nTo: sotong@localhost\r\nSubject: "
        + "가로등 고장 똠".encode("cp949")
        + b"\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n"
        + "불이 꺼졌어요".encode("cp949")
    )
    mail = parse_email(raw)
    assert mail.subject == "가로등 고장 똠"
    assert mail.text == "불이 꺼졌어요"


def test_an_undeclared_charset_is_read_as_utf8_or_cp949() -> None:
    for encoding in ("utf-8", "cp949"):
        raw = b"From: a@example.com\r\nSubject: x\r\n\r\n" + "하수구 악취".encode(encoding)
        assert parse_email(raw).text == "하수구 악취"


def test_outlook_history_without_quote_marks_is_cut() -> None:
    text = "확인했습니다.\n\n-----Original Message-----\nFrom: 영등포구\nSent: Monday\n\n이전 답변"
    assert strip_quoted(text) == "확인했습니다."
    korean = (
        "네 알겠습니다.\n\n________________________________\n보낸 사람: 영등포구 소통 <sotong@localhost>\n"
        "보낸 날짜: 2026년 11월 25일 수요일 오후 3:00\n받는 사람: 김민지\n제목: 민원 답변\n\n이전 답변"
    )
    assert strip_quoted(korean) == "네 알겠습니다."


def test_a_wrapped_gmail_attribution_and_a_bottom_posted_answer() -> None:
    text = (
        "On Wed, Nov 25, 2026 at 3:00 PM 영등포구 소통 <sotong@localhost>\nwrote:\n"
        "> 내일 오전에 보수하겠습니다.\n>\n\n아직 그대로예요."
    )
    assert strip_quoted(text) == "아직 그대로예요."


def test_html_mail_history_is_cut_at_the_attribution() -> None:
    text = html_to_text(
        "<div>고맙습니다</div><div class='gmail_quote'><div>2026년 11월 25일 (수) 오후 3:00, "
        "영등포구 소통 &lt;sotong@localhost&gt;님이 작성:</div><blockquote>이전 답변</blockquote></div>"
    )
    assert strip_quoted(text) == "고맙습니다"


def test_a_sentence_mentioning_from_is_not_history() -> None:
    text = "From: 당산역 to 영등포역 구간\n보도가 좁아요."
    assert strip_quoted(text) == text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused(raw: bytes) -> None:
    try:
        mail = parse_email(raw)
    except RefusedEmail:
        return
    assert "@" in mail.sender


@settings(max_examples=200, deadline=None)
@given(
    subject=st.text(max_size=80),
    name=st.text(max_size=30),
    body=st.binary(max_size=500),
    charset=st.sampled_from(["utf-8", "euc-kr", "ks_c_5601-1987", "iso-2022-kr", "x-unknown", ""]),
    encoding=st.sampled_from(["base64", "quoted-printable", "8bit", "bogus"]),
)
def test_any_headers_and_bodies_are_read_or_refused(
    subject: str, name: str, body: bytes, charset: str, encoding: str
) -> None:
    head = (
        f"From: {name} <minji@example.com>\r\nSubject: {subject}\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    raw = head.encode("utf-8", "surrogateescape") + body
    try:
        mail = parse_email(raw)
    except RefusedEmail:
        return
    assert "\x00" not in mail.text and "\x00" not in mail.subject
    assert "\n" not in mail.subject and len(mail.sender_name) <= 60
