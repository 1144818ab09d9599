"""Statutory deadlines (민원 처리에 관한 법률 and its 시행령), counted on the Korean working-day calendar.

Defaults, each editable per kind as a DeadlineRule:
- 질의민원, 제도·절차: 7 working days; 법령 해석: 14 working days (시행령 제14조)
- 건의민원 (proposal): 14 working days (시행령 제15조)
- 고충민원 (grievance): 7 working days (시행령 제17조①)
- 기타민원 (a report of an everyday inconvenience): "즉시", i.e. within 3 working hours (시행령 제16조)
- praise needs no answer by law; Sotong still thanks the resident within 7 working days.
Periods of five days or less are counted in working hours (eight to a day) from receipt, longer ones in
working days counting the first day (법 제19조).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sotong.core.workdays import SEOUL
from sotong.organisation.selectors import working_calendar
from sotong.voice.choices import Channel, Kind
from sotong.voice.models import DeadlineRule


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str  # "days" or "hours"
    legal_basis: str


DEFAULT_RULES: dict[str, Rule] = {
    Kind.QUESTION: Rule(7, "days", "민원 처리에 관한 법률 시행령 제14조 (제도·절차 질의 7일)"),
    Kind.QUESTION_LAW: Rule(14, "days", "민원 처리에 관한 법률 시행령 제14조 (법령 해석 질의 14일)"),
    Kind.PROPOSAL: Rule(14, "days", "민원 처리에 관한 법률 시행령 제15조 (건의민원 14일)"),
    Kind.COMPLAINT: Rule(7, "days", "민원 처리에 관한 법률 시행령 제17조 (고충민원 7일)"),
    Kind.REPORT: Rule(3, "hours", "민원 처리에 관한 법률 시행령 제16조 (기타민원 즉시: 3근무시간)"),
    Kind.PRAISE: Rule(7, "days", "구 자체 기준 (칭찬 답신 7일)"),
}

# The acknowledgement with the case number, department and deadline goes out within this many working
# hours on the chat channels residents expect an answer from quickly.
FIRST_RESPONSE_HOURS = 1
FIRST_RESPONSE_CHANNELS = {Channel.KAKAO, Channel.SNS, Channel.TV_CHAT}
# An extension may be taken once, for at most the original period (시행령 제21조).


def rule_for(kind: str) -> Rule:
    stored = DeadlineRule.objects.filter(kind=kind).first()
    if stored is not None:
        return Rule(stored.amount, stored.unit, stored.legal_basis)
    return DEFAULT_RULES[kind]


def deadline_for(*, kind: str, received_at: datetime) -> datetime:
    rule = rule_for(kind)
    calendar = working_calendar()
    if rule.unit == "hours":
        return calendar.add_working_hours(received_at, rule.amount)
    return calendar.add_working_days(received_at, rule.amount)


def first_response_due(*, channel: str, received_at: datetime) -> datetime | None:
    if channel not in FIRST_RESPONSE_CHANNELS:
        return None
    return working_calendar().add_working_hours(received_at, FIRST_RESPONSE_HOURS)


def extended_deadline(*, kind: str, current: datetime) -> datetime:
    """The latest date an extension may set: the original period again, counted from the deadline."""
    rule = rule_for(kind)
    calendar = working_calendar()
    if rule.unit == "hours":
        return calendar.add_working_hours(current, rule.amount)
    # The extension's days count from the working day after the current deadline.
    start = datetime.combine(
        calendar.next_working_day(current.astimezone(SEOUL).date()), time(9), tzinfo=SEOUL
    )
    return calendar.add_working_days(start, rule.amount)
