from __future__ import annotations

import logging

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sotong.connectors.kakao.inbound import SkillRefused, SkillRequestError, skill_request_from
from sotong.site.conversation import converse

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def kakao_skill(request: HttpRequest) -> HttpResponse:
    """Called by Kakao i Open Builder for every message to the district's KakaoTalk channel."""
    if not settings.KAKAO_ENABLED:
        raise Http404
    try:
        skill_request = skill_request_from(request)
    except SkillRefused as exc:
        logger.warning("kakao skill request refused: %s", exc)
        return HttpResponseForbidden()
    except SkillRequestError as exc:
        logger.info("unreadable kakao skill request: %s", exc)
        return HttpResponseBadRequest()
    return JsonResponse(converse(skill_request), json_dumps_params={"ensure_ascii": False})
