"""The editorial workflow: 편집자 (editors) write and submit, 팀장 (leads) review and publish.

Editors cannot publish: their group has no publish permission on the page tree, and every page under the home pages
goes through the "팀장 검토" workflow (a Wagtail GroupApprovalTask for the 팀장 group).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "편집자"
LEADS = "팀장"
WORKFLOW_NAME = "팀장 검토"
TASK_NAME = "팀장 승인"

_ADMIN = [("wagtailadmin", "access_admin")]
_SUBMISSIONS = [("pages", "view_storysubmission"), ("pages", "change_storysubmission")]
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "lock_page"],
    LEADS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def setup_editorial_workflow(*, homes: Iterable[Page]) -> Workflow:
    """Idempotent: the two groups with their permissions on ``homes``, and the review workflow assigned to them."""
    groups = {}
    for name in (EDITORS, LEADS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[_permission(app, code) for app, code in _ADMIN + _SUBMISSIONS])
        groups[name] = group
    # Wagtail's migration makes the root collection; a flushed test database has none.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    homes = list(homes)
    for name, codenames in PAGE_PERMISSIONS.items():
        for home in homes:
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page=home, permission=_permission("wagtailcore", codename)
                )
        if root_collection is not None:
            for codename in IMAGE_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name],
                    collection=root_collection,
                    permission=_permission("wagtailimages", codename),
                )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(groups[LEADS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for home in homes:
        WorkflowPage.objects.get_or_create(page=home, defaults={"workflow": workflow})
    return workflow
