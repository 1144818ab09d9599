"""소통TV 다시보기 in the back office: every broadcast's recording as a read-only snippet (what state its VOD is
in, how long, how large, why it failed), so the home page and publishing can choose one to link to. Nothing is
edited here: a recording is made by the ingest and built by a task (decision 0076)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from sotong.tv.choices import RecordingState
from sotong.tv.models import Recording

# Producers see their recordings; anyone given 'view recording' (publishing, say) does too.
SEE = ("tv.view_recording", "tv.change_broadcast")


class RecordingPolicy(ModelPermissionPolicy):
    """View only, for everyone (superusers too): there is no add, change or delete to offer."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action != "view" or isinstance(user, AnonymousUser) or not user.is_active:
            return False
        return any(user.has_perm(permission) for permission in SEE)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        if "view" not in actions:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(["view"])


register_permission_policy(Recording, RecordingPolicy(Recording), exact_class=True)


class RecordingViewSet(SnippetViewSet):
    model = Recording
    icon = "media"
    menu_label = gettext_lazy("소통TV 다시보기")
    menu_order = 192
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "broadcast",
        "state",
        "duration_seconds",
        "size_bytes",
        "started_at",
        "ready_at",
        "error",
    ]
    list_display = ["broadcast", "state", "duration_seconds", "ready_at"]
    list_filter = ["state"]
    ordering = ["-started_at"]

    def get_queryset(self, request: Any) -> QuerySet[Recording]:
        return Recording.objects.select_related("broadcast")


register_snippet(RecordingViewSet)


@hooks.register("register_snippet_listing_buttons")
def watch_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, Recording) and snippet.state == RecordingState.READY:
        yield Button(
            _("주민 화면에서 다시보기"),
            reverse("tv:broadcast", kwargs={"pk": snippet.broadcast_id}),
            icon_name="view",
            priority=5,
        )
