"""Whatever a file holds, a parser either returns records and per-line problems or refuses the
file with `ImportFileError`; it never crashes and never returns a place outside Korea."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotong.safety.importers import FORMATS
from sotong.safety.importers.common import KOREA_LAT, KOREA_LON, ImportFileError, hhmm
from sotong.safety.importers.localdata import parse as parse_localdata

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), cells)


def _check(data: bytes, fmt: str) -> None:
    try:
        parsed = FORMATS[fmt][0](data)
    except ImportFileError:
        return
    for record in parsed.records:
        if record.closed and "lat" not in record.values:
            continue
        assert KOREA_LAT[0] <= record.values["lat"] <= KOREA_LAT[1]
        assert KOREA_LON[0] <= record.values["lon"] <= KOREA_LON[1]
        assert record.source_id
    assert all(p.line >= 1 and p.reason for p in parsed.problems)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(sorted(FORMATS)))
def test_any_bytes_are_read_or_refused(data: bytes, fmt: str) -> None:
    _check(data, fmt)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cells, numbers, numbers, cells), max_size=8))
def test_localdata_rows_with_any_values(rows: list[tuple[str, str, str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["사업장명", "좌표정보(x)", "좌표정보(y)", "영업상태명"])
    writer.writerows(rows)
    _check(out.getvalue().encode("utf-8"), "localdata")
    parse_localdata(out.getvalue().encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["REARE_NM", "LAT", "LOT", "SHLT_SE_CD", "MNG_SN", "RONA_DADDR"]),
            st.one_of(cells, st.floats(allow_nan=False), st.integers(), st.none()),
        ),
        max_size=6,
    )
)
def test_shelter_api_items_with_any_values(items: list[dict[str, object]]) -> None:
    _check(json.dumps({"body": items}).encode(), "shelter-api")


@given(st.text(max_size=8))
def test_times_are_either_valid_or_none(text: str) -> None:
    value = hhmm(text)
    if value is not None:
        hour, minute = map(int, value.split(":"))
        assert 0 <= hour <= 24 and 0 <= minute <= 59


@pytest.mark.parametrize("data", [b"\r\x00", b"\x00\r\n", b"a\rb\x00"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_bytes_the_csv_module_cannot_read_are_read_or_refused(data: bytes, fmt: str) -> None:
    """Found by the test above: a carriage return then a NUL made the csv module raise instead of our
    refusal."""
    _check(data, fmt)
