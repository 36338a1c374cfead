"""Normalisation: NFC, look-alikes, invisible characters, hard wraps, sentences, offsets into the original."""

from __future__ import annotations

import unicodedata
from datetime import date

from graph.ingest import extract
from graph.ingest.normalize import normalize


def test_nfd_input_is_matched_and_offsets_point_into_the_original() -> None:
    original = unicodedata.normalize("NFD", "Ngày 18/7, Bộ trưởng Bộ Y tế Nguyễn Thanh Long cho biết.")
    m, _ = extract(original, date(2023, 7, 20))
    person = m["persons"][0]
    assert person["name"] == "Nguyễn Thanh Long"
    assert unicodedata.normalize("NFC", original[person["start"]:person["end"]]).startswith("Bộ trưởng")
    assert m["dates"][0]["value"] == "2023-07-18"


def test_lookalike_eth_and_zero_width_characters() -> None:
    original = "Ð\u200bồng chí Lê Văn An, Vụ trưởng Vụ Pháp chế phát biểu."
    art = normalize(original)
    assert art.text.startswith("Đồng chí Lê Văn An")
    m, _ = extract(original)
    assert m["persons"][0]["name"] == "Lê Văn An"
    assert m["persons"][0]["text"].startswith("Ð\u200bồng chí")  # the original text, as given


def test_hard_wrapped_date_is_joined() -> None:
    m, _ = extract("Sáng ngày 09 tháng 4\nnăm 2022, Hội đồng họp.")
    assert [d["value"] for d in m["dates"]] == ["2022-04-09"]
    assert m["dates"][0]["inferred"] is False


def test_paragraphs_and_sentences_keep_their_spans() -> None:
    original = "Tiêu đề bài\n\nCâu một có TP. Hồ Chí Minh. Câu hai.\nCâu\nba tiếp tục."
    art = normalize(original)
    texts = [s.text.strip() for s in art.sentences]
    assert texts == ["Tiêu đề bài", "Câu một có TP. Hồ Chí Minh.", "Câu hai.", "Câu ba tiếp tục."]
    for s in art.sentences:
        a, b = art.span(s.start, s.end)
        assert original[a:b].split() == s.text.split()


def test_publication_dateline_is_read_and_not_counted_as_a_mention() -> None:
    m, _ = extract("Tin bài\n\n18/07/2023 13:11\nNgày 18/7, Khối thi đua 3 ký kết giao ước thi đua.")
    assert m["article"]["published"] == "2023-07-18"
    assert [d["value"] for d in m["dates"]] == ["2023-07-18"]
    assert m["dates"][0]["inferred"] is True
