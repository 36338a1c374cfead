"""Words the rules are made of: unit head words, titles, honorifics, surnames, stop words (DOMAIN.md §2.3)."""

from __future__ import annotations

import re

from graph.text import fold

#: Unit head word -> unit-type concept slug (scheme unit-type).
HEAD_TYPES: dict[str, str | None] = {
    "Cổng Thông tin điện tử": "cong-thong-tin-dien-tu", "Khối thi đua": "khoi-thi-dua",
    "Khối Thi đua": "khoi-thi-dua", "Cụm thi đua": "cum-thi-dua", "Cụm Thi đua": "cum-thi-dua",
    "Ban Cán sự đảng": "ban-can-su-dang", "Ban cán sự đảng": "ban-can-su-dang", "Ban Chỉ đạo": "ban-chi-dao",
    "Ban chỉ đạo": "ban-chi-dao", "Tổ công tác": "to-cong-tac", "Tổng cục": "tong-cuc",
    "Ủy ban nhân dân": "uy-ban-nhan-dan",
    "Ủy ban": None, "Hội đồng nhân dân": "hoi-dong-nhan-dan", "Hội đồng": "hoi-dong", "Chi bộ": "chi-bo",
    "Đảng bộ": "dang-bo", "Đảng ủy": "dang-bo", "Tỉnh ủy": "co-quan-dang", "Thành ủy": "co-quan-dang",
    "Huyện ủy": "co-quan-dang", "Đoàn ĐBQH": "doan-dbqh", "Đoàn đại biểu Quốc hội": "doan-dbqh",
    "Văn phòng": "van-phong", "Thanh tra": "thanh-tra", "Học viện": "vien", "Viện": "vien",
    "Trung tâm": "trung-tam", "Trung Tâm": "trung-tam", "Công đoàn": None,
    "Bộ": "bo", "Vụ": "vu", "Cục": "cuc", "Ban": None, "Sở": "so", "Phòng": "phong",
    "UBND": "uy-ban-nhan-dan", "HĐND": "hoi-dong-nhan-dan", "Báo": None,
    "Đoàn Đại biểu Quốc hội": "doan-dbqh", "Công an": None, "Quân khu": None, "Liên hiệp Hội": None,
    "Đài": None, "Thông tấn xã": None,
}
_HEAD_ALT = sorted({*HEAD_TYPES, "Uỷ ban nhân dân", "Uỷ ban", "Đảng uỷ", "Tỉnh uỷ", "Thành uỷ", "Huyện uỷ"},
                   key=len, reverse=True)
HEADS_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(h) for h in _HEAD_ALT) + r")(?!\w)")

#: Titles, longest first when matched (DOMAIN.md §2.3).  Case of the first letter is free.
TITLES: list[str] = [
    "Bộ trưởng, Chủ nhiệm", "Thứ trưởng, Phó Chủ nhiệm", "Phó Thủ tướng Thường trực", "Phó Thủ tướng",
    "Thủ tướng", "Phó Chủ tịch nước", "Chủ tịch nước", "Tổng Bí thư", "Thường trực Ban Bí thư", "Ủy viên Bộ Chính trị",
    "Ủy viên Trung ương Đảng", "Bí thư Trung ương Đảng", "Bí thư T.Ư Đảng", "Phó Chủ nhiệm Thường trực",
    "Phó Chủ nhiệm", "Chủ nhiệm", "Bộ trưởng", "Thứ trưởng Thường trực", "Thứ trưởng", "Phó Vụ trưởng phụ trách",
    "Phó Vụ trưởng", "Vụ trưởng", "Phó Tổng cục trưởng", "Tổng cục trưởng", "Phó Cục trưởng", "Cục trưởng",
    "Phó Chánh Văn phòng Thường trực", "Phó Chánh Văn phòng", "Chánh Văn phòng", "Phó Chánh Thanh tra",
    "Chánh Thanh tra", "Phó Tổng Thanh tra",
    "Tổng Thanh tra", "Phó Thống đốc", "Thống đốc", "Phó Tổng Giám đốc", "Tổng Giám đốc", "Phó Giám đốc",
    "Giám đốc", "Phó Trưởng ban Thường trực", "Phó Trưởng ban", "Trưởng ban", "Phó Trưởng phòng", "Trưởng phòng",
    "Phó Chủ tịch Thường trực", "Phó Chủ tịch", "Chủ tịch", "Phó Bí thư Thường trực",
    "Phó Bí thư Chi bộ", "Phó Tổng Tham mưu trưởng", "Tổng Tham mưu trưởng",
    "Phó Bí thư Đảng ủy", "Phó Bí thư", "Bí thư Chi bộ", "Bí thư Đảng ủy", "Bí thư Đảng bộ", "Bí thư",
    "Khối trưởng", "Khối phó", "Cụm trưởng", "Cụm phó", "Người phát ngôn", "Phó Viện trưởng", "Viện trưởng",
    "Phó Tổng Biên tập", "Tổng Biên tập", "Trợ lý", "Thư ký", "Phó Trưởng Đoàn", "Trưởng Đoàn", "Ủy viên",
    "Đại biểu Quốc hội", "Tổ trưởng", "Tổ phó", "Chánh án", "Viện trưởng", "Đại sứ", "Tỉnh ủy viên", "Thành ủy viên",
    "Huyện ủy viên", "Đảng ủy viên", "Phó Chỉ huy trưởng", "Chỉ huy trưởng",
]
#: Other spellings of a title -> the title (folded keys).
TITLE_ALIASES: dict[str, str] = {
    "Bộ trưởng Chủ nhiệm": "Bộ trưởng, Chủ nhiệm", "Bộ trưởng - Chủ nhiệm": "Bộ trưởng, Chủ nhiệm",
    "Ủy viên Ban Chấp hành Trung ương Đảng": "Ủy viên Trung ương Đảng",
    "Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng": "Ủy viên dự khuyết Trung ương Đảng",
    "Ủy viên dự khuyết Trung ương Đảng": "Ủy viên dự khuyết Trung ương Đảng",
    "Ủy viên BCH Trung ương Đảng": "Ủy viên Trung ương Đảng", "Ủy viên BCH TW Đảng": "Ủy viên Trung ương Đảng",
    "Ủy viên TW Đảng": "Ủy viên Trung ương Đảng",
    "Ủy viên TƯ Đảng": "Ủy viên Trung ương Đảng", "Ủy viên T.Ư Đảng": "Ủy viên Trung ương Đảng",
    "Ủy viên Ban Chấp hành TW Đảng": "Ủy viên Trung ương Đảng", "Ủy viên Trung ương": "Ủy viên Trung ương Đảng",
    "Ủy viên dự khuyết BCH Trung ương Đảng": "Ủy viên dự khuyết Trung ương Đảng",
    "Tỉnh uỷ viên": "Tỉnh ủy viên", "Thành uỷ viên": "Thành ủy viên",
    "Phó Ban": "Phó Trưởng ban", "Trưởng Ban": "Trưởng ban", "Phó Bí thư chuyên trách": "Phó Bí thư",
    "Phó Chủ tịch chuyên trách": "Phó Chủ tịch",
}
TITLES += [t for t in TITLE_ALIASES if t not in TITLES]
_TITLE_ALT = "|".join(re.escape(t).replace("Ủy", "(?:Ủy|Uỷ)") for t in sorted(set(TITLES), key=len, reverse=True))
TITLE_RE = re.compile(r"(?<!\w)(?:" + _TITLE_ALT + r")(?!\w)", re.I)
CANONICAL_TITLE = {fold(t): t for t in TITLES} | {fold(a): t for a, t in TITLE_ALIASES.items()}
#: Capitalised words that never begin a name.
NOT_NAMES = frozenset({"Ông", "Bà", "Anh", "Chị", "Đồng", "Các", "Những", "Theo", "Tại", "Trong", "Ngày", "Sáng",
                       "Chiều", "Dự", "Tham", "Phát", "Đại", "Thượng", "Trung", "Thiếu", "Nhân", "Cảm", "Để", "Với"})
#: Where a title starts (so a unit name never swallows "Bộ trưởng").
TITLE_START_RE = re.compile(r"(?:" + _TITLE_ALT + r")(?!\w)")

HONORIFICS = ("các đồng chí", "đồng chí", "các ông, bà", "các ông", "các bà", "ông", "bà", "đ/c", "anh", "chị",
              "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá",
              "Thiếu tá", "GS.TS", "PGS.TS", "TS", "ThS", "GS", "PGS", "Tiến sĩ", "Thạc sĩ", "nhà báo", "Nhà báo")
HONORIFIC_RE = re.compile(r"(?<!\w)(?i:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
                          + r")\.?\s+$")

SURNAMES = frozenset("""
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Mai Cao Lưu Trịnh Hà Tạ Lâm Kiên
Giàng Hầu Thạch Danh Lò Quàng Tô Châu Chu Vương Tôn Thái Lại Khổng Triệu Kim Đoàn Quách Lương Nông Mạc Tăng Hứa Âu
Từ La Phùng Trương Diệp Thân Doãn Khúc Bế Sầm Ma Đàm Tống Cù Kha Ninh Lục Sùng Vàng Thào Lầu Mùa Ksor Siu Y Đậu
Hàn Viên Lã Lữ Lều Lục Mẫn Giáp Bạch Chử Ngọ Nghiêm Quan Thiều Tiêu Trầm Trình Tào Ung Vi Kiều Kha Điểu
Chế Chúc Đường Phó Yên Hắc Liêu Lục Nhữ Khuất Khương Phí Phương Lạc Lăng Lâm Tất Thiệu Vòng Lỗ Biện Cấn Bồ
Rơ Rah Nay Kpă Rmah Siu Ksor Hờ Vừ Cứ Tráng Lù Pờ Sần Bàn Phù Lường Cầm Điêu Tòng Sơn Chau Néang Dương Hoàng
""".split())

#: Lower-case words that end a unit name.
STOP_WORDS = frozenset("""
đã đang sẽ vừa cũng cùng cho tại về với thuộc của là có được bị và các những trong theo nhằm để gồm dự họp tặng
nhận trao đạt làm nêu năm tháng ngày sáng chiều tối từ đến trên dưới sau trước khi như này đó đây ấy mà thì nên vì
do bởi hay hoặc rằng không chưa rất còn mới đều luôn cử giao gặp viếng tới đi ký kiêm nguyên giữ ông bà anh chị
""".split()) | {
    "tổ chức", "cho biết", "phát biểu", "chủ trì", "tham dự", "ký kết", "thực hiện", "nhấn mạnh", "ban hành",
    "triển khai", "báo cáo", "đề nghị", "tiếp tục", "khai mạc", "công bố", "chia sẻ", "biểu dương", "phối hợp",
    "quyết định", "bổ nhiệm", "tiếp đón", "dâng hương", "chúc mừng", "kiểm tra", "giám sát", "lãnh đạo",
    "chỉ đạo", "yêu cầu", "đánh giá", "khẳng định", "đồng thời", "nhân dịp", "vận động", "tập huấn", "sơ kết",
    "tổng kết", "tham gia", "nhiệm kỳ", "giai đoạn", "lần thứ", "trình bày", "giới thiệu", "cảm ơn", "hoan nghênh",
    "ghi nhận", "thông tin", "thảo luận", "bế mạc", "đề xuất", "kết luận", "trả lời", "tiếp thu", "gửi lời",
    "phát động", "hưởng ứng", "giao ước", "sinh hoạt", "tin tưởng", "đón nhận", "hoàn thành", "tường thuật",
    "đại diện", "bầu",
    "đưa tin", "thông báo", "trực tuyến"}


def is_cap(w: str) -> bool:
    """A capitalised word ("Vụ", "Đoàn", "VPCP")."""
    return bool(w) and w[0].isupper() and (w[0].isalpha())


def is_syllable(w: str) -> bool:
    """A capitalised name syllable: a letter in upper case, the rest lower case."""
    return bool(w) and w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower())


def is_name_start(toks: list[tuple[str, int, int]], i: int) -> bool:
    """Does a person's name (surname and one to three syllables) start at token ``i``?"""
    if toks[i][0] not in SURNAMES:
        return False
    return i + 1 < len(toks) and is_syllable(toks[i + 1][0])
