from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm
from wagtail.users.forms import UserCreationForm, UserEditForm


class StaffUserEditForm(UserEditForm):
    display_name = forms.CharField(label=_("표시 이름"), max_length=60, required=False)
    phone_extension = forms.CharField(label=_("내선 번호"), max_length=20, required=False)


class StaffUserCreationForm(UserCreationForm):
    display_name = forms.CharField(label=_("표시 이름"), max_length=60, required=False)
    phone_extension = forms.CharField(label=_("내선 번호"), max_length=20, required=False)


class StaffLoginForm(LoginForm):
    """Wagtail's sign-in form with Korean labels: its password field has no label, so Django showed the
    field's name, "Password", untranslated (decision 0069)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("아이디")
        self.fields["username"].widget.attrs["placeholder"] = _("아이디를 입력하세요")
        self.fields["password"].label = _("비밀번호")
        self.fields["password"].widget.attrs["placeholder"] = _("비밀번호를 입력하세요")
