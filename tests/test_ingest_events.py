"""Events from cue phrases (DOMAIN.md §3), anniversaries, programmes and movements."""

from __future__ import annotations

from datetime import date

from graph.ingest import extract


def test_event_type_date_organisers_roles_documents() -> None:
    m, _ = extract("Chiều 14/7, tại Hà Nội, Ủy ban Dân tộc tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm. "
                   "Bộ trưởng, Chủ nhiệm Ủy ban Dân tộc Hầu A Lềnh chủ trì Hội nghị sơ kết, thực hiện "
                   "Quyết định số 1719/QĐ-TTg ngày 14/10/2021.", date(2023, 7, 14))
    ev = [e for e in m["events"] if e["type"] != "historical"]
    assert [(e["type"], e["date"]) for e in ev] == [("so-ket", "2023-07-14")]
    assert ev[0]["organisers"] == ["Ủy ban Dân tộc"]
    assert {"name": "Hầu A Lềnh", "role": "chair"} in ev[0]["participants"]
    assert ev[0]["documents"] == ["1719/QĐ-TTg"]


def test_co_organisers_and_same_occasion() -> None:
    m, _ = extract("Ngày 18/7, Khối thi đua 3 ký kết giao ước thi đua. Nhân dịp này, Chi bộ Vụ A phối hợp với "
                   "Đảng bộ Cục B tổ chức sinh hoạt chuyên đề về công tác dân vận.", date(2023, 7, 18))
    by_type = {e["type"]: e for e in m["events"]}
    s = by_type["sinh-hoat-chuyen-de"]
    assert s["date"] == "2023-07-18" and s["same_occasion"]
    assert s["organisers"] == ["Chi bộ Vụ A"] and s["co_organisers"] == ["Đảng bộ Cục B"]


def test_anniversary_gives_a_historical_event() -> None:
    m, _ = extract("Thi đua chào mừng kỷ niệm 75 năm ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc "
                   "(11/6/1948 - 11/6/2023).", date(2023, 7, 18))
    h = [e for e in m["events"] if e["type"] == "historical"]
    assert h[0]["date"] == "1948-06-11" and h[0]["anniversary"] == {"number": 75, "date": "2023-06-11"}
    assert "Lời kêu gọi thi đua ái quốc" in h[0]["label"]


def test_references_are_not_events() -> None:
    m, _ = extract("Ngày 2/10, Bộ trưởng thông tin về Nghị quyết phiên họp Chính phủ và tổng kết 20 năm thực hiện "
                   "Chỉ thị số 39-CT/TW.", date(2023, 10, 2))
    assert m["events"] == []


def test_programmes_movements_slogans() -> None:
    m, _ = extract('Thực hiện 3 Chương trình mục tiêu quốc gia: Xây dựng nông thôn mới; Giảm nghèo bền vững và '
                   'Phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021 - 2030. '
                   'Lan tỏa phong trào "Dân vận khéo" theo phương châm hành động của Chính phủ năm 2023 '
                   '"Đoàn kết kỷ cương, bản lĩnh linh hoạt".')
    got = {(p["name"], p["kind"]) for p in m["programmes"]}
    assert got == {("Xây dựng nông thôn mới", "programme"), ("Giảm nghèo bền vững", "programme"),
                   ("Phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi", "programme"),
                   ("Dân vận khéo", "movement"), ("Đoàn kết kỷ cương, bản lĩnh linh hoạt", "slogan")}
