"""The 소통TV chat: moderation before anything is shown, bans, the studio desk and referrals to voice."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sotong.core.masking import mask_text
from sotong.core.models import AuditEvent
from sotong.tv.choices import BroadcastState, ChatMode, ChatSource, ChatState, DeskState, HoldReason
from sotong.tv.models import ChatBan, ChatMessage
from sotong.tv.moderation import has_link, is_profane, skeleton
from sotong.tv.services import chat as chat_services
from sotong.tv.services import desk as desk_services
from sotong.tv.services.chat import ChatRefused, Incoming

DEVICE = "d" * 64
OTHER_DEVICE = "e" * 64


@pytest.mark.parametrize(
    "text",
    [
        "씨발",  # korcen 1.0.3 misses it
        "씨 발",  # spaced
        "씨.발 진짜",  # punctuation between letters
        "ㅆㅣㅂㅏㄹ",  # jamo typed apart
        "ㅆ1ㅂㅏㄹ",  # a digit for the vowel
        "시1발",  # a digit slipped in
        "ㅅㅂ 뭐야",
        "개 새 끼",
        "ｆｕｃｋ",  # full-width
        "sh!t",
        "병신",
    ],
)
def test_profanity_is_caught_however_it_is_spelled(text: str) -> None:
    assert is_profane(text), skeleton(text)


@pytest.mark.parametrize(
    "text",
    [
        "병신년 새해 복 많이 받으세요",  # 丙申年: korcen flagged it
        "시발점으로 돌아가 다시 생각해 봅시다",  # a starting point
        "구청장님 안녕하세요, 주차 문제 질문 드립니다",
        "공원에 신발이 떨어져 있어요",
        "1등 축하합니다",
        "신호등 고장 신고합니다",
    ],
)
def test_ordinary_korean_is_not_profanity(text: str) -> None:
    assert not is_profane(text)


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("https://example.com 보세요", True),
        ("www.naver.com", True),
        ("bit.ly/abc 클릭", True),
        ("example[.]com", True),
        ("example 닷 com", True),
        ("네이버에서 검색해 보세요", False),
        ("3.14 km 거리", False),
    ],
)
def test_links_are_recognised(text: str, linked: bool) -> None:
    assert has_link(text) is linked


def test_personal_data_in_a_line_is_masked() -> None:
    masked = mask_text(
        "제 번호 010-1234-5678, 카드 1234-5678-9012-3456, 계좌 110-123-456789, "
        "주민번호 900101-1234567, 메일 minji@example.kr, 차 12가 3456, 날짜 2026-12-07"
    )
    assert "1234-5678" not in masked and "010-****-5678" in masked
    assert "****-****-****-3456" in masked
    assert "110-123" not in masked and "6789" in masked
    assert "900101" not in masked
    assert "m****@example.kr" in masked
    assert "**가 ****" in masked
    assert "2026-12-07" in masked  # a date is not an account number


@pytest.fixture
def live(make_broadcast: Any) -> Any:
    broadcast = make_broadcast(starts_in=-5)
    broadcast.state = BroadcastState.LIVE
    broadcast.save()
    return broadcast


def say(broadcast: Any, body: str, *, author: str = "영등포주민", device: str = DEVICE, **extra: Any) -> Any:
    return chat_services.chat_receive(
        Incoming(
            broadcast_id=broadcast.pk,
            author=author,
            body=body,
            author_key=device,
            address_digest="a" * 64,
            **extra,
        )
    )


@pytest.mark.django_db
def test_a_line_is_stored_masked_and_shown(live: Any) -> None:
    message, created = say(live, "우리 집 번호는 010-2222-3333 이에요")
    assert created and message.state == ChatState.VISIBLE
    assert message.body == "우리 집 번호는 010-****-3333 이에요"
    assert "2222" not in str(chat_services.public(message))
    assert "author_key" not in chat_services.public(message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [("자세한 건 www.example.com 에서", HoldReason.LINK), ("씨 발 뭐하냐", HoldReason.PROFANITY)],
)
def test_links_and_profanity_wait_for_a_moderator(live: Any, body: str, reason: str) -> None:
    message, _ = say(live, body)
    assert message.state == ChatState.HELD and message.held_reason == reason


@pytest.mark.django_db
def test_review_mode_holds_every_line(live: Any) -> None:
    live.chat_mode = ChatMode.REVIEW
    live.save()
    message, _ = say(live, "안녕하세요")
    assert (message.state, message.held_reason) == (ChatState.HELD, HoldReason.REVIEW)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("author", "body", "code"),
    [
        ("주민", "가" * 301, "long"),
        ("주민", "   ", "empty"),
        ("주민", "안녕\x00하세요", "control"),
        ("주민\u202e", "안녕하세요", "control"),
        ("", "안녕하세요", "name"),
        ("가" * 21, "안녕하세요", "name"),
        ("소통TV 스튜디오", "공지입니다", "name"),  # only the studio speaks as the studio
        ("씨발놈", "안녕하세요", "name"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(
    live: Any, author: str, body: str, code: str
) -> None:
    with pytest.raises(ChatRefused) as refused:
        say(live, body, author=author)
    assert refused.value.code == code and str(refused.value.message)
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_a_closed_or_ended_chat_takes_nothing(live: Any) -> None:
    live.chat_mode = ChatMode.CLOSED
    live.save()
    with pytest.raises(ChatRefused):
        say(live, "안녕하세요")
    live.chat_mode, live.state = ChatMode.OPEN, BroadcastState.ENDED
    live.save()
    with pytest.raises(ChatRefused):
        say(live, "안녕하세요")
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_a_ban_survives_a_new_nickname_and_hides_what_they_wrote(live: Any, studio: Any) -> None:
    first, _ = say(live, "첫 글", author="갑돌이")
    second, _ = say(live, "둘째 글", author="갑돌이")
    bystander, _ = say(live, "다른 사람 글", author="을순이", device=OTHER_DEVICE)
    chat_services.chat_ban(message=first, by=studio, reason="도배")
    assert set(ChatMessage.objects.filter(state=ChatState.HIDDEN).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    with pytest.raises(ChatRefused) as refused:
        say(live, "새 이름으로 왔지롱", author="새이름")
    assert refused.value.code == "banned"
    # Someone else on the same address (a festival's wifi) still writes: the ban was by device.
    say(live, "저는 괜찮죠?", author="병순이", device=OTHER_DEVICE)
    assert ChatMessage.objects.get(pk=bystander.pk).state == ChatState.VISIBLE
    assert AuditEvent.objects.filter(action="tv.chat.ban", actor=studio).exists()
    # Lifted, they write again.
    chat_services.chat_unban(ban=ChatBan.objects.get(), by=studio)
    say(live, "다시 왔습니다", author="새이름")


@pytest.mark.django_db
def test_a_ban_by_address_keeps_out_a_cleared_device(live: Any, studio: Any) -> None:
    first, _ = say(live, "첫 글")
    chat_services.chat_ban(message=first, by=studio, by_address=True)
    with pytest.raises(ChatRefused):
        say(live, "쿠키 지우고 왔음", device=OTHER_DEVICE)


@pytest.mark.django_db
def test_a_line_from_youtube_is_stored_once(live: Any) -> None:
    incoming = Incoming(
        broadcast_id=live.pk,
        source=ChatSource.YOUTUBE,
        author="유튜브시청자",
        body="질문 있어요",
        external_id="LCC.abc",
        author_key="UC123",
    )
    first, created = chat_services.chat_receive(incoming)
    again, created_again = chat_services.chat_receive(incoming)
    assert created and not created_again and first.pk == again.pk
    assert ChatMessage.objects.count() == 1


@pytest.mark.django_db
def test_moderators_approve_hide_and_pin_and_each_action_is_logged(live: Any, studio: Any) -> None:
    held, _ = say(live, "www.example.com 참고하세요")
    chat_services.chat_approve(message=held, by=studio)
    held.refresh_from_db()
    assert held.state == ChatState.VISIBLE and held.moderated_by == studio
    chat_services.chat_pin(message=held, by=studio)
    other, _ = say(live, "다른 글")
    chat_services.chat_pin(message=other, by=studio)
    assert list(ChatMessage.objects.filter(pinned=True)) == [other]  # one pinned line at a time
    chat_services.chat_hide(message=other, by=studio)
    other.refresh_from_db()
    assert other.state == ChatState.HIDDEN and not other.pinned
    actions = set(AuditEvent.objects.filter(actor=studio).values_list("action", flat=True))
    assert {"tv.chat.approve", "tv.chat.pin", "tv.chat.hide"} <= actions


@pytest.mark.django_db
def test_upvotes_count_once_per_device(live: Any) -> None:
    question, _ = say(live, "주차장 언제 생기나요?", is_question=True)
    assert question.desk_state == DeskState.QUEUED
    assert chat_services.chat_upvote(message_id=question.pk, device_digest=DEVICE) == 1
    assert chat_services.chat_upvote(message_id=question.pk, device_digest=DEVICE) == 1
    assert chat_services.chat_upvote(message_id=question.pk, device_digest=OTHER_DEVICE) == 2


@pytest.mark.django_db
def test_the_desk_puts_one_question_on_air_at_a_time(live: Any, studio: Any) -> None:
    first, _ = say(live, "첫 질문", is_question=True)
    second, _ = say(live, "둘째 질문", is_question=True)
    desk_services.desk_move(message=first, to=DeskState.ON_AIR, by=studio)
    desk_services.desk_move(message=second, to=DeskState.ON_AIR, by=studio)
    first.refresh_from_db()
    assert first.desk_state == DeskState.ANSWERED and first.desk_changed_at is not None
    held, _ = say(live, "www.example.com 질문", is_question=True)
    with pytest.raises(ChatRefused):
        desk_services.desk_move(message=held, to=DeskState.ON_AIR, by=studio)


@pytest.mark.django_db
def test_an_opinion_becomes_a_voice_case_and_its_author_is_told(live: Any, studio: Any) -> None:
    from sotong.voice.models import Case

    opinion, _ = say(live, "신길동 골목 가로등이 계속 꺼져 있어요", author="신길주민")
    number = desk_services.chat_refer(message=opinion, by=studio)
    case = Case.objects.get(number=number)
    assert case.channel == "tv_chat" and "가로등" in case.text and case.channel_user == "신길주민"
    assert desk_services.chat_refer(message=opinion, by=studio) == number  # once
    assert Case.objects.count() == 1
    told = ChatMessage.objects.get(author=desk_services.STUDIO)
    assert number in told.body and "신길주민" in told.body
    assert chat_services.public(told)["studio"] is True


@pytest.mark.django_db
def test_the_desk_needs_the_producer_role(client: Any, live: Any, studio: Any, junho: Any) -> None:
    url = reverse("tv_desk:desk", kwargs={"pk": live.pk})
    client.force_login(junho)  # staff of another department, no 소통TV role: Wagtail sends them home
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    message, _ = say(live, "안녕하세요")
    act = reverse("tv_desk:act", kwargs={"pk": live.pk})
    assert client.post(act, {"action": "hide", "message": message.pk}).status_code == 302
    message.refresh_from_db()
    assert message.state == ChatState.VISIBLE
    client.force_login(studio)
    page = client.get(url)
    assert page.status_code == 200 and "안녕하세요" in page.content.decode()
    answer = client.post(act, {"action": "hide", "message": message.pk}, HTTP_ACCEPT="application/json")
    assert answer.json()["ok"] is True
    message.refresh_from_db()
    assert message.state == ChatState.HIDDEN


@pytest.mark.django_db
def test_chat_settings_are_checked(client: Any, live: Any, studio: Any) -> None:
    client.force_login(studio)
    url = reverse("tv_desk:settings", kwargs={"pk": live.pk})
    bad = client.post(url, {"mode": "open", "slow_seconds": "9999"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "300" in bad.json()["message"]
    good = client.post(url, {"mode": "review", "slow_seconds": "10"}, HTTP_ACCEPT="application/json")
    assert good.json()["ok"]
    live.refresh_from_db()
    assert (live.chat_mode, live.chat_slow_seconds) == ("review", 10)


@pytest.mark.django_db
def test_the_overlay_shows_the_line_on_air(client: Any, live: Any, studio: Any) -> None:
    url = reverse("tv:overlay", kwargs={"pk": live.pk})
    page = client.get(url).content.decode()
    assert 'id="tv-overlay-card" class="card" hidden' in page
    line, _ = chat_services.chat_receive(
        Incoming(
            broadcast_id=live.pk,
            source=ChatSource.YOUTUBE,
            author="유튜브시청자",
            body="여의도 벚꽃 언제 피나요?",
            external_id="yt-1",
            author_key="UC1",
        )
    )
    desk_services.desk_move(message=line, to=DeskState.ON_AIR, by=studio)
    page = client.get(url).content.decode()
    assert "여의도 벚꽃 언제 피나요?" in page and "YouTube" in page
    assert 'id="tv-overlay-card" class="card">' in page


@pytest.mark.django_db
def test_the_broadcast_page_gives_a_device_cookie_and_shows_recent_lines(client: Any, live: Any) -> None:
    say(live, "반갑습니다")
    response = client.get(reverse("tv:broadcast", kwargs={"pk": live.pk}))
    assert response.cookies[chat_services.DEVICE_COOKIE]["httponly"]
    assert "반갑습니다" in response.content.decode()
    again = client.get(reverse("tv:broadcast", kwargs={"pk": live.pk}))
    assert chat_services.DEVICE_COOKIE not in again.cookies  # kept, not replaced


@pytest.mark.django_db
def test_a_poll_is_prepared_opened_voted_once_per_device_and_closed(live: Any, studio: Any) -> None:
    from sotong.tv.services import polls

    with pytest.raises(ChatRefused):
        polls.poll_create(broadcast=live, question="어느 날이 좋을까요?", options=["토요일"], by=studio)
    with pytest.raises(ChatRefused):
        polls.poll_create(broadcast=live, question="어느 날이 좋을까요?", options=["토", "토"], by=studio)
    poll = polls.poll_create(
        broadcast=live,
        question="봄꽃축제 야간 개장, 어느 날이 좋을까요?",
        options=["금요일", "토요일", ""],
        by=studio,
    )
    saturday = poll.options.get(label="토요일")
    with pytest.raises(ChatRefused):  # not open yet
        polls.poll_vote(poll_id=poll.pk, option_id=saturday.pk, device_digest=DEVICE)
    polls.poll_open(poll=poll, by=studio)
    assert polls.poll_vote(poll_id=poll.pk, option_id=saturday.pk, device_digest=DEVICE)
    assert not polls.poll_vote(poll_id=poll.pk, option_id=saturday.pk, device_digest=DEVICE)
    assert polls.poll_vote(poll_id=poll.pk, option_id=saturday.pk, device_digest=OTHER_DEVICE)
    results = polls.public_poll(poll)
    assert results["total"] == 2 and [o["percent"] for o in results["options"]] == [0, 100]
    second = polls.poll_create(
        broadcast=live, question="다음 방송 주제는?", options=["교통", "복지"], by=studio
    )
    polls.poll_open(poll=second, by=studio)  # one open poll at a time
    poll.refresh_from_db()
    assert poll.state == "closed" and polls.open_poll(live.pk) == second
    with pytest.raises(ChatRefused):
        polls.poll_vote(poll_id=poll.pk, option_id=saturday.pk, device_digest="f" * 64)


@pytest.mark.django_db
def test_moderators_hand_the_chat_over_with_a_note(client: Any, live: Any, studio: Any) -> None:
    from conftest import _staff

    night = _staff("studio2", "야간당번", "broadcaster", "pr")
    shift_url = reverse("tv_desk:shift", kwargs={"pk": live.pk})
    desk_url = reverse("tv_desk:desk", kwargs={"pk": live.pk})
    client.force_login(studio)
    refused = client.post(
        shift_url, {"action": "note", "note": "아직 당번이 아님"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400 and "당번" in refused.json()["message"]
    client.post(shift_url, {"action": "take_over"})
    client.post(shift_url, {"action": "note", "note": "문래동 질문 2건 대기 중. '홍보알바'는 광고 계정."})
    client.force_login(night)
    page = client.get(desk_url).content.decode()
    assert "지금 당번: 오방송" in page
    client.post(shift_url, {"action": "take_over"})
    page = client.get(desk_url).content.decode()
    assert "지금 당번: 야간당번" in page and "오방송님의 인계 메모" in page and "광고 계정" in page
    assert AuditEvent.objects.filter(action="tv.shift.take_over", actor=night).exists()
