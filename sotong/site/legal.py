"""개인정보처리방침 and 이용약관: the footer's two policy pages, in the reader's language.

Each language has its own template: a legal text reads better written whole in one language than assembled
from a hundred translated sentences. The contacts come from the district's data, so a second district that
deploys Sotong gets its own name, address and privacy office without editing a template.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from sotong.organisation.selectors import current_district, department_detail

# The department that runs the district's web services (구 홈페이지·앱·온라인 민원창구) answers for the
# personal data this platform handles; its head is the 개인정보 보호책임자 (개인정보 보호법 제31조).
PRIVACY_DEPARTMENT_CODE = "it"
# The date from which the current texts apply (개인정보 보호법 시행령 제31조: the policy shows it).
POLICY_EFFECTIVE = "2026-12-01"
LANGUAGE_SUFFIXES = {"en": "en", "zh-hans": "zh"}


def _language_suffix() -> str:
    return LANGUAGE_SUFFIXES.get((get_language() or "ko").lower(), "ko")


def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "district": current_district(),
        "privacy_department": department_detail(code=PRIVACY_DEPARTMENT_CODE),
        "effective": POLICY_EFFECTIVE,
    }
    return render(request, f"site/privacy_{_language_suffix()}.html", context)


def terms(request: HttpRequest) -> HttpResponse:
    context = {"district": current_district(), "effective": POLICY_EFFECTIVE}
    return render(request, f"site/terms_{_language_suffix()}.html", context)
