"""Staff roles and what each may do.

A role is either scoped to one department (an officer sees their department's work only) or spans
departments (the comms team triages everyone's cases). Which department a person belongs to is
recorded by ``organisation.Membership``; this module only defines the roles and keeps one Django
group per role with the permissions the role grants.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("부서 담당자")
    DEPARTMENT_LEAD = "department_lead", _("부서장")
    COMMS = "comms", _("통합접수(소통홍보)")
    MAYORS_OFFICE = "mayors_office", _("구청장실")
    SAFETY_OFFICE = "safety_office", _("안전총괄")
    CARE_WORKER = "care_worker", _("돌봄 담당자")
    EDITOR = "editor", _("홈페이지 편집자")
    BROADCASTER = "broadcaster", _("소통TV 제작")
    ADMINISTRATOR = "administrator", _("시스템 관리자")


# Roles whose holders work across all departments.
SPANNING_ROLES = frozenset(
    {Role.COMMS, Role.MAYORS_OFFICE, Role.SAFETY_OFFICE, Role.EDITOR, Role.BROADCASTER, Role.ADMINISTRATOR}
)

# Django permissions (app_label.codename) each role's group holds. Department scoping is applied
# on top of these by the views and the snippet permission policy.
_BACK_OFFICE = ["wagtailadmin.access_admin"]
_EDIT_DIRECTORY = ["organisation.change_department"]
_PAGES = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
# The action guides (행동요령) residents read: the safety office keeps them.
_ACTION_GUIDES = ["safety.add_actionguide", "safety.change_actionguide", "safety.view_actionguide"]
# 소통TV: the shows, their broadcasts, and running a broadcast (stream keys, ending it).
_TV = [
    "tv.add_show",
    "tv.change_show",
    "tv.view_show",
    "tv.add_broadcast",
    "tv.change_broadcast",
    "tv.view_broadcast",
]
# 열린구청장실: the mayor's intro, messages and public schedule (Wagtail snippets).
_MAYOR_PAGES = [
    f"petitions.{action}_{model}"
    for model in ("mayorprofile", "mayormessage", "scheduleevent")
    for action in ("add", "change", "delete", "view")
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [*_BACK_OFFICE, *_EDIT_DIRECTORY],
    Role.DEPARTMENT_LEAD: [*_BACK_OFFICE, *_EDIT_DIRECTORY],
    Role.COMMS: [
        *_BACK_OFFICE,
        *_EDIT_DIRECTORY,
        "voice.add_replytemplate",
        "voice.change_replytemplate",
        "voice.delete_replytemplate",
    ],
    Role.MAYORS_OFFICE: [*_BACK_OFFICE, *_MAYOR_PAGES],
    Role.SAFETY_OFFICE: [
        *_BACK_OFFICE,
        *_ACTION_GUIDES,
        "organisation.add_dutyshift",
        "organisation.change_dutyshift",
        "organisation.delete_dutyshift",
    ],
    Role.CARE_WORKER: [*_BACK_OFFICE],
    Role.EDITOR: [*_BACK_OFFICE, *_PAGES],
    Role.BROADCASTER: [*_BACK_OFFICE, *_TV],
    Role.ADMINISTRATOR: [
        *_BACK_OFFICE,
        *_ACTION_GUIDES,
        "safety.delete_actionguide",
        *_EDIT_DIRECTORY,
        *_PAGES,
        "organisation.add_department",
        "organisation.delete_department",
        "organisation.add_closure",
        "organisation.change_closure",
        "organisation.delete_closure",
        "organisation.add_membership",
        "organisation.change_membership",
        "organisation.delete_membership",
        "organisation.add_officerassignment",
        "organisation.change_officerassignment",
        "organisation.delete_officerassignment",
        "organisation.add_dutyshift",
        "organisation.change_dutyshift",
        "organisation.delete_dutyshift",
        "voice.add_servicecategory",
        "voice.change_servicecategory",
        "voice.change_deadlinerule",
        "voice.add_replytemplate",
        "voice.change_replytemplate",
        "voice.delete_replytemplate",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        *_TV,
        "tv.delete_show",
        "tv.delete_broadcast",
        *_MAYOR_PAGES,
    ],
}


# Roles that handle residents' cases of every department (and see their contact details on request).
CASE_HANDLING_SPANNING_ROLES = frozenset({Role.COMMS, Role.SAFETY_OFFICE, Role.ADMINISTRATOR})
# Roles that handle their own department's cases.
CASE_HANDLING_ROLES = frozenset({Role.OFFICER, Role.DEPARTMENT_LEAD})


def group_name(role: str) -> str:
    return f"sotong:{role}"


def role_spans_departments(role: str) -> bool:
    return role in SPANNING_ROLES


def sync_role_groups() -> None:
    """Create or update one group per role with exactly the role's permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = []
        for label in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = label.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
