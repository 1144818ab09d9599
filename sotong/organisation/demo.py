"""The sample district for `sotong demo`: organisation, and staff accounts for every role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from sotong.accounts.roles import Role
from sotong.organisation.loading import load_district
from sotong.organisation.models import Department, Membership, OfficerAssignment
from sotong.organisation.services import membership_grant, officer_assign

DEMO_PASSWORD = "sotong-demo-2026"  # noqa: S105 - printed on purpose: demo only, DEBUG shape

# username, display name, role, department code (None: spans departments), SNS position
NAMED_STAFF: list[tuple[str, str, str, str | None, str | None]] = [
    ("admin", "관리자", Role.ADMINISTRATOR, "it", None),
    ("junho", "박준호", Role.OFFICER, "roads", "primary"),
    ("sora", "이소라", Role.OFFICER, "welfare", "primary"),
    ("doyun", "김도윤", Role.DEPARTMENT_LEAD, "roads", None),
    ("haneul", "정하늘", Role.COMMS, "pr", None),
    ("mayor", "구청장실 비서", Role.MAYORS_OFFICE, None, None),
    ("safety", "최안전", Role.SAFETY_OFFICE, "safety", None),
    # The highest alert level needs a second person of the safety office to approve it.
    ("safety2", "문승인", Role.SAFETY_OFFICE, "safety", None),
    ("care", "한돌봄", Role.CARE_WORKER, "senior", None),
    ("editor", "윤편집", Role.EDITOR, "pr", None),
    ("studio", "오방송", Role.BROADCASTER, "pr", None),
]

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
_GIVEN = [
    "지훈",
    "서연",
    "민준",
    "하은",
    "도현",
    "수빈",
    "예준",
    "지우",
    "현우",
    "유진",
    "시우",
    "채원",
    "은호",
    "다은",
]


def _name(index: int) -> str:
    return _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index * 7) % len(_GIVEN)]


@transaction.atomic
def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    report = load_district()
    stdout.write(f"Sample district: {report.summary()}")
    User = get_user_model()

    # One hash for every demo account: hashing ~100 passwords one by one takes half a minute.
    password_hash = make_password(DEMO_PASSWORD)

    def account(username: str, display_name: str) -> Any:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "is_staff": False, "password": password_hash},
        )
        return user

    accounts = []
    for username, display_name, role, code, position in NAMED_STAFF:
        user = account(username, display_name)
        department = Department.objects.get(code=code) if code else None
        if role == Role.ADMINISTRATOR and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        membership_grant(user=user, role=role, department=department)
        if position:
            officer_assign(department=department, user=user, position=position)  # type: ignore[arg-type]
        where = department.name_ko if department else "전 부서"
        accounts.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "description": f"{display_name}, {Role(role).label}, {where}",
            }
        )

    # Every department gets a primary and a backup SNS officer, and a lead (overdue cases reach the
    # backup officer and the lead).
    index = 0
    for department in Department.objects.order_by("sort_order"):
        for position, suffix in (("primary", "sns1"), ("backup", "sns2")):
            index += 1
            if OfficerAssignment.objects.filter(department=department, position=position).exists():
                continue
            user = account(f"{department.code}.{suffix}", _name(index))
            officer_assign(department=department, user=user, position=position)
        index += 1
        if not Membership.objects.filter(department=department, role=Role.DEPARTMENT_LEAD).exists():
            lead = account(f"{department.code}.lead", _name(index))
            membership_grant(user=lead, role=Role.DEPARTMENT_LEAD, department=department)
    accounts.append(
        {
            "username": "<부서코드>.sns1 / .sns2 / .lead",
            "password": DEMO_PASSWORD,
            "description": "every department's primary and backup SNS officer and its lead, e.g. parking.sns1",
        }
    )
    return accounts
