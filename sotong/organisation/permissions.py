from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from sotong.organisation.models import Department
from sotong.organisation.selectors import departments_for, editable_departments


class DepartmentPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from the role's group, narrowed to the departments a person may see or edit."""

    def instances_user_has_permission_for(self, user: Any, action: str) -> QuerySet[Department]:
        if action == "change":
            return editable_departments(user)
        if action == "view":
            return departments_for(user)
        return super().instances_user_has_permission_for(user, action)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if action in {"change", "view"}:
            return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()
        return bool(super().user_has_permission_for_instance(user, action, instance))
