"""Korean alert feeds that are not CAP, turned into `ExternalAlert`s in CAP's terms (stored by the alert
import service, which this module knows nothing of).

- 기상청 기상특보 조회서비스 (apis.data.go.kr/1360000/WthrWrnInfoService): `getPwnCd` (특보코드: one row per
  warning zone with areaName, warnVar, warnStress, command, startTime, endTime) and `getWthrWrnMsg`
  (통보문: stnId, tmFc, tmSeq, t1 제목, t2 해당 구역, t3 발효 시각, t4 내용, t6 특보 발효 현황, t7 예비특보).
- 행정안전부 긴급재난문자 (safetydata.go.kr DSSP-IF-00247: SN, CRT_DT, MSG_CN, RCPTN_RGN_NM, EMRG_STEP_NM,
  DST_SE_NM, REG_YMD, MDFCN_YMD), and the retired data.go.kr 재난문자방송 발령현황 (md101_sn, create_date, msg,
  location_name), which older mirrors still serve.

Responses come as JSON or as data.go.kr XML; both are read here (XML through the safe reader).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sotong.core.workdays import SEOUL
from sotong.safety.cap.external import ExternalAlert
from sotong.safety.cap.mapping import hazard_for
from sotong.safety.cap.validate import CapError, read_xml

KMA_SENDER = "www.kma.go.kr"
CBS_SENDER = "www.safetydata.go.kr"
# 기상특보 코드 (특보코드 조회 getPwnCd).
WARN_VAR = {
    "1": "강풍",
    "2": "호우",
    "3": "한파",
    "4": "건조",
    "5": "폭풍해일",
    "6": "풍랑",
    "7": "태풍",
    "8": "대설",
    "9": "황사",
    "12": "폭염",
}
WARN_STRESS = {"0": ("주의보", "Moderate"), "1": ("경보", "Severe"), "2": ("중대경보", "Extreme")}
# command: 1 발표, 2 해제, 3 연장, 6 정정, 7 변경발표, 8 변경해제.
KMA_COMMAND = {"1": "Alert", "2": "Cancel", "3": "Update", "6": "Update", "7": "Update", "8": "Cancel"}
# 긴급재난문자 단계 → CAP severity and urgency.
CBS_STEP = {
    "위급재난": ("Extreme", "Immediate"),
    "긴급재난": ("Severe", "Immediate"),
    "안전안내": ("Minor", "Expected"),
}
# A 재난문자 has no end time; it leaves the banner after this.
CBS_VALID_FOR = timedelta(hours=12)


def read_items(data: bytes) -> list[dict[str, Any]]:
    """The rows of a data.go.kr / safetydata.go.kr response, JSON or XML."""
    text = data.lstrip()
    if text.startswith((b"{", b"[")):
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except ValueError as exc:
            raise CapError(f"JSON: {exc}") from exc
        return _json_items(payload)
    root = read_xml(data)
    error = root.findtext(".//resultCode") or root.findtext(".//returnReasonCode")
    if error not in (None, "", "00", "0", "INFO-0"):
        raise CapError(
            f"resultCode {error}: {root.findtext('.//resultMsg') or root.findtext('.//returnAuthMsg')}"
        )
    return [{child.tag: (child.text or "").strip() for child in item} for item in root.iter("item")]


def _json_items(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, list):
        return [row for row in payload if isinstance(row, dict)]
    if not isinstance(payload, dict):
        return []
    header = payload.get("header") or payload.get("response", {}).get("header") or {}
    code = str(header.get("resultCode", "00"))
    if code not in ("00", "0", "INFO-0"):
        raise CapError(f"resultCode {code}: {header.get('resultMsg') or header.get('errorMsg') or ''}")
    body = payload.get("body", payload.get("response", {}).get("body"))
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    if isinstance(body, dict):
        items = body.get("items")
        item = items.get("item") if isinstance(items, dict) else items
        if isinstance(item, dict):
            return [item]
        if isinstance(item, list):
            return [row for row in item if isinstance(row, dict)]
    return []


def kind_of(items: list[dict[str, Any]]) -> str:
    """ "kma-codes", "kma-message", "disaster-msg" or "" for rows of an unknown API."""
    if not items:
        return ""
    keys = set(items[0])
    if {"warnVar", "areaName"} <= keys:
        return "kma-codes"
    if "t1" in keys or "t2" in keys:
        return "kma-message"
    if "MSG_CN" in keys or "msg" in keys:
        return "disaster-msg"
    return ""


def _kst(value: Any) -> datetime | None:
    """ "202607151030" (KMA) or "2026/07/15 10:30:00" / "2026-07-15 10:30:00" (재난문자), Korean time."""
    digits = re.sub(r"\D", "", str(value or ""))
    if len(digits) < 12 or set(digits) == {"0"}:
        return None
    try:
        moment = datetime.strptime(digits[:12] + "+0900", "%Y%m%d%H%M%z")
        if len(digits) >= 14:
            moment = moment.replace(second=int(digits[12:14]))
    except ValueError:
        return None
    return moment.astimezone(SEOUL)


def kma_regions(text: str) -> list[str]:
    """Zone names in a 통보문's 해당 구역 ("o 호우경보 : 서울특별시(서울동남권, 서울서남권), 인천"): the names in
    brackets are the zones meant; a name without brackets means all of it."""
    regions: list[str] = []
    bracketed = re.compile(r"([^\s,:()]+)\s*\(([^)]*)\)")
    for match in bracketed.finditer(text or ""):
        regions += [part.strip() for part in match.group(2).split(",") if part.strip()]
    rest = bracketed.sub(" ", text or "")
    for line in rest.splitlines():
        line = line.split(":", 1)[-1] if ":" in line else line
        regions += [part.strip(" o·-") for part in line.split(",") if part.strip(" o·-")]
    return regions


def from_kma_code(row: dict[str, Any]) -> ExternalAlert:
    """One getPwnCd row (a warning zone's current state) → ExternalAlert. An update or release (해제)
    refers to the zone's latest alert, which the import looks up (`refers_to_latest`)."""
    var = WARN_VAR.get(str(row.get("warnVar", "")), "기상")
    stress, severity = WARN_STRESS.get(str(row.get("warnStress", "")), ("특보", "Moderate"))
    command = str(row.get("command", "1"))
    msg_type = KMA_COMMAND.get(command, "Alert")
    sent = _kst(row.get("tmFc")) or _kst(row.get("startTime"))
    if sent is None:
        raise CapError(f"tmFc {row.get('tmFc')!r}")
    area_code = str(row.get("areaCode", ""))
    zone_key = f"{area_code}-{row.get('warnVar', '')}"
    identifier = f"KMA-{row.get('stnId', '')}-{row.get('tmFc', '')}-{row.get('tmSeq', '')}-{zone_key}"
    event = f"{var}{stress}"
    action = {"Alert": "발표", "Update": "변경", "Cancel": "해제"}[msg_type]
    area = str(row.get("areaName", ""))
    return ExternalAlert(
        identifier=identifier,
        sender=KMA_SENDER,
        sent=sent,
        msg_type=msg_type,
        event=event,
        severity=severity,
        urgency="Past" if msg_type == "Cancel" else "Expected",
        headline_ko=f"[기상청] {area} {event} {action}",
        description_ko=f"{area}에 {event}가 {action}되었습니다.",
        regions=[area],
        hazard=hazard_for(event),
        refers_to_latest=f"-{zone_key}" if msg_type != "Alert" else "",
        effective=_kst(row.get("startTime")),
        expires=_kst(row.get("endTime")),
        raw=json.dumps(row, ensure_ascii=False),
    )


def from_kma_message(row: dict[str, Any]) -> ExternalAlert:
    """One getWthrWrnMsg row (a 통보문) → ExternalAlert."""
    title = str(row.get("t1", "") or row.get("title", "")).strip()
    sent = _kst(row.get("tmFc"))
    if sent is None:
        raise CapError(f"tmFc {row.get('tmFc')!r}")
    severity = "Severe" if "경보" in title and "주의보" not in title else "Moderate"
    msg_type = "Cancel" if "해제" in title and "발표" not in title else "Alert"
    body = "\n\n".join(str(row.get(key, "")).strip() for key in ("t4", "t6", "t7", "other") if row.get(key))
    return ExternalAlert(
        identifier=f"KMA-MSG-{row.get('stnId', '')}-{row.get('tmFc', '')}-{row.get('tmSeq', '')}",
        sender=KMA_SENDER,
        sent=sent,
        msg_type=msg_type,
        event=title[:200] or "기상특보",
        severity=severity,
        urgency="Past" if msg_type == "Cancel" else "Expected",
        headline_ko=f"[기상청] {title}"[:200],
        description_ko=body,
        regions=kma_regions(str(row.get("t2", ""))),
        hazard=hazard_for(title),
        effective=_kst(row.get("t3")),
        raw=json.dumps(row, ensure_ascii=False),
    )


def from_disaster_message(row: dict[str, Any]) -> ExternalAlert:
    """One 긴급재난문자 → ExternalAlert."""
    serial = str(row.get("SN") or row.get("md101_sn") or "").strip()
    text = str(row.get("MSG_CN") or row.get("msg") or "").strip()
    sent = _kst(row.get("CRT_DT") or row.get("create_date"))
    if not serial or not text or sent is None:
        raise CapError(f"SN/MSG_CN/CRT_DT: {serial!r}")
    step = str(row.get("EMRG_STEP_NM", "") or "").strip()
    kind = str(row.get("DST_SE_NM", "") or "").strip()
    severity, urgency = CBS_STEP.get(step, ("Minor", "Expected"))
    regions = [r.strip() for r in str(row.get("RCPTN_RGN_NM") or row.get("location_name") or "").split(",")]
    label = " ".join(part for part in (step, kind) if part) or "재난문자"
    first_line = text.splitlines()[0]
    return ExternalAlert(
        identifier=f"CBS-{serial}",
        sender=CBS_SENDER,
        sent=sent,
        msg_type="Alert",
        event=kind or label,
        severity=severity,
        urgency=urgency,
        headline_ko=f"[{label}] {first_line}"[:200],
        description_ko=text,
        regions=[r for r in regions if r],
        hazard=hazard_for(kind, text),
        category="Safety",
        expires=sent + CBS_VALID_FOR,
        raw=json.dumps(row, ensure_ascii=False),
    )


CONVERTERS: dict[str, Callable[[dict[str, Any]], ExternalAlert]] = {
    "kma-codes": from_kma_code,
    "kma-message": from_kma_message,
    "disaster-msg": from_disaster_message,
}
