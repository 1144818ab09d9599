"""Back-office screens for facilities, map layers and their features (menu "안전").

Departments keep their own layers: an officer or department lead edits the layers (and features)
of their department; the safety office and administrators edit every layer and the facility
registry."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet, SnippetViewSetGroup

from sotong.accounts.roles import Role
from sotong.organisation.models import Department, Membership
from sotong.organisation.selectors import roles_of
from sotong.safety.models import Facility, LayerFeature, MapLayer

# Roles that keep every department's layers and the facility registry.
SAFETY_ROLES = frozenset({Role.SAFETY_OFFICE, Role.ADMINISTRATOR})
LAYER_ROLES = (Role.OFFICER, Role.DEPARTMENT_LEAD)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def keeps_all_layers(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or roles_of(user) & SAFETY_ROLES)


def layer_departments_for(user: Any) -> QuerySet[Department]:
    """The departments whose map layers this person keeps."""
    if not _active(user):
        return Department.objects.none()
    if keeps_all_layers(user):
        return Department.objects.all()
    return Department.objects.filter(
        memberships__user=user, memberships__role__in=[str(r) for r in LAYER_ROLES]
    ).distinct()


def _layer_department_ids(user: Any) -> set[int] | None:
    """The ids of the departments whose layers this person keeps, None for all; cached on the
    user object for the request, so a list's per-row permission checks cost no queries."""
    if keeps_all_layers(user):
        return None
    cached = getattr(user, "_sotong_layer_departments", None)
    if cached is None:
        cached = set(layer_departments_for(user).values_list("pk", flat=True))
        if _active(user):
            user._sotong_layer_departments = cached
    return set(cached)


def _layer_keepers() -> QuerySet[Any]:
    memberships = Membership.objects.filter(role__in=[*map(str, SAFETY_ROLES), *map(str, LAYER_ROLES)])
    return get_user_model().objects.filter(
        Q(is_superuser=True) | Q(pk__in=memberships.values("user_id")), is_active=True
    )


class FacilityPermissionPolicy(BasePermissionPolicy):
    """The facility registry is the safety office's (and administrators')."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return keeps_all_layers(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        spanning = Membership.objects.filter(role__in=[str(r) for r in SAFETY_ROLES])
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(pk__in=spanning.values("user_id")), is_active=True
        )


class DepartmentLayerPolicy(ABC, BasePermissionPolicy):
    """Every action on a layer (or a feature of it) is allowed to whoever keeps its department.
    Subclasses say which department an instance belongs to and how to scope a queryset."""

    @abstractmethod
    def department_id_of(self, instance: Any) -> int: ...

    @abstractmethod
    def scoped(self, departments: QuerySet[Department]) -> QuerySet[Any]: ...

    def user_has_permission(self, user: Any, action: str) -> bool:
        ids = _layer_department_ids(user)
        return ids is None or bool(ids)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return _layer_keepers()

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        ids = _layer_department_ids(user)
        return ids is None or self.department_id_of(instance) in ids

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        return self.scoped(layer_departments_for(user))

    def users_with_any_permission_for_instance(self, actions: Any, instance: Any) -> QuerySet[Any]:
        department = self.department_id_of(instance)
        own = Membership.objects.filter(department_id=department, role__in=[str(r) for r in LAYER_ROLES])
        spanning = Membership.objects.filter(role__in=[str(r) for r in SAFETY_ROLES])
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(pk__in=own.values("user_id")) | Q(pk__in=spanning.values("user_id")),
            is_active=True,
        )


class MapLayerPolicy(DepartmentLayerPolicy):
    def department_id_of(self, instance: Any) -> int:
        return int(instance.department_id)

    def scoped(self, departments: QuerySet[Department]) -> QuerySet[Any]:
        return MapLayer.objects.filter(department__in=departments)


class LayerFeaturePolicy(DepartmentLayerPolicy):
    def department_id_of(self, instance: Any) -> int:
        return int(instance.layer.department_id)

    def scoped(self, departments: QuerySet[Department]) -> QuerySet[Any]:
        return LayerFeature.objects.filter(layer__department__in=departments)


register_permission_policy(Facility, FacilityPermissionPolicy(Facility))
register_permission_policy(MapLayer, MapLayerPolicy(MapLayer))
register_permission_policy(LayerFeature, LayerFeaturePolicy(LayerFeature))


def staleness(layer: MapLayer) -> str:
    """ "14개월 전 점검", with a warning when the review is overdue."""
    if layer.source_type == MapLayer.Source.VOICE and layer.reviewed_on is None:
        return _("실시간")
    if layer.reviewed_on is None:
        return _("점검 기록 없음")
    months = (timezone.localdate() - layer.reviewed_on).days // 30
    text = _("이번 달 점검") if months == 0 else _("%(months)d개월 전 점검") % {"months": months}
    if layer.is_stale():
        text += " · " + _("점검 필요")
    return text


def _steward_name(layer: MapLayer) -> str:
    steward = layer.steward
    if steward is None:
        return _("부서 담당자 전원")
    return str(getattr(steward, "display_name", "") or steward.get_username())


class MapLayerForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "department" in self.fields:
            self.fields["department"].queryset = layer_departments_for(self.for_user)


class LayerFeatureForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "layer" in self.fields:
            self.fields["layer"].queryset = MapLayer.objects.filter(
                department__in=layer_departments_for(self.for_user)
            )

    def clean_geometry(self) -> Any:
        geometry = self.cleaned_data.get("geometry")
        coords: list[tuple[float, float]] = []

        def walk(node: Any) -> None:
            if (
                isinstance(node, list)
                and len(node) >= 2
                and all(isinstance(v, (int, float)) for v in node[:2])
            ):
                coords.append((float(node[0]), float(node[1])))
            elif isinstance(node, list):
                for child in node:
                    walk(child)

        kinds = {"Point", "LineString", "Polygon", "MultiLineString", "MultiPolygon"}
        if not isinstance(geometry, dict) or geometry.get("type") not in kinds:
            raise forms.ValidationError(_("GeoJSON 도형(Point, LineString, Polygon 등)을 입력해 주세요."))
        walk(geometry.get("coordinates"))
        if not coords or not all(124.5 <= lon <= 132 and 33 <= lat <= 38.7 for lon, lat in coords):
            raise forms.ValidationError(_("좌표는 [경도, 위도] 순서로, 대한민국 안이어야 합니다."))
        lons, lats = [c[0] for c in coords], [c[1] for c in coords]
        self.instance.min_lat, self.instance.max_lat = min(lats), max(lats)
        self.instance.min_lon, self.instance.max_lon = min(lons), max(lons)
        return geometry


def _check_instance(view: Any, obj: Any, action: str) -> Any:
    policy = view.permission_policy
    if policy is not None and not policy.user_has_permission_for_instance(view.request.user, action, obj):
        raise PermissionDenied
    return obj


class ScopedEditView(EditView):
    def get_object(self, queryset: Any = None) -> Any:
        return _check_instance(self, super().get_object(queryset), "change")


class ScopedDeleteView(DeleteView):
    def get_object(self, queryset: Any = None) -> Any:
        return _check_instance(self, super().get_object(queryset), "delete")


class FacilityViewSet(SnippetViewSet):
    model = Facility
    icon = "home"
    menu_label = gettext_lazy("안전 시설")
    list_display = [
        "name_ko",
        "kind",
        Column("dong", label=gettext_lazy("행정동"), accessor="dong"),
        "setting",
        "capacity",
        BooleanColumn("is_sample", label=gettext_lazy("예시 데이터")),
        BooleanColumn("is_active", label=gettext_lazy("사용")),
    ]
    list_filter = ["kind", "dong", "is_sample", "is_active", "setting"]
    search_fields = ["name_ko", "name_en", "address"]
    list_per_page = 50
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("name_ko"),
                FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_zh")]),
            ],
            heading=gettext_lazy("시설"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("dong"),
                FieldRowPanel([FieldPanel("lat"), FieldPanel("lon")]),
            ],
            heading=gettext_lazy("위치"),
        ),
        FieldRowPanel(
            [FieldPanel("setting"), FieldPanel("floor"), FieldPanel("capacity"), FieldPanel("area_m2")],
            heading=gettext_lazy("공간"),
        ),
        MultiFieldPanel(
            [FieldPanel("always_open"), FieldPanel("opening_hours"), FieldPanel("hours_note")],
            heading=gettext_lazy("운영 시간"),
        ),
        FieldRowPanel(
            [FieldPanel("step_free"), FieldPanel("has_lift"), FieldPanel("phone")],
            heading=gettext_lazy("이용 편의"),
        ),
        FieldPanel("extra_hazards"),
        FieldPanel("note"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("source"), FieldPanel("source_id")]),
                FieldPanel("checked_on"),
                FieldRowPanel([FieldPanel("is_sample"), FieldPanel("is_active")]),
            ],
            heading=gettext_lazy("출처"),
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Facility.objects.select_related("dong")


class MapLayerViewSet(SnippetViewSet):
    model = MapLayer
    icon = "globe"
    menu_label = gettext_lazy("지도 레이어")
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_enabled = False
    list_display = [
        "name_ko",
        Column("department", label=gettext_lazy("담당 부서"), accessor="department"),
        Column("steward", label=gettext_lazy("관리 책임자"), accessor=_steward_name),
        "source_type",
        Column("staleness", label=gettext_lazy("점검"), accessor=staleness),
    ]
    list_filter = ["department", "source_type"]
    search_fields = ["name_ko", "name_en", "data_source"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name_ko"),
                    FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_zh")]),
                    FieldPanel("slug"),
                    FieldPanel("description_ko"),
                    FieldPanel("description_en"),
                    FieldPanel("description_zh"),
                ],
                heading=gettext_lazy("레이어"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("source_type"),
                    FieldPanel("facility_kinds"),
                    FieldPanel("colour"),
                    FieldPanel("is_public"),
                ],
                heading=gettext_lazy("자료"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("department"), FieldPanel("steward")]),
                    FieldRowPanel([FieldPanel("data_source"), FieldPanel("licence")]),
                    FieldRowPanel([FieldPanel("reviewed_on"), FieldPanel("review_every_days")]),
                ],
                heading=gettext_lazy("관리"),
            ),
            FieldPanel("sort_order"),
        ],
        base_form_class=MapLayerForm,
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return MapLayer.objects.filter(department__in=layer_departments_for(request.user)).select_related(
            "department", "steward"
        )


class LayerFeatureViewSet(SnippetViewSet):
    model = LayerFeature
    icon = "pick"
    menu_label = gettext_lazy("레이어 도형")
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_enabled = False
    list_display = ["name_ko", "layer", "source_id"]
    list_filter = ["layer"]
    search_fields = ["name_ko", "source_id"]
    edit_handler = ObjectList(
        [
            FieldPanel("layer"),
            FieldPanel("name_ko"),
            FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_zh")]),
            FieldPanel("source_id"),
            FieldPanel("geometry"),
            FieldPanel("properties"),
        ],
        base_form_class=LayerFeatureForm,
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return LayerFeature.objects.filter(
            layer__department__in=layer_departments_for(request.user)
        ).select_related("layer")


class SafetyGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("안전")
    menu_icon = "crosshairs"
    menu_order = 180
    items = (FacilityViewSet, MapLayerViewSet, LayerFeatureViewSet)


register_snippet(SafetyGroup)
