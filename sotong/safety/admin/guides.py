"""Back-office screens for the action guides (행동요령): the safety office edits each hazard's guide
and its steps in one form. Who may do what comes from the role groups (accounts.roles): the safety
office adds, changes and views guides, administrators also delete them; everyone else does not see
the menu item and is refused by every view (residents read the guides on the public pages).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from sotong.safety.models import ActionGuide

_STEP_PANELS = [
    FieldRowPanel([FieldPanel("phase"), FieldPanel("audience")]),
    FieldPanel("text_ko"),
    FieldPanel("text_en"),
    FieldPanel("text_zh"),
]


class ActionGuideViewSet(SnippetViewSet):
    model = ActionGuide
    icon = "list-ol"
    menu_label = _("행동요령")
    menu_order = 172
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["title_ko", "hazard", "updated_at"]
    list_filter = ["hazard"]
    ordering = ["sort_order", "hazard"]
    panels = [
        FieldPanel("hazard"),
        MultiFieldPanel(
            [FieldPanel("title_ko"), FieldRowPanel([FieldPanel("title_en"), FieldPanel("title_zh")])],
            heading=_("제목"),
        ),
        MultiFieldPanel(
            [FieldPanel("summary_ko"), FieldPanel("summary_en"), FieldPanel("summary_zh")],
            heading=_("요약"),
        ),
        InlinePanel("steps", panels=_STEP_PANELS, heading=_("행동요령 항목"), label=_("항목"), min_num=1),
        FieldRowPanel([FieldPanel("source"), FieldPanel("sort_order")]),
    ]


register_snippet(ActionGuideViewSet)
