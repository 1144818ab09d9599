from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from sotong.accounts.models import User
from sotong.accounts.roles import Role, group_name, role_spans_departments
from sotong.core.audit import audit_record
from sotong.organisation.models import Department, Membership, OfficerAssignment


def sync_groups_for(*, user: User) -> None:
    """Give the user exactly the groups of the roles they hold (other groups are left alone)."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    role_groups = {group_name(role) for role in Role}
    current = set(user.groups.filter(name__in=role_groups).values_list("name", flat=True))
    wanted = {group_name(role) for role in roles}
    if current != wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    user._sotong_roles = roles


def membership_grant(
    *, user: User, role: str, department: Department | None, by: User | None = None
) -> Membership:
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}")
    if department is None and not role_spans_departments(role):
        raise ValidationError("이 역할은 부서를 지정해야 합니다.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, role=role, department=department)
        if created:
            audit_record(
                action="membership.grant",
                actor=by,
                target=membership,
                detail={
                    "user": user.get_username(),
                    "role": role,
                    "department": department.code if department else None,
                },
            )
    return membership


def officer_assign(
    *,
    department: Department,
    user: User,
    position: str,
    public_title: str = "SNS 소통 주무관",
    by: User | None = None,
) -> OfficerAssignment:
    """Make ``user`` the department's primary or backup SNS officer, replacing whoever held it."""
    if position not in OfficerAssignment.Position.values:
        raise ValidationError(f"unknown position {position!r}")
    with transaction.atomic():
        if not Membership.objects.filter(
            user=user, department=department, role__in=[Role.OFFICER, Role.DEPARTMENT_LEAD]
        ).exists():
            membership_grant(user=user, role=Role.OFFICER, department=department, by=by)
        OfficerAssignment.objects.filter(department=department, user=user).exclude(position=position).delete()
        assignment, _ = OfficerAssignment.objects.update_or_create(
            department=department, position=position, defaults={"user": user, "public_title": public_title}
        )
        audit_record(
            action="officer.assign",
            actor=by,
            target=department,
            detail={"user": user.get_username(), "position": position},
        )
    return assignment
