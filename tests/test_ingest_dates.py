"""Dates of DOMAIN.md §1.4: day first, ranges, month words, anniversary pairs, inferred years."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ingest.dates import parse_date, parse_dates

PUB = date(2023, 7, 18)


@pytest.mark.parametrize(("text", "value", "until", "inferred", "kind"), [
    ("ngày 19/4/2023", "2023-04-19", None, False, "date"),
    ("ngày 4/5/2023", "2023-05-04", None, False, "date"),
    ("ngày 22 tháng 8 năm 2021", "2021-08-22", None, False, "date"),
    ("Ngày 18/7, Khối", "2023-07-18", None, True, "date"),
    ("Ngày 24-2 tại", "2023-02-24", None, True, "date"),
    ("Ngày 27.8, ông", "2022-08-27", None, True, "date"),
    ("28.8.1945", "1945-08-28", None, False, "date"),
    ("Sáng ngày 06/10", "2022-10-06", None, True, "date"),
    ("Chiều 28/7", "2022-07-28", None, True, "date"),
    ("từ 1/1", "2023-01-01", None, True, "date"),
    ("tháng 2/2025", "2025-02", None, False, "month"),
    ("09 Tháng Tư 2019", "2019-04-09", None, False, "date"),
    ("từ ngày 21/9/2023 đến ngày 27/9/2023", "2023-09-21", "2023-09-27", False, "range"),
    ("(06 - 07/12)", "2022-12-06", "2022-12-07", True, "range"),
    ("17-20/10", "2022-10-17", "2022-10-20", True, "range"),
    ("(11/6/1948 - 11/6/2023)", "1948-06-11", "2023-06-11", False, "anniversary"),
    ("ngày 01-10-1997", "1997-10-01", None, False, "date"),
    ("sẽ tổ chức vào ngày 20/9", "2023-09-20", None, True, "date"),
])
def test_forms(text: str, value: str, until: str | None, inferred: bool, kind: str) -> None:
    d = parse_date(text, PUB)
    assert d is not None
    assert (d.value, d.until, d.inferred, d.kind) == (value, until, inferred, kind)


@pytest.mark.parametrize("text", ["Nghị định số 369/2025", "30/2020/NĐ-CP", "tỷ lệ 3/4 số hộ", "1.500 tỷ đồng",
                                  "nhiệm kỳ 2021-2026", "6 tháng cuối năm 2023"])
def test_not_dates(text: str) -> None:
    assert parse_dates(text, PUB) == []


def test_without_a_publication_date_the_year_stays_unknown() -> None:
    d = parse_date("Ngày 18/7, họp", None)
    assert d is not None and d.value == "--07-18" and d.inferred is False


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises(text: str) -> None:
    for d in parse_dates(text, PUB):
        assert 0 <= d.start < d.end <= len(text)


FORMS = ["ngày {d}/{m}/{y}", "ngày {d:02d} tháng {m:02d} năm {y}", "{d}.{m}.{y}", "ngày {d}-{m}-{y}",
         "Sáng ngày {d} tháng {m} năm {y}"]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(FORMS))
def test_round_trip(day: date, form: str) -> None:
    text = "Theo đó, " + form.format(d=day.day, m=day.month, y=day.year) + ", đoàn công tác làm việc."
    d = parse_date(text, PUB)
    assert d is not None and d.value == day.isoformat() and not d.inferred
