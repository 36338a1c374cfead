"""Units (gazetteer and head-word patterns, parents) and persons with posts (DOMAIN.md §2.3)."""

from __future__ import annotations

from typing import Any

from graph.ingest import extract


def _units(text: str) -> dict[str, Any]:
    m, _ = extract(text)
    return {u["name"]: u for u in m["units"]}


def _posts(text: str) -> dict[str, list[tuple[str, str | None, bool, bool]]]:
    m, _ = extract(text)
    return {p["name"]: [(q["title"], q["unit"], q["former"], q["concurrent"]) for q in p["posts"]]
            for p in m["persons"]}


def test_commas_inside_names_and_parents() -> None:
    u = _units("Ông Đinh Xuân Thắng, Phó Vụ trưởng Vụ Tuyên truyền, Ủy ban Dân tộc và Vụ trưởng Vụ Công tác "
               "Quốc hội, Địa phương và Đoàn thể cho biết.")
    assert u["Vụ Tuyên truyền"]["parent"] == "Ủy ban Dân tộc"
    assert "Vụ Công tác Quốc hội, Địa phương và Đoàn thể" in u
    assert _units("Bộ Văn hóa, Thể thao và Du lịch tổ chức lễ.")["Bộ Văn hóa, Thể thao và Du lịch"]["known"]


def test_thuoc_abbreviation_and_block_members() -> None:
    u = _units("Ngày 18/7, Khối thi đua 3 của Văn phòng Chính phủ gồm: Vụ I, Cục Kiểm soát thủ tục hành chính "
               "đã ký kết giao ước thi đua. Vụ Pháp chế thuộc Bộ Nội vụ dự. Hội đồng Thi đua khen thưởng VPCP họp.")
    assert u["Khối thi đua 3"]["parent"] == "Văn phòng Chính phủ"
    assert u["Vụ I"]["member_of"] == "Khối thi đua 3" and u["Vụ I"]["parent"] == "Văn phòng Chính phủ"
    assert u["Vụ Pháp chế"]["parent"] == "Bộ Nội vụ"
    assert u["Hội đồng Thi đua khen thưởng"]["parent"] == "Văn phòng Chính phủ"


def test_party_cells_are_expanded() -> None:
    u = _units("Chi bộ Vụ A phối hợp với Đảng bộ Cục B, Chi bộ các Vụ: Vụ C, Vụ D tổ chức sinh hoạt chuyên đề.")
    assert u["Chi bộ Vụ C"]["attached_to"] == "Vụ C"
    assert u["Chi bộ Vụ D"]["type"] == "chi-bo"
    assert u["Đảng bộ Cục B"]["type"] == "dang-bo"


def test_title_then_name_and_name_then_titles() -> None:
    p = _posts("Bộ trưởng Bộ Y tế Nguyễn Thanh Long cho biết. Ông Lưu Xuân Thủy - Vụ trưởng Vụ Dân tộc thiểu số "
               "trình bày. Đại tướng Phan Văn Giang, Bộ trưởng Bộ Quốc phòng phát biểu.")
    assert p["Nguyễn Thanh Long"] == [("Bộ trưởng", "Bộ Y tế", False, False)]
    assert p["Lưu Xuân Thủy"] == [("Vụ trưởng", "Vụ Dân tộc thiểu số", False, False)]
    assert p["Phan Văn Giang"] == [("Bộ trưởng", "Bộ Quốc phòng", False, False)]


def test_one_title_over_a_list_and_joined_titles() -> None:
    p = _posts("Dự có các Phó Thủ tướng Chính phủ: Lê Minh Khái, Vũ Đức Đam, Lê Văn Thành. "
               "Phó thủ tướng - Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn chủ trì.")
    for n in ("Lê Minh Khái", "Vũ Đức Đam", "Lê Văn Thành"):
        assert p[n] == [("Phó Thủ tướng", "Chính phủ", False, False)]
    assert p["Bùi Thanh Sơn"] == [("Phó Thủ tướng", "Chính phủ", False, False),
                                  ("Bộ trưởng", "Bộ Ngoại giao", False, False)]


def test_former_concurrent_and_name_lengths() -> None:
    p = _posts("Tham dự có nguyên Chủ tịch Quốc hội Nguyễn Thị Kim Ngân. Bà Lâm Thị Phương Thanh, Phó Chủ nhiệm "
               "Văn phòng Chính phủ kiêm Trưởng ban Chỉ đạo nhận hoa. Ông Kiên Banh cảm ơn.")
    assert p["Nguyễn Thị Kim Ngân"] == [("Chủ tịch", "Quốc hội", True, False)]
    assert p["Lâm Thị Phương Thanh"][0] == ("Phó Chủ nhiệm", "Văn phòng Chính phủ", False, False)
    assert p["Lâm Thị Phương Thanh"][1][3] is True
    assert p["Kiên Banh"] == []


def test_bylines_and_photo_credits_are_not_persons() -> None:
    m, _ = extract("Hội nghị diễn ra sôi nổi - Ảnh: VGP/Hoàng Giang\n\nHoàng Giang")
    assert m["persons"] == []
