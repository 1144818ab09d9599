from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sotong.core.i18n import localised
from sotong.organisation.models import Department, Dong
from sotong.voice.choices import RESIDENT_KINDS, Kind
from sotong.voice.models import ServiceCategory
from sotong.voice.uploads import MAX_PHOTOS, clean_photo

PHONE = re.compile(r"^0\d{1,2}-?\d{3,4}-?\d{4}$")
LAT_RANGE = (Decimal("33"), Decimal("38.7"))
LON_RANGE = (Decimal("124.5"), Decimal("131.9"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class LocalisedChoiceField(forms.ModelChoiceField):
    """Options named in the language of the request that renders them (``name_en``, ``name_zh``…),
    not in the language active when the form class was defined."""

    def label_from_instance(self, obj: Any) -> str:
        return localised(obj, "name")


class CaseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("무엇을 알려 주시나요?"),
        choices=[(k.value, k.label) for k in RESIDENT_KINDS],
        initial=Kind.REPORT,
        widget=forms.RadioSelect,
    )
    category = LocalisedChoiceField(
        label=_("분야 (모르면 비워 두세요)"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("잘 모르겠어요"),
    )
    title = forms.CharField(label=_("제목"), max_length=100, required=False)
    text = forms.CharField(
        label=_("내용"),
        max_length=4000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("무엇이, 언제, 어디서 불편한지 적어 주세요. 주민등록번호 같은 개인정보는 적지 마세요."),
    )
    dong = LocalisedChoiceField(
        label=_("행정동"),
        queryset=Dong.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("선택 안 함"),
    )
    address_text = forms.CharField(label=_("주소 또는 장소"), max_length=200, required=False)
    lat = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    lon = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    photos = MultiplePhotoField(
        label=_("사진 (최대 5장)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    contact_name = forms.CharField(label=_("이름"), max_length=30, required=False)
    contact_phone = forms.CharField(label=_("휴대전화"), max_length=20, required=False)
    contact_email = forms.EmailField(label=_("이메일"), required=False)
    consent_contact = forms.BooleanField(label=_("연락처 수집·이용에 동의합니다."), required=False)
    consent_publish = forms.BooleanField(
        label=_("답변을 개인정보를 가린 채 공개하는 데 동의합니다."), required=False
    )
    consent_photo_location = forms.BooleanField(
        label=_("사진에 담긴 위치 정보를 처리에 쓰는 데 동의합니다."), required=False
    )
    submission_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The department whose page the resident came from (?department=<code>): see __init__.
    department = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    # Left empty by people; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("비워 두세요"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, department: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4().hex)
        self.for_department = department
        self.department_categories: list[ServiceCategory] = []
        if department is not None:
            self.initial["department"] = department.code
            # A department's own categories route straight to it: the resident picks among them (the one
            # there is, already chosen). A department without one leaves the choice to the router.
            field = self.fields["category"]
            assert isinstance(field, LocalisedChoiceField)
            categories = field.queryset.filter(department=department)  # type: ignore[union-attr]
            self.department_categories = list(categories)
            if self.department_categories:
                field.queryset = categories
                field.required = True
                field.label = _("분야")
                field.empty_label = _("분야를 고르세요") if len(self.department_categories) > 1 else None
                if len(self.department_categories) == 1:
                    self.initial["category"] = self.department_categories[0].code

    def clean_submission_id(self) -> str:
        value = str(self.cleaned_data["submission_id"])
        if not re.fullmatch(r"[0-9a-f]{32}", value):
            raise ValidationError(_("양식이 올바르지 않습니다. 페이지를 새로 고친 뒤 다시 보내 주세요."))
        return value

    def clean_contact_phone(self) -> str:
        phone = str(self.cleaned_data.get("contact_phone", "")).strip()
        if phone and not PHONE.match(phone.replace(" ", "")):
            raise ValidationError(_("전화번호를 010-1234-5678처럼 적어 주세요."))
        return phone

    def clean_photos(self) -> list[Any]:
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("사진은 %(max)d장까지 올릴 수 있습니다.") % {"max": MAX_PHOTOS})
        keep = bool(self.data.get("consent_photo_location"))
        return [clean_photo(f, keep_location=keep) for f in files]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(_("보낼 수 없습니다."))
        has_contact = bool(data.get("contact_phone") or data.get("contact_email"))
        if has_contact and not data.get("consent_contact"):
            self.add_error(
                "consent_contact",
                _(
                    "연락처를 남기시려면 연락처 수집·이용에 동의해 주세요. 동의하지 않으면 연락처를 비워 두세요."
                ),
            )
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise ValidationError(_("지도에서 고른 위치가 올바르지 않습니다."))
        if (
            lat is not None
            and lon is not None
            and not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1])
        ):
            raise ValidationError(_("지도에서 고른 위치가 우리나라 밖입니다."))
        return data


class TrackLookupForm(forms.Form):
    number = forms.RegexField(label=_("접수 번호"), regex=r"^\d{4}-\d{6}$", max_length=11)
    contact = forms.CharField(label=_("접수할 때 남긴 휴대전화 또는 이메일"), max_length=120)
