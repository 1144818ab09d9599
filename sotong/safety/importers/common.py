"""What every facility importer shares: decoding, header aliases, value parsing and the report.

An importer turns a file into `Parsed` rows: a `FacilityRecord` for each good row and a
`RowProblem` (line number and reason) for each bad one. Nothing is written here; the service
`sotong.safety.services.facilities.facilities_import` applies the records in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

# A generous box around South Korea (Jeju to the DMZ, Baengnyeong to Dokdo): a swapped
# latitude/longitude, a TM metre value or a zero falls outside it.
KOREA_LAT = (33.0, 38.7)
KOREA_LON = (124.5, 132.0)


class ImportFileError(Exception):
    """The whole file cannot be read (encoding, shape, a required column missing): nothing changes."""


class RowError(ValueError):
    """One row cannot be imported; the message says why, in the operator's language."""


@dataclass
class FacilityRecord:
    """One facility as a source publishes it, in our fields. `values` holds only what the source
    gives, so a re-import never blanks a field another source or an officer filled in."""

    line: int
    source_id: str
    values: dict[str, Any]
    closed: bool = False


@dataclass
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("%(line)s행: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class Parsed:
    records: list[FacilityRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    skipped_closed: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        text = _(
            "새로 %(created)d곳, 갱신 %(updated)d곳, 변경 없음 %(unchanged)d곳, 사용 중지 %(deactivated)d곳, "
            "거부 %(rejected)d행"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "rejected": self.rejected,
        }
        if self.dry_run:
            text += " " + _("(시험 실행: 저장하지 않았습니다)")
        return text


def decode(data: bytes) -> str:
    """Public-data files come as UTF-8 (often with a BOM) or CP949/EUC-KR (LOCALDATA, most
    standard-data CSVs). CP949 is a superset of EUC-KR, so it reads both."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp949")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("파일의 문자 인코딩을 읽을 수 없습니다(UTF-8 또는 CP949/EUC-KR이어야 합니다).")
        ) from exc


def normalise_header(name: str) -> str:
    """Headers are compared without spaces, BOMs and case: '좌표정보(X)' matches '좌표정보(x)'."""
    return re.sub(r"\s+", "", name.replace("\ufeff", "")).lower()


def csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each data row as {header: value}, with the row's line number in the file."""
    # newline="": a carriage return inside the text reaches the csv module as the file's own line ending.
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader)
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    except StopIteration as exc:
        raise ImportFileError(_("파일이 비어 있습니다.")) from exc
    except csv.Error as exc:
        raise ImportFileError(
            _("CSV로 읽을 수 없는 파일입니다(%(line)s번째 줄).") % {"line": reader.line_num}
        ) from exc
    return header, rows


class Columns:
    """Finds each wanted field's column by its aliases, never by position."""

    def __init__(self, headers: Iterable[str], aliases: Mapping[str, tuple[str, ...]]) -> None:
        by_norm = {normalise_header(h): h for h in headers}
        self.found: dict[str, str] = {}
        for wanted, names in aliases.items():
            for alias in names:
                if normalise_header(alias) in by_norm:
                    self.found[wanted] = by_norm[normalise_header(alias)]
                    break

    def require(self, *wanted: str, aliases: Mapping[str, tuple[str, ...]]) -> None:
        missing = [w for w in wanted if w not in self.found]
        if missing:
            names = ", ".join("/".join(aliases[w]) for w in missing)
            raise ImportFileError(_("필요한 열이 없습니다: %(names)s") % {"names": names})

    def get(self, row: Mapping[str, Any], wanted: str) -> str:
        column = self.found.get(wanted)
        if column is None:
            return ""
        value = row.get(column)
        return "" if value is None else str(value).strip()


def parse_float(text: str, *, what: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError as exc:
        raise RowError(_("%(what)s 값이 숫자가 아닙니다: %(value)r") % {"what": what, "value": text}) from exc


def optional_int(text: str) -> int | None:
    digits = text.replace(",", "").strip()
    if not digits:
        return None
    try:
        value = int(float(digits))
    except ValueError as exc:
        raise RowError(_("수용 인원 값이 숫자가 아닙니다: %(value)r") % {"value": text}) from exc
    return value if value >= 0 else None


def optional_float(text: str) -> float | None:
    cleaned = text.replace(",", "").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def yes(text: str) -> bool | None:
    """'Y', '예', '있음', '가능', '1' → True; 'N', '아니오', '없음', '불가', '0' → False; else None."""
    value = text.strip().lower()
    if value in {"y", "yes", "예", "있음", "가능", "o", "1", "true", "운영"}:
        return True
    if value in {"n", "no", "아니오", "없음", "불가", "불가능", "x", "0", "false", "미운영"}:
        return False
    return None


def check_in_korea(lat: float, lon: float) -> None:
    if not (KOREA_LAT[0] <= lat <= KOREA_LAT[1] and KOREA_LON[0] <= lon <= KOREA_LON[1]):
        raise RowError(
            _("좌표(위도 %(lat)s, 경도 %(lon)s)가 대한민국 범위를 벗어납니다.") % {"lat": lat, "lon": lon}
        )


def require_name(name: str) -> str:
    if not name:
        raise RowError(_("시설 이름이 비어 있습니다."))
    return name[:200]


def hhmm(text: str) -> str | None:
    """'0900', '09:00', '090000', '9:00' → '09:00'; '2400' → '24:00' kept as the end of day."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 3:
        digits = "0" + digits
    if len(digits) not in (4, 6):
        return None
    hour, minute = int(digits[:2]), int(digits[2:4])
    if hour > 24 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def span(days: str, open_: str | None, close: str | None) -> dict[str, str] | None:
    if not open_ or not close or open_ == close:
        return None
    # The model's hours run "HH:MM" to "HH:MM"; 24:00 closes at midnight.
    return {"days": days, "open": open_, "close": "00:00" if close == "24:00" else close}


def parse_date(text: str) -> date | None:
    digits = re.sub(r"\D", "", text)[:8]
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def fallback_id(*parts: str) -> str:
    """Rows without the source's own number: a stable key from what identifies the place."""
    return "h:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def setting_from(text: str, *, default: str) -> str:
    if "지하" in text:
        return "underground"
    if any(word in text for word in ("옥외", "야외", "운동장", "공원", "공터", "광장")):
        return "outdoor"
    return default


def parse_rows(rows: Iterable[tuple[int, Mapping[str, Any]]], parse_one: Any) -> Parsed:
    """Run one importer's row parser over the rows, collecting each bad row's reason."""
    parsed = Parsed()
    for line, row in rows:
        try:
            record = parse_one(line, row)
        except RowError as exc:
            parsed.problems.append(RowProblem(line=line, reason=str(exc)))
            continue
        if record is not None:
            parsed.records.append(record)
    return parsed


def json_items(document: Any) -> list[Any]:
    """The list of items in a public API's JSON, wherever that API nests it: `body` as a list
    (재난안전데이터공유플랫폼), `response.body.items.item` (공공데이터포털, a dict when there is one
    item), `items`, `records`, `DATA`, `row`, or the document itself as a list."""
    node = document
    if isinstance(node, dict) and "response" in node:
        node = node["response"]
    if isinstance(node, dict) and "body" in node:
        node = node["body"]
    if isinstance(node, dict):
        for key in ("items", "item", "records", "DATA", "data", "row", "features"):
            if key in node:
                node = node[key]
                if isinstance(node, dict) and "item" in node:
                    node = node["item"]
                break
    if isinstance(node, dict) and node and all(not isinstance(v, (dict, list)) for v in node.values()):
        return [node]
    if node in ("", None):
        return []
    if not isinstance(node, list):
        raise ImportFileError(_("응답에서 항목 목록을 찾지 못했습니다."))
    return node


def json_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Items of a JSON document as rows numbered from 1 (an item's position stands in for a line)."""
    import json

    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ImportFileError(_("JSON 형식이 아닙니다: %(error)s") % {"error": exc}) from exc
    items = json_items(document)
    rows = [(index, item) for index, item in enumerate(items, start=1) if isinstance(item, dict)]
    headers = sorted({key for _line, item in rows for key in item})
    return headers, rows


def table_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """A CSV file or a JSON API response, told apart by their first character."""
    text = decode(data)
    if text.lstrip()[:1] in ("{", "["):
        return json_rows(text)
    return csv_rows(text)
