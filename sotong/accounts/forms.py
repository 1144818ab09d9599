from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm


class StaffUserEditForm(UserEditForm):
    display_name = forms.CharField(label=_("표시 이름"), max_length=60, required=False)
    phone_extension = forms.CharField(label=_("내선 번호"), max_length=20, required=False)


class StaffUserCreationForm(UserCreationForm):
    display_name = forms.CharField(label=_("표시 이름"), max_length=60, required=False)
    phone_extension = forms.CharField(label=_("내선 번호"), max_length=20, required=False)
