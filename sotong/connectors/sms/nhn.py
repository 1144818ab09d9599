"""NHN Cloud Notification over HTTP: the exact requests for SMS/LMS and KakaoTalk AlimTalk.

SMS API v3.0, https://docs.nhncloud.com/ko/Notification/SMS/ko/api-guide/ :
  POST {SMS_API_BASE}/sms/v3.0/appKeys/{appKey}/sender/sms   {"body", "sendNo", "recipientList", ...}
  POST {SMS_API_BASE}/sms/v3.0/appKeys/{appKey}/sender/mms   the same with "title" (LMS, no attachment)
  GET  the same paths with startCreateDate/endCreateDate/recipientGroupingKey to find an earlier request
  answer {"header": {"isSuccessful", "resultCode", "resultMessage"},
          "body": {"data": {"requestId", "statusCode", "sendResultList": [{"resultCode", ...}]}}}
  result codes: https://docs.nhncloud.com/ko/Notification/SMS/ko/error-code/
AlimTalk API v2.3, https://docs.nhncloud.com/ko/Notification/KakaoTalk%20Bizmessage/ko/alimtalk-api-guide/ :
  POST {ALIMTALK_API_BASE}/alimtalk/v2.3/appkeys/{appkey}/messages
       {"senderKey", "templateCode", "recipientList": [{"recipientNo", "templateParameter", "resendParameter"}]}
  answer {"header": {...}, "message": {"requestId", "sendResults": [{"resultCode", ...}]}}
  result codes: https://docs.nhncloud.com/ko/Notification/KakaoTalk%20Bizmessage/ko/error-code/
Both take the secret key in X-Secret-Key and JSON as "application/json;charset=UTF-8".

Tests replace ``transport`` with an ``httpx.MockTransport``; nothing else here is replaced.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from sotong.connectors.base import DeliveryError
from sotong.connectors.sms.rules import mask_phone, mask_phones_in

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=UTF-8"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SEOUL = ZoneInfo("Asia/Seoul")
USER_ID = "sotong"  # NHN's "발송 구분자", shown in its console

# The network edge. None is httpx's own; tests put an httpx.MockTransport here.
transport: httpx.BaseTransport | None = None


def client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, transport=transport, headers={"User-Agent": "sotong"})


# SMS result codes after which trying again cannot help: the number, the recipient's 080 block, or our
# sender number (발신번호 사전등록) is wrong.
SMS_PERMANENT = {
    -2018: "no recipient number",
    -2019: "the recipient number is invalid",
    -6001: "the recipient refused messages (080 수신거부)",
    -2312: "the sender number is not registered (발신번호 사전등록)",
    -2313: "the sender number is blocked",
    -1008: "the NHN project is blocked",
}
ALIMTALK_PERMANENT = {
    -5000: "the recipient number is invalid",
    -1003: "the SMS fallback sender number is invalid",
}
# AlimTalk cannot carry this message (template missing, unapproved or changed, Kakao channel blocked or
# not set up for fallback); nothing was queued, so the message goes as SMS instead.
ALIMTALK_UNUSABLE = {-1006, -1014, -1027, -1028, -2017, -2502, -3003, -3004, -3005, -3010, -3324}
# A request with the same X-NC-API-IDEMPOTENCY-KEY came within ten minutes.
ALIMTALK_DUPLICATE = -1005


class AlimTalkUnusable(DeliveryError):
    """AlimTalk refused the request for a reason of its own; SMS can still carry the message."""


@dataclass(frozen=True)
class SmsAccount:
    base_url: str
    app_key: str
    secret_key: str
    send_no: str


@dataclass(frozen=True)
class AlimTalkAccount:
    base_url: str
    app_key: str
    secret_key: str
    sender_key: str


@dataclass(frozen=True)
class Resend:
    """The SMS/LMS that NHN sends in place of an AlimTalk that cannot be delivered (대체 발송)."""

    send_no: str
    body: str
    title: str | None


def _headers(secret_key: str, **extra: str) -> dict[str, str]:
    return {"Content-Type": CONTENT_TYPE, "X-Secret-Key": secret_key, **extra}


def sms_url(account: SmsAccount, *, long: bool) -> str:
    return f"{account.base_url}/sms/v3.0/appKeys/{account.app_key}/sender/{'mms' if long else 'sms'}"


def alimtalk_url(account: AlimTalkAccount) -> str:
    return f"{account.base_url}/alimtalk/v2.3/appkeys/{account.app_key}/messages"


def sms_body(
    account: SmsAccount,
    *,
    recipient: str,
    body: str,
    title: str | None,
    sender_grouping_key: str,
    recipient_grouping_key: str,
) -> dict[str, Any]:
    """The request body: a short SMS, or with a title the long message (LMS) to /sender/mms."""
    request: dict[str, Any] = {
        "body": body,
        "sendNo": account.send_no,
        "senderGroupingKey": sender_grouping_key,
        "recipientList": [{"recipientNo": recipient, "recipientGroupingKey": recipient_grouping_key}],
        "userId": USER_ID,
    }
    if title is not None:
        request["title"] = title
    return request


def alimtalk_body(
    account: AlimTalkAccount,
    *,
    template_code: str,
    recipient: str,
    parameters: dict[str, str],
    resend: Resend,
    sender_grouping_key: str,
    recipient_grouping_key: str,
) -> dict[str, Any]:
    fallback: dict[str, Any] = {
        "isResend": True,
        "resendType": "LMS" if resend.title is not None else "SMS",
        "resendContent": resend.body,
        "resendSendNo": resend.send_no,
    }
    if resend.title is not None:
        fallback["resendTitle"] = resend.title
    return {
        "senderKey": account.sender_key,
        "templateCode": template_code,
        "senderGroupingKey": sender_grouping_key,
        "recipientList": [
            {
                "recipientNo": recipient,
                "templateParameter": parameters,
                "resendParameter": fallback,
                "recipientGroupingKey": recipient_grouping_key,
            }
        ],
    }


def _exchange(
    service: str, method: str, url: str, *, headers: dict[str, str], **kwargs: Any
) -> dict[str, Any]:
    """One call; the decoded answer when the provider accepted it, DeliveryError otherwise."""
    try:
        with client() as http:
            response = http.request(method, url, headers=headers, **kwargs)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"{service} did not answer in time ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise DeliveryError(f"{service} could not be reached ({type(exc).__name__}: {exc})") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    header = answer.get("header") if isinstance(answer, dict) else None
    said = ""
    if isinstance(header, dict):
        said = f": {header.get('resultCode')} {mask_phones_in(str(header.get('resultMessage', '')))}"
    if response.status_code >= 500 or response.status_code in (408, 425, 429):
        raise DeliveryError(f"{service} answered HTTP {response.status_code}{said}")
    if response.status_code >= 400:
        raise DeliveryError(
            f"{service} refused the request, HTTP {response.status_code}{said}", permanent=True
        )
    if not isinstance(answer, dict) or not isinstance(header, dict):
        raise DeliveryError(f"{service} answered HTTP {response.status_code} with no readable result")
    return answer


def _result(answer: dict[str, Any]) -> tuple[int, str]:
    header = answer["header"]
    if header.get("isSuccessful") is True:
        return 0, ""
    try:
        code = int(header.get("resultCode"))
    except (TypeError, ValueError):
        code = -1
    return code or -1, str(header.get("resultMessage", ""))


def _recipient_result(results: Any) -> tuple[int, str]:
    first = results[0] if isinstance(results, list) and results and isinstance(results[0], dict) else {}
    try:
        code = int(first.get("resultCode") or 0)
    except (TypeError, ValueError):
        code = -1
    return code, str(first.get("resultMessage", ""))


def _sms_failure(service: str, recipient: str, code: int, message: str) -> DeliveryError:
    reason = SMS_PERMANENT.get(code)
    said = f"{code} {mask_phones_in(message)}".strip()
    if reason:
        return DeliveryError(f"{service}: {reason} ({mask_phone(recipient)}; {said})", permanent=True)
    return DeliveryError(f"{service} did not take the message for {mask_phone(recipient)} ({said})")


def send_sms(
    account: SmsAccount,
    *,
    recipient: str,
    body: str,
    title: str | None,
    sender_grouping_key: str,
    recipient_grouping_key: str,
) -> str:
    """Send one SMS (no title) or LMS (with a title); returns NHN's requestId."""
    long = title is not None
    service = "NHN LMS" if long else "NHN SMS"
    request = sms_body(
        account,
        recipient=recipient,
        body=body,
        title=title,
        sender_grouping_key=sender_grouping_key,
        recipient_grouping_key=recipient_grouping_key,
    )
    answer = _exchange(
        service,
        "POST",
        sms_url(account, long=long),
        headers=_headers(account.secret_key),
        content=json.dumps(request, ensure_ascii=False).encode(),
    )
    code, message = _result(answer)
    if code:
        raise _sms_failure(service, recipient, code, message)
    data = (answer.get("body") or {}).get("data") or {}
    code, message = _recipient_result(data.get("sendResultList"))
    if code:
        raise _sms_failure(service, recipient, code, message)
    if str(data.get("statusCode", "")) == "3":
        raise DeliveryError(
            f"{service} reports the request failed (statusCode 3) for {mask_phone(recipient)}"
        )
    request_id = str(data.get("requestId") or "")
    logger.info("%s to %s accepted as %s", service, mask_phone(recipient), request_id or "(no id)")
    return request_id


def send_alimtalk(
    account: AlimTalkAccount,
    *,
    template_code: str,
    recipient: str,
    parameters: dict[str, str],
    resend: Resend,
    idempotency_key: str,
    sender_grouping_key: str,
    recipient_grouping_key: str,
) -> str:
    """Send one AlimTalk from an approved template, NHN falling back to SMS/LMS; returns the requestId."""
    service = "NHN AlimTalk"
    request = alimtalk_body(
        account,
        template_code=template_code,
        recipient=recipient,
        parameters=parameters,
        resend=resend,
        sender_grouping_key=sender_grouping_key,
        recipient_grouping_key=recipient_grouping_key,
    )
    answer = _exchange(
        service,
        "POST",
        alimtalk_url(account),
        # NHN refuses a second request with the same key for ten minutes, so a retry after a lost answer
        # cannot send the message twice.
        headers=_headers(account.secret_key, **{"X-NC-API-IDEMPOTENCY-KEY": idempotency_key}),
        content=json.dumps(request, ensure_ascii=False).encode(),
    )
    code, message = _result(answer)
    sent = answer.get("message") or {}
    if not code:
        code, message = _recipient_result(sent.get("sendResults"))
    if code:
        said = f"{code} {mask_phones_in(message)}".strip()
        if code in ALIMTALK_PERMANENT:
            raise DeliveryError(
                f"{service}: {ALIMTALK_PERMANENT[code]} ({mask_phone(recipient)}; {said})", permanent=True
            )
        if code == ALIMTALK_DUPLICATE:
            # The earlier request may or may not have been taken; the next try looks it up first.
            raise DeliveryError(
                f"{service} already has a request with this key ({said}); looking again later"
            )
        if code in ALIMTALK_UNUSABLE:
            raise AlimTalkUnusable(f"{service} cannot carry template {template_code} ({said})")
        raise DeliveryError(f"{service} did not take the message for {mask_phone(recipient)} ({said})")
    request_id = str(sent.get("requestId") or "")
    logger.info("%s to %s accepted as %s", service, mask_phone(recipient), request_id or "(no id)")
    return request_id


def _window(since: datetime, fmt: str) -> tuple[str, str]:
    now = datetime.now(tz=SEOUL)
    start = max(since.astimezone(SEOUL) - timedelta(minutes=1), now - timedelta(days=29))
    return start.strftime(fmt), (now + timedelta(minutes=1)).strftime(fmt)


def _first_request_id(found: Any) -> str | None:
    if isinstance(found, list) and found and isinstance(found[0], dict) and found[0].get("requestId"):
        return str(found[0]["requestId"])
    return None


def find_sms(account: SmsAccount, *, long: bool, recipient_grouping_key: str, since: datetime) -> str | None:
    """The requestId of an SMS/LMS already made for this delivery (an earlier try whose answer was lost)."""
    start, end = _window(since, "%Y-%m-%d %H:%M:%S")
    answer = _exchange(
        "NHN SMS search",
        "GET",
        sms_url(account, long=long),
        headers=_headers(account.secret_key),
        params={
            "startCreateDate": start,
            "endCreateDate": end,
            "recipientGroupingKey": recipient_grouping_key,
        },
    )
    code, message = _result(answer)
    if code:
        raise DeliveryError(f"NHN SMS search failed ({code} {mask_phones_in(message)}); not sending blind")
    return _first_request_id((answer.get("body") or {}).get("data"))


def find_alimtalk(account: AlimTalkAccount, *, recipient_grouping_key: str, since: datetime) -> str | None:
    """The requestId of an AlimTalk already made for this delivery."""
    start, end = _window(since, "%Y-%m-%d %H:%M")
    answer = _exchange(
        "NHN AlimTalk search",
        "GET",
        alimtalk_url(account),
        headers=_headers(account.secret_key),
        params={
            "startCreateDate": start,
            "endCreateDate": end,
            "recipientGroupingKey": recipient_grouping_key,
        },
    )
    code, message = _result(answer)
    if code:
        raise DeliveryError(
            f"NHN AlimTalk search failed ({code} {mask_phones_in(message)}); not sending blind"
        )
    return _first_request_id((answer.get("messageSearchResultResponse") or {}).get("messages"))
