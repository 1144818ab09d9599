from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sotong.organisation.models import Dong
from sotong.petitions.choices import NotifyChannel, Topic


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=120, min_length=5)
    body = forms.CharField(
        label=_("제안 내용"), widget=forms.Textarea(attrs={"rows": 8}), max_length=4000, min_length=20
    )
    topic = forms.ChoiceField(label=_("분야"), choices=[("", _("분야를 고르세요")), *Topic.choices])
    dong = forms.ModelChoiceField(
        label=_("관련 동 (선택)"), queryset=Dong.objects.all(), required=False, empty_label=_("구 전체")
    )
    author_name = forms.CharField(label=_("제안자 이름 (별명도 됩니다)"), max_length=40)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["title"].error_messages.update(
            required=_("제목을 써 주세요."), min_length=_("제목은 5자 이상 써 주세요.")
        )
        self.fields["body"].error_messages.update(
            required=_("제안 내용을 써 주세요."), min_length=_("제안 내용은 20자 이상 써 주세요.")
        )
        self.fields["topic"].error_messages.update(
            required=_("분야를 골라 주세요."), invalid_choice=_("분야를 골라 주세요.")
        )
        self.fields["author_name"].error_messages.update(
            required=_("제안자 이름(별명도 됩니다)을 써 주세요.")
        )


class SupportForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("진행 상황 알림"),
        # Web Push needs the browser's subscription, which this form does not ask for yet (services accept it).
        choices=[(value, label) for value, label in NotifyChannel.choices if value != NotifyChannel.WEBPUSH],
        required=False,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(label=_("이메일 주소 또는 휴대전화 번호"), max_length=200, required=False)
    subscription = forms.CharField(required=False, widget=forms.HiddenInput)


class TestIdentityForm(forms.Form):
    name = forms.CharField(
        label=_("시험용 이름"), max_length=40, error_messages={"required": _("시험용 이름을 써 주세요.")}
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("휴대전화 번호"), max_length=20, error_messages={"required": _("휴대전화 번호를 써 주세요.")}
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("인증번호 (6자리)"), max_length=10, error_messages={"required": _("인증번호를 써 주세요.")}
    )


class CommentForm(forms.Form):
    author_name = forms.CharField(
        label=_("이름 (별명도 됩니다)"), max_length=40, error_messages={"required": _("이름을 써 주세요.")}
    )
    body = forms.CharField(
        label=_("댓글"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=2,
        max_length=1000,
        error_messages={
            "required": _("댓글을 써 주세요."),
            "max_length": _("댓글은 1,000자 이하로 써 주세요."),
        },
    )


class LetterForm(forms.Form):
    title = forms.CharField(
        label=_("제목"),
        max_length=120,
        min_length=5,
        error_messages={"required": _("제목을 써 주세요."), "min_length": _("제목은 5자 이상 써 주세요.")},
    )
    body = forms.CharField(
        label=_("내용"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=20,
        max_length=4000,
        error_messages={"required": _("내용을 써 주세요."), "min_length": _("내용은 20자 이상 써 주세요.")},
    )
    name = forms.CharField(
        label=_("이름"), max_length=40, error_messages={"required": _("이름을 써 주세요.")}
    )
    phone = forms.CharField(label=_("휴대전화 번호"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("이메일"), required=False, error_messages={"invalid": _("이메일 주소를 확인해 주세요.")}
    )
    consent = forms.BooleanField(
        label=_("답변을 위해 이름과 연락처를 수집·이용하는 데 동의합니다 (답변 후 3년 보관)."),
        error_messages={"required": _("개인정보 수집·이용에 동의해 주셔야 편지를 보낼 수 있습니다.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("답변 받을 휴대전화 번호나 이메일 중 하나를 써 주세요."))
        return data
