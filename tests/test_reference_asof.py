"""The as-of organisation charts of the Government and of Văn phòng Chính phủ, against the lists of the decrees.

The expected lists below are written from the legal texts themselves (Nghị quyết 08/2021/QH15 and
176/2025/QH15, Điều 1; Nghị định 79/2022/NĐ-CP, 36/2025/NĐ-CP Điều 3 and 369/2025/NĐ-CP), by name, not read
from ``data/``: the test compares what a user sees on the chart with what the decree says.
"""

from __future__ import annotations

import pytest

from graph.asof import org_chart, post_holders
from graph.namespaces import BASE
from graph.store import Store
from tests.seeded import seeded_store

GOV = f"{BASE}/id/unit/chinh-phu"
VPCP = f"{BASE}/id/unit/van-phong-chinh-phu"

# Nghị quyết 08/2021/QH15: 18 bộ and 4 cơ quan ngang bộ (in force until 28/02/2025).
GOVERNMENT_2021 = {
    "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao", "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Kế hoạch và Đầu tư",
    "Bộ Tài chính", "Bộ Công Thương", "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Giao thông vận tải",
    "Bộ Xây dựng", "Bộ Tài nguyên và Môi trường", "Bộ Thông tin và Truyền thông",
    "Bộ Lao động - Thương binh và Xã hội", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Khoa học và Công nghệ",
    "Bộ Giáo dục và Đào tạo", "Bộ Y tế",
    "Ủy ban Dân tộc", "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ", "Văn phòng Chính phủ",
}
# Nghị quyết 176/2025/QH15: 14 bộ and 3 cơ quan ngang bộ, from 01/03/2025.
GOVERNMENT_2025 = {
    "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao", "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Tài chính", "Bộ Công Thương",
    "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Khoa học và Công nghệ",
    "Bộ Giáo dục và Đào tạo", "Bộ Y tế", "Bộ Dân tộc và Tôn giáo",
    "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ", "Văn phòng Chính phủ",
}
# Nghị định 36/2025/NĐ-CP, Điều 3: 18 units, from 01/03/2025.
VPCP_2025 = {
    "Vụ Tổng hợp", "Vụ Pháp luật", "Vụ Kinh tế tổng hợp", "Vụ Công nghiệp", "Vụ Nông nghiệp",
    "Vụ Khoa giáo - Văn xã", "Vụ Đổi mới doanh nghiệp", "Vụ Quan hệ quốc tế", "Vụ Nội chính",
    "Vụ Tổ chức công vụ", "Vụ Theo dõi công tác thanh tra (Vụ I)", "Vụ Công tác Quốc hội, Địa phương và Đoàn thể",
    "Vụ Thư ký - Biên tập", "Vụ Hành chính", "Vụ Tổ chức cán bộ", "Cục Kiểm soát thủ tục hành chính",
    "Cục Quản trị - Tài vụ", "Cổng Thông tin điện tử Chính phủ",
}
# Nghị định 79/2022/NĐ-CP: 20 units; Nghị định 36/2025/NĐ-CP dropped Vụ Kế hoạch - Tài chính and Cục Hành chính -
# Quản trị II and renamed Vụ Tổ chức hành chính nhà nước và công vụ.  "Vụ I" is shown under its present full name.
VPCP_2022 = (VPCP_2025 - {"Vụ Tổ chức công vụ"}) | {
    "Vụ Tổ chức hành chính nhà nước và công vụ", "Vụ Kế hoạch - Tài chính", "Cục Hành chính - Quản trị II",
}
# Nghị định 369/2025/NĐ-CP: 17 units from 01/01/2026.
VPCP_2026 = (VPCP_2025 - {"Vụ Đổi mới doanh nghiệp", "Cục Kiểm soát thủ tục hành chính"}) | {"Cục Chuyển đổi số"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return seeded_store(tmp_path_factory, "asof")


def names(store: Store, unit: str, day: str) -> list[str]:
    chart = org_chart(store, unit, day)
    assert chart is not None
    return [c.label for c in chart.children]


def test_the_decree_lists_have_the_sizes_the_decrees_state() -> None:
    assert (len(GOVERNMENT_2021), len(GOVERNMENT_2025)) == (22, 17)
    assert (len(VPCP_2022), len(VPCP_2025), len(VPCP_2026)) == (20, 18, 17)


@pytest.mark.parametrize(("day", "expected"), [
    ("2023-07-18", GOVERNMENT_2021),
    ("2025-02-28", GOVERNMENT_2021),
    ("2025-03-01", GOVERNMENT_2025),
    ("2026-01-01", GOVERNMENT_2025),
])
def test_government_chart(store: Store, day: str, expected: set[str]) -> None:
    got = names(store, GOV, day)
    assert len(got) == len(set(got)), "a ministry appears twice"
    assert set(got) == expected


@pytest.mark.parametrize(("day", "expected"), [
    ("2023-07-18", VPCP_2022),
    ("2025-03-01", VPCP_2025),
    ("2025-12-31", VPCP_2025),
    ("2026-01-01", VPCP_2026),
])
def test_government_office_chart(store: Store, day: str, expected: set[str]) -> None:
    got = names(store, VPCP, day)
    assert len(got) == len(set(got)), "a unit appears twice"
    assert set(got) == expected


def test_a_renamed_unit_keeps_its_iri_and_shows_the_name_of_the_day(store: Store) -> None:
    iri = f"{BASE}/id/unit/vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu"
    before = {c.iri: c for c in org_chart(store, VPCP, "2023-07-18").children}  # type: ignore[union-attr]
    after = {c.iri: c for c in org_chart(store, VPCP, "2025-03-01").children}  # type: ignore[union-attr]
    assert before[iri].label == "Vụ Tổ chức hành chính nhà nước và công vụ"
    assert before[iri].current_label == "Vụ Tổ chức công vụ"
    assert after[iri].label == "Vụ Tổ chức công vụ" and after[iri].current_label is None


def test_the_seed_articles_vu_i_is_the_government_offices(store: Store) -> None:
    chart = org_chart(store, VPCP, "2023-07-18")
    assert chart is not None
    assert f"{BASE}/id/unit/vpcp-vu-i" in {c.iri for c in chart.children}


def test_the_procedure_control_agency_of_the_ministry_of_justice_is_another_entity(store: Store) -> None:
    on_2026 = org_chart(store, f"{BASE}/id/unit/bo-tu-phap", "2026-01-01")
    vpcp_2026 = org_chart(store, VPCP, "2026-01-01")
    assert on_2026 is not None and vpcp_2026 is not None
    btp_units = {c.iri for c in on_2026.children}
    assert f"{BASE}/id/unit/btp-cuc-kiem-soat-thu-tuc-hanh-chinh" in btp_units
    assert f"{BASE}/id/unit/vpcp-cuc-kiem-soat-thu-tuc-hanh-chinh" not in btp_units
    assert f"{BASE}/id/unit/vpcp-cuc-kiem-soat-thu-tuc-hanh-chinh" not in {c.iri for c in vpcp_2026.children}


def test_a_body_that_did_not_exist_on_the_day_has_no_chart(store: Store) -> None:
    assert org_chart(store, f"{BASE}/id/unit/bo-dan-toc-va-ton-giao", "2024-01-01") is None
    assert org_chart(store, f"{BASE}/id/unit/uy-ban-dan-toc", "2025-03-01") is None
    ubdt = org_chart(store, f"{BASE}/id/unit/uy-ban-dan-toc", "2023-07-18")
    assert ubdt is not None and "Vụ Tuyên truyền" in {c.label for c in ubdt.children}


def test_post_holders_by_period(store: Store) -> None:
    # Phạm Minh Chính, elected Prime Minister for 2021-2026 on 26/07/2021 (VOV, that day).
    pm = [h for h in post_holders(store, GOV, "2023-07-18") if h.role.endswith("/role/thu-tuong")]
    assert [h.person_label for h in pm] == ["Phạm Minh Chính"]
    assert not [h for h in post_holders(store, GOV, "2021-07-25") if h.role.endswith("/role/thu-tuong")]
    # Trần Văn Sơn, Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ since 08/04/2021.
    heads = [h.person_label for h in post_holders(store, VPCP, "2023-07-18") if h.role.endswith("/role/chu-nhiem")]
    assert heads == ["Trần Văn Sơn"]


def test_post_holders_known_only_from_an_article_show_on_its_day(store: Store) -> None:
    # VTC News, 11/01/2026: five Phó Chủ nhiệm of Văn phòng Chính phủ.
    deputies = {h.person_label for h in post_holders(store, VPCP, "2026-01-11") if h.role.endswith("/pho-chu-nhiem")}
    assert deputies == {"Nguyễn Sỹ Hiệp", "Mai Thị Thu Vân", "Đỗ Ngọc Huỳnh", "Phạm Mạnh Cường", "Nguyễn Văn Thắng"}
    assert not [h for h in post_holders(store, VPCP, "2026-02-01") if h.role.endswith("/pho-chu-nhiem")
                and h.attested_on == "2026-01-11" and h.valid_from is None]


def test_bad_dates_and_iris_are_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        org_chart(store, VPCP, "2023-02-30")
    with pytest.raises(ValueError):
        org_chart(store, "https://example.org/x> } DROP ALL {", "2023-01-01")
