"""Korean text-message rules: EUC-KR byte counting at the 90-byte SMS boundary, the 2,000-byte LMS cut that
keeps the tracking link, and which numbers are Korean mobiles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sotong.connectors.sms.adapter import lms_title
from sotong.connectors.sms.rules import (
    LMS_MAX_BYTES,
    LMS_TITLE_MAX_BYTES,
    byte_len,
    fit,
    mask_phone,
    mask_phones_in,
    normalise_mobile,
    sanitise,
    truncate,
)

LINK = "https://sotong.ydp.go.kr/ko/voice/track/2025-000123/?t=Zx81kQ"


def test_a_hangul_syllable_counts_two_bytes_and_ascii_one() -> None:
    assert byte_len("가") == 2
    assert byte_len("똠") == 2  # CP949 extension syllable: two bytes, not an eight-byte make-up sequence
    assert byte_len("a1 .") == 4
    assert byte_len("…") == 2


def test_45_hangul_syllables_are_exactly_90_bytes_and_still_an_sms() -> None:
    assert fit("가" * 45) == ("가" * 45, False)


def test_one_more_byte_past_90_makes_it_an_lms() -> None:
    body, long = fit("가" * 45 + ".")
    assert long
    assert body == "가" * 45 + "."


def test_44_syllables_and_two_ascii_characters_are_90_bytes() -> None:
    assert fit("가" * 44 + "ab") == ("가" * 44 + "ab", False)
    assert fit("가" * 44 + "abc")[1] is True


def test_90_ascii_characters_fit_an_sms_and_91_do_not() -> None:
    assert fit("a" * 90)[1] is False
    assert fit("a" * 91)[1] is True


def test_an_emoji_is_replaced_and_counted_as_one_byte() -> None:
    assert sanitise("완료 🙂") == "완료 ?"
    assert fit("가" * 44 + "🙂")[1] is False


def test_a_long_message_is_cut_to_2000_bytes_with_an_ellipsis_before_the_link_line() -> None:
    text = "민원 답변입니다. " * 400 + f"\n\n자세히 보기: {LINK}"
    body, long = fit(text)
    assert long
    assert byte_len(body) <= LMS_MAX_BYTES
    assert body.endswith(f"…\n자세히 보기: {LINK}")
    assert body.startswith("민원 답변입니다.")


def test_a_message_without_a_link_is_cut_with_an_ellipsis() -> None:
    body = truncate("가" * 1500, LMS_MAX_BYTES)
    assert body == "가" * 999 + "…"
    assert byte_len(body) == LMS_MAX_BYTES


@given(
    head=st.text(st.characters(codec="cp949", exclude_categories=("Cs",)), max_size=3000),
    limit=st.integers(min_value=len(LINK) + 20, max_value=2000),
)
def test_whatever_the_text_the_cut_fits_and_ends_with_the_whole_link(head: str, limit: int) -> None:
    body = truncate(f"{head}\n진행 상황: {LINK}", limit)
    assert byte_len(body) <= limit
    assert body.endswith(LINK)


def test_the_lms_title_fits_40_bytes() -> None:
    for purpose in ("ack", "answer", "interim", "status", "message", "unknown"):
        title = lms_title(purpose)
        assert title.startswith("[영등포구] ")
        assert byte_len(title) <= LMS_TITLE_MAX_BYTES


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("01012345678", "01012345678"),
        ("010-1234-5678", "01012345678"),
        ("+82 10-1234-5678", "01012345678"),
        ("821012345678", "01012345678"),
        ("0111234567", "0111234567"),
        ("01698765432", "01698765432"),
        ("0212345678", None),
        ("0226701234", None),
        ("01512345678", None),
        ("010123456", None),
        ("010123456789", None),
        ("15441234", None),
        ("", None),
    ],
)
def test_only_korean_mobile_numbers_of_10_or_11_digits_are_accepted(
    number: str, expected: str | None
) -> None:
    assert normalise_mobile(number) == expected


def test_a_number_is_masked_but_for_its_prefix_and_last_four_digits() -> None:
    assert mask_phone("01012345678") == "010-****-5678"
    assert mask_phone("010-1234-5678") == "010-****-5678"
    assert mask_phone("123") == "***"
    assert mask_phones_in("RecipientNo 010-1234-5678 is invalid") == "RecipientNo 010-****-5678 is invalid"
