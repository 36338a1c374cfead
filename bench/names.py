"""Realistic Vietnamese names and patterns for the benchmark generator (see ../shared/DOMAIN.md).

Person names are drawn from weighted family, middle and given name lists; units follow the real
structure of the Government (ministries before and after the 2025 mergers, VPCP's units, provinces and their
Sở).  Everything here is plain data; :mod:`bench.generate` decides how much of it a scale uses.
"""

from __future__ import annotations

#: Family names with rough weights (percent of the population).
FAMILY: list[tuple[str, int]] = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
    ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
    ("Lý", 1), ("Đào", 1), ("Đinh", 1), ("Lâm", 1), ("Mai", 1), ("Trịnh", 1), ("Lưu", 1), ("Tạ", 1),
    ("Cao", 1), ("Hà", 1), ("Giàng", 1), ("Kiên", 1), ("Thạch", 1), ("Lò", 1), ("Triệu", 1),
]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thanh", "Công", "Ngọc", "Mạnh", "Anh", "Hồng",
               "Tuấn", "Sỹ", "Đình", "Trọng", "Việt", "Huy", "Bá", "Cao"]
MIDDLE_FEMALE = ["Thị", "Thu", "Thanh", "Ngọc", "Kim", "Hồng", "Minh", "Thúy", "Phương", "Thị Thu",
                 "Thị Thanh", "Thị Kim", "Lan", "Mỹ"]
GIVEN_MALE = ["Hùng", "Dũng", "Sơn", "Thắng", "Hải", "Long", "Tuấn", "Cường", "Hiệp", "Thành", "Lục", "Huỳnh",
              "Minh", "Quang", "Bình", "Khái", "Đam", "Hưng", "Phúc", "Vượng", "Nam", "Trung", "Kiên", "Lâm",
              "Thịnh", "Tùng", "Đạt", "Hòa", "Toàn", "Nghĩa", "Khang", "Lợi", "Phong", "Quyết", "Thủy", "Định"]
GIVEN_FEMALE = ["Lan", "Hương", "Hà", "Mai", "Thủy", "Vân", "Trà", "Ngân", "Hằng", "Nga", "Oanh", "Thảo",
                "Yến", "Huyền", "Liên", "Dung", "Hạnh", "Loan", "Phương", "Thanh", "Quyên", "Trang"]

#: Top-level bodies: (name, abbreviation code, English label, unit-type, head role, from, until).
#: ``until`` set for ministries merged on 2025-03-01 (Nghị quyết 176/2025/QH15).
MINISTRIES: list[tuple[str, str, str, str, str, str | None, str | None]] = [
    ("Văn phòng Chính phủ", "vpcp", "Government Office", "co-quan-ngang-bo", "chu-nhiem", None, None),
    ("Bộ Nội vụ", "bnv", "Ministry of Home Affairs", "bo", "bo-truong", None, None),
    ("Bộ Tài chính", "btc", "Ministry of Finance", "bo", "bo-truong", None, None),
    ("Bộ Tư pháp", "btp", "Ministry of Justice", "bo", "bo-truong", None, None),
    ("Bộ Công Thương", "bct", "Ministry of Industry and Trade", "bo", "bo-truong", None, None),
    ("Bộ Y tế", "byt", "Ministry of Health", "bo", "bo-truong", None, None),
    ("Bộ Giáo dục và Đào tạo", "bgddt", "Ministry of Education and Training", "bo", "bo-truong", None, None),
    ("Bộ Xây dựng", "bxd", "Ministry of Construction", "bo", "bo-truong", None, None),
    ("Bộ Khoa học và Công nghệ", "bkhcn", "Ministry of Science and Technology", "bo", "bo-truong", None, None),
    ("Bộ Văn hóa, Thể thao và Du lịch", "bvhttdl", "Ministry of Culture, Sports and Tourism", "bo", "bo-truong",
     None, None),
    ("Bộ Ngoại giao", "bng", "Ministry of Foreign Affairs", "bo", "bo-truong", None, None),
    ("Bộ Quốc phòng", "bqp", "Ministry of National Defence", "bo", "bo-truong", None, None),
    ("Bộ Công an", "bca", "Ministry of Public Security", "bo", "bo-truong", None, None),
    ("Ngân hàng Nhà nước Việt Nam", "nhnn", "State Bank of Vietnam", "co-quan-ngang-bo", "thong-doc", None, None),
    ("Thanh tra Chính phủ", "ttcp", "Government Inspectorate", "co-quan-ngang-bo", "tong-thanh-tra", None, None),
    ("Ủy ban Dân tộc", "ubdt", "Committee for Ethnic Minority Affairs", "co-quan-ngang-bo", "chu-nhiem", None,
     "2025-02-28"),
    ("Bộ Kế hoạch và Đầu tư", "bkhdt", "Ministry of Planning and Investment", "bo", "bo-truong", None,
     "2025-02-28"),
    ("Bộ Giao thông vận tải", "bgtvt", "Ministry of Transport", "bo", "bo-truong", None, "2025-02-28"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "bnnptnt", "Ministry of Agriculture and Rural Development", "bo",
     "bo-truong", None, "2025-02-28"),
    ("Bộ Tài nguyên và Môi trường", "btnmt", "Ministry of Natural Resources and Environment", "bo", "bo-truong",
     None, "2025-02-28"),
    ("Bộ Thông tin và Truyền thông", "btttt", "Ministry of Information and Communications", "bo", "bo-truong",
     None, "2025-02-28"),
    ("Bộ Lao động - Thương binh và Xã hội", "bldtbxh", "Ministry of Labour, Invalids and Social Affairs", "bo",
     "bo-truong", None, "2025-02-28"),
    ("Bộ Nông nghiệp và Môi trường", "bnnmt", "Ministry of Agriculture and Environment", "bo", "bo-truong",
     "2025-03-01", None),
    ("Bộ Dân tộc và Tôn giáo", "bdttg", "Ministry of Ethnic and Religious Affairs", "bo", "bo-truong",
     "2025-03-01", None),
]

#: The 2025 ministry mergers: (originals, result, document symbol).
MINISTRY_MERGERS: list[tuple[tuple[str, ...], str]] = [
    (("bkhdt", "btc"), "btc"),
    (("bgtvt", "bxd"), "bxd"),
    (("bnnptnt", "btnmt"), "bnnmt"),
    (("btttt", "bkhcn"), "bkhcn"),
    (("bldtbxh", "bnv"), "bnv"),
    (("ubdt",), "bdttg"),
]

#: VPCP's units under NĐ 36/2025/NĐ-CP, with a few renames (first name, later name, date).
VPCP_UNITS: list[tuple[str, str]] = [
    ("Vụ Tổng hợp", "vu"), ("Vụ Pháp luật", "vu"), ("Vụ Kinh tế tổng hợp", "vu"), ("Vụ Công nghiệp", "vu"),
    ("Vụ Nông nghiệp", "vu"), ("Vụ Khoa giáo - Văn xã", "vu"), ("Vụ Đổi mới doanh nghiệp", "vu"),
    ("Vụ Quan hệ quốc tế", "vu"), ("Vụ Nội chính", "vu"), ("Vụ Tổ chức hành chính nhà nước và công vụ", "vu"),
    ("Vụ I", "vu"), ("Vụ Công tác Quốc hội, Địa phương và Đoàn thể", "vu"), ("Vụ Thư ký - Biên tập", "vu"),
    ("Vụ Hành chính", "vu"), ("Vụ Tổ chức cán bộ", "vu"), ("Cục Kiểm soát thủ tục hành chính", "cuc"),
    ("Cục Quản trị - Tài vụ", "cuc"), ("Cổng Thông tin điện tử Chính phủ", "cong-thong-tin-dien-tu"),
]
VPCP_RENAMES: list[tuple[str, str, str]] = [
    ("Vụ Tổ chức hành chính nhà nước và công vụ", "Vụ Tổ chức công vụ", "2025-03-01"),
    ("Vụ I", "Vụ Theo dõi công tác thanh tra (Vụ I)", "2025-03-01"),
]
UBDT_UNITS = ["Vụ Tuyên truyền", "Vụ Dân tộc thiểu số", "Vụ Công tác dân tộc địa phương", "Vụ Hợp tác quốc tế",
              "Vụ Chính sách dân tộc", "Vụ Kế hoạch - Tài chính"]
#: Units every ministry has, then a few domain departments per ministry.
COMMON_VU = ["Vụ Tổ chức cán bộ", "Vụ Pháp chế", "Vụ Hợp tác quốc tế", "Vụ Kế hoạch - Tài chính",
             "Vụ Thi đua - Khen thưởng", "Vụ Khoa học và Công nghệ"]
DOMAIN_CUC: dict[str, list[str]] = {
    "bnv": ["Cục Văn thư và Lưu trữ nhà nước", "Vụ Chính quyền địa phương", "Vụ Công chức - Viên chức"],
    "btc": ["Cục Quản lý nợ và Tài chính đối ngoại", "Vụ Ngân sách nhà nước", "Cục Quản lý công sản"],
    "btp": ["Cục Kiểm soát thủ tục hành chính", "Cục Hộ tịch, quốc tịch, chứng thực",
            "Vụ Pháp luật hình sự - hành chính"],
    "bct": ["Cục Điện lực", "Cục Xúc tiến thương mại", "Vụ Thị trường trong nước"],
    "byt": ["Cục Quản lý Dược", "Cục Quản lý Khám, chữa bệnh", "Cục Y tế dự phòng"],
    "bgddt": ["Vụ Giáo dục Mầm non", "Vụ Giáo dục Đại học", "Cục Quản lý chất lượng"],
    "bxd": ["Cục Quản lý hoạt động xây dựng", "Vụ Quy hoạch - Kiến trúc", "Cục Đường bộ Việt Nam"],
    "bkhcn": ["Cục Sở hữu trí tuệ", "Cục Chuyển đổi số quốc gia", "Vụ Đánh giá, Thẩm định và Giám định công nghệ"],
    "bvhttdl": ["Cục Di sản văn hóa", "Cục Du lịch Quốc gia Việt Nam", "Cục Báo chí"],
    "bng": ["Vụ Thông tin Báo chí", "Cục Lãnh sự", "Vụ Luật pháp và Điều ước quốc tế"],
    "bkhdt": ["Vụ Kinh tế địa phương và lãnh thổ", "Cục Phát triển doanh nghiệp", "Vụ Tổng hợp kinh tế quốc dân"],
    "bnnptnt": ["Cục Trồng trọt", "Cục Chăn nuôi", "Văn phòng Điều phối nông thôn mới Trung ương"],
    "btnmt": ["Cục Biến đổi khí hậu", "Cục Quản lý tài nguyên nước", "Vụ Đất đai"],
    "bldtbxh": ["Cục Việc làm", "Cục Bảo trợ xã hội", "Vụ Bình đẳng giới"],
    "bnnmt": ["Cục Trồng trọt và Bảo vệ thực vật", "Cục Biến đổi khí hậu", "Văn phòng Quốc gia về giảm nghèo"],
    "bdttg": ["Vụ Tuyên truyền", "Ban Tôn giáo Chính phủ", "Vụ Dân tộc thiểu số"],
}

PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang", "Cao Bằng", "Bắc Kạn",
    "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên",
    "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hưng Yên",
    "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình",
    "Quảng Trị", "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
    "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước",
    "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}

#: A province's departments before 2025 (name, abbreviation used in symbols).
SO = [
    ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP"), ("Sở Kế hoạch và Đầu tư", "SKHĐT"), ("Sở Tài chính", "STC"),
    ("Sở Công Thương", "SCT"), ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
    ("Sở Giao thông vận tải", "SGTVT"), ("Sở Xây dựng", "SXD"), ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"), ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"), ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"), ("Sở Y tế", "SYT"), ("Ban Dân tộc", "BDT"),
]
#: Province mergers of 2025-03-01: (originals, result name).
SO_MERGERS: list[tuple[tuple[str, ...], str]] = [
    (("Sở Kế hoạch và Đầu tư", "Sở Tài chính"), "Sở Tài chính"),
    (("Sở Giao thông vận tải", "Sở Xây dựng"), "Sở Xây dựng"),
    (("Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"), "Sở Nông nghiệp và Môi trường"),
    (("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"), "Sở Khoa học và Công nghệ"),
    (("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"), "Sở Nội vụ"),
]
SO_RENAMES = [("Ban Dân tộc", "Sở Dân tộc và Tôn giáo")]

#: Commune names, combined per province, to give large scales more units.
COMMUNE_FIRST = ["Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Hưng", "Vĩnh", "Quang", "Đông", "Tây",
                 "Nam", "Bắc", "Xuân", "Thanh", "Đức", "Minh", "Trung", "Phước", "Hồng", "Kim", "Yên", "Mỹ"]
COMMUNE_SECOND = ["Lộc", "Thành", "Hòa", "Phú", "An", "Lợi", "Thuận", "Sơn", "Hải", "Tiến", "Phong", "Lập",
                  "Hiệp", "Bình", "Thịnh", "Khánh", "Điền", "Mỹ", "Hưng", "Tân", "Định", "Quý"]

#: Document types: (slug of the concept, abbreviation, name, normative?).
DOC_TYPES: list[tuple[str, str, str, bool]] = [
    ("quyet-dinh", "QĐ", "Quyết định", False), ("cong-dien", "CĐ", "Công điện", False),
    ("thong-bao", "TB", "Thông báo", False), ("ke-hoach", "KH", "Kế hoạch", False),
    ("chi-thi", "CT", "Chỉ thị", False), ("nghi-dinh", "NĐ", "Nghị định", True),
    ("thong-tu", "TT", "Thông tư", True), ("nghi-quyet", "NQ", "Nghị quyết", False),
    ("bao-cao", "BC", "Báo cáo", False), ("huong-dan", "HD", "Hướng dẫn", False),
    ("nghi-quyet-quoc-hoi", "NQQH", "Nghị quyết", True),  # symbols of Quốc hội carry no type letters
]

DOC_SUBJECTS = [
    "tăng cường công tác phòng, chống thiên tai", "đẩy mạnh giải ngân vốn đầu tư công",
    "phê duyệt Đề án chuyển đổi số", "tổ chức phong trào thi đua yêu nước", "cải cách thủ tục hành chính",
    "kiện toàn Ban Chỉ đạo", "thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững",
    "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức", "bảo đảm cung ứng điện",
    "phòng, chống dịch bệnh", "công tác văn thư", "xây dựng nông thôn mới", "phát triển kinh tế - xã hội vùng "
    "đồng bào dân tộc thiểu số và miền núi", "sắp xếp tổ chức bộ máy", "tiết kiệm chống lãng phí",
]

#: Event types: (concept slug, title pattern, roles of the people named).
EVENT_TYPES: list[tuple[str, str]] = [
    ("hoi-nghi", "Hội nghị {topic}"), ("phien-hop", "Phiên họp {topic}"),
    ("ky-ket-giao-uoc-thi-dua", "Lễ ký kết giao ước thi đua năm {year}"),
    ("sinh-hoat-chuyen-de", "Sinh hoạt chuyên đề về {topic}"), ("hop-bao", "Họp báo thường kỳ tháng {month}"),
    ("le-ky-niem", "Lễ kỷ niệm ngày thành lập"), ("dai-hoi", "Đại hội thi đua yêu nước"),
    ("phat-dong-phong-trao", "Lễ phát động phong trào thi đua {topic}"), ("bo-nhiem", "Trao quyết định bổ nhiệm"),
]
EVENT_TOPICS = [
    "sơ kết công tác 6 tháng đầu năm", "tổng kết công tác năm", "triển khai nhiệm vụ năm",
    "chuyển đổi số", "cải cách hành chính", "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Dân vận khéo", "phòng, chống tham nhũng, tiêu cực", "giảm nghèo bền vững", "xây dựng nông thôn mới",
]
LOCATIONS = ["Hà Nội", "Hội trường Văn phòng Chính phủ", "trụ sở Bộ", "Trung tâm Hội nghị Quốc gia",
             "trực tuyến với các địa phương", "Thành phố Hồ Chí Minh", "Đà Nẵng"]
AUTHORS = ["Thu Hằng", "Minh Anh", "Phương Nhi", "Đức Tuân", "Hải Minh", "Nguyệt Anh", "Gia Huy"]
