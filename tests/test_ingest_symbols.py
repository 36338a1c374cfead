"""Document symbols (DOMAIN.md §1.1-1.3) and document references in text (§1.6)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ingest import extract, parse_symbol
from graph.ingest.symbols import DOC_TYPES


@pytest.mark.parametrize(("text", "number", "code", "tslug", "issuer", "year", "normative"), [
    ("280/CĐ-TTg", "280", "CĐ", "cong-dien", "TTg", None, False),
    ("30/2020/NĐ-CP", "30", "NĐ", "nghi-dinh", "CP", 2020, True),
    ("30/2020/ND-CP", "30", "NĐ", "nghi-dinh", "CP", 2020, True),
    ("280/CÐ-TTg", "280", "CĐ", "cong-dien", "TTg", None, False),
    ("02/2011/TTLT-VPCP-BNV", "02", "TTLT", "thong-tu-lien-tich", "VPCP-BNV", 2011, True),
    ("88/2019/QH14", "88", None, "nghi-quyet-quoc-hoi", "QH14", 2019, True),
    ("65-KL/TW", "65", "KL", "ket-luan", "TW", None, False),
    ("22/CT-TW", "22", "CT", "chi-thi-cua-dang", "TW", None, False),
    ("73/TTg-CN", "73", None, "cong-van", "TTg", None, False),
    ("18/2020/QĐ-TTg", "18", "QĐ", "quyet-dinh", "TTg", 2020, True),
    ("01/NQ-CP", "01", "NQ", "nghi-quyet", "CP", None, False),
])
def test_parse(text: str, number: str, code: str | None, tslug: str, issuer: str, year: int | None,
               normative: bool) -> None:
    s = parse_symbol(text)
    assert s is not None
    assert (s.number, s.type_code, s.type_slug, s.issuer, s.year, s.normative) == (
        number, code, tslug, issuer, year, normative)


def test_iri_slugs_follow_the_model() -> None:
    assert parse_symbol("280/CĐ-TTg").iri_slug(2023) == "280-cd-ttg-2023"  # type: ignore[union-attr]
    assert parse_symbol("30/2020/NĐ-CP").iri_slug(2020) == "30-2020-nd-cp"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "4/5/2023", "V.I", "Nghị định 79", "abc/def"])
def test_not_symbols(text: str) -> None:
    assert parse_symbol(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises(text: str) -> None:
    parse_symbol(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9999), st.sampled_from(sorted(DOC_TYPES)), st.sampled_from(["TTg", "VPCP", "BNV", "UBND"]),
       st.one_of(st.none(), st.integers(1990, 2030)))
def test_round_trip(n: int, code: str, issuer: str, year: int | None) -> None:
    text = f"{n}/{year}/{code}-{issuer}" if year else f"{n}/{code}-{issuer}"
    s = parse_symbol(text)
    assert s is not None
    assert (s.symbol, s.number, s.type_code, s.issuer, s.year) == (text, str(n), code, issuer, year)
    assert parse_symbol(s.symbol) == s


def test_coordinated_documents_share_type_and_subject() -> None:
    m, _ = extract("Thực hiện các Công điện số 280/CĐ-TTg ngày 19/4/2023 và số 365/CĐ-TTg ngày 4/5/2023 về "
                   "chấn chỉnh kỷ cương.")
    docs = [(d["symbol"], d["type"], d["date"], d["subject"]) for d in m["documents"]]
    assert docs == [("280/CĐ-TTg", "cong-dien", "2023-04-19", "chấn chỉnh kỷ cương"),
                    ("365/CĐ-TTg", "cong-dien", "2023-05-04", "chấn chỉnh kỷ cương")]


def test_bare_numbers_are_kept_as_written() -> None:
    m, _ = extract("Theo Quyết định số 12 của Bộ Y tế và Nghị định số 369/2025, các đơn vị triển khai.")
    docs = [(d["symbol"], d["number_as_written"], d["type"], d["year"]) for d in m["documents"]]
    assert docs == [(None, "12", "quyet-dinh", None), (None, "369/2025", "nghi-dinh", 2025)]
