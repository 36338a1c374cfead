"""Document symbols (số, ký hiệu) parsed into their parts (DOMAIN.md §1.1-1.3).

- administrative ``280/CĐ-TTg``: number, type code, issuer; no year (the identity needs the year of the date);
- công văn ``73/TTg-CN``: no type code, issuer then drafting unit;
- normative ``30/2020/NĐ-CP``, joint ``02/2011/TTLT-VPCP-BNV``, National Assembly ``88/2019/QH14``: year inside;
- party ``65-KL/TW`` (hyphen after the number), and the non-standard ``22/CT-TW``.

:func:`parse_symbol` is the one entry point (the steward forms reuse it to add a document from its symbol).
Input look-alikes (``Ð``, a ``D`` where ``Đ`` is meant in a known code) are mapped; the number keeps its leading
zeros as written.  Nothing is invented: a bare number stays a bare number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.iri import slug
from graph.text import clean

#: Type abbreviation -> (type concept slug in scheme document-type, Vietnamese name).
DOC_TYPES: dict[str, tuple[str, str]] = {
    "NQ": ("nghi-quyet", "Nghị quyết"), "QĐ": ("quyet-dinh", "Quyết định"), "CT": ("chi-thi", "Chỉ thị"),
    "QC": ("quy-che", "Quy chế"), "QyĐ": ("quy-dinh", "Quy định"), "TC": ("thong-cao", "Thông cáo"),
    "TB": ("thong-bao", "Thông báo"), "HD": ("huong-dan", "Hướng dẫn"), "CTr": ("chuong-trinh", "Chương trình"),
    "KH": ("ke-hoach", "Kế hoạch"), "PA": ("phuong-an", "Phương án"), "ĐA": ("de-an", "Đề án"),
    "DA": ("du-an", "Dự án"), "BC": ("bao-cao", "Báo cáo"), "BB": ("bien-ban", "Biên bản"),
    "TTr": ("to-trinh", "Tờ trình"), "HĐ": ("hop-dong", "Hợp đồng"), "CĐ": ("cong-dien", "Công điện"),
    "BGN": ("ban-ghi-nho", "Bản ghi nhớ"), "BTT": ("ban-thoa-thuan", "Bản thỏa thuận"),
    "GUQ": ("giay-uy-quyen", "Giấy ủy quyền"), "GM": ("giay-moi", "Giấy mời"),
    "GGT": ("giay-gioi-thieu", "Giấy giới thiệu"), "GNP": ("giay-nghi-phep", "Giấy nghỉ phép"),
    "PG": ("phieu-gui", "Phiếu gửi"), "PC": ("phieu-chuyen", "Phiếu chuyển"), "PB": ("phieu-bao", "Phiếu báo"),
    "SY": ("ban-sao-y", "Bản sao y"), "TrS": ("ban-trich-sao", "Bản trích sao"), "SL": ("ban-sao-luc", "Bản sao lục"),
    "NĐ": ("nghi-dinh", "Nghị định"), "TT": ("thong-tu", "Thông tư"),
    "TTLT": ("thong-tu-lien-tich", "Thông tư liên tịch"),
    "VBHN": ("van-ban-hop-nhat", "Văn bản hợp nhất"), "KL": ("ket-luan", "Kết luận"),
    "L": ("luat", "Luật"), "PL": ("phap-lenh", "Pháp lệnh"),
}
#: Party documents: the same letters name other types (``TT`` is a Thông tri, ``QĐ`` a Quy định).
PARTY_TYPES: dict[str, str] = {"NQ": "nghi-quyet-cua-dang", "CT": "chi-thi-cua-dang", "QĐ": "quy-dinh-cua-dang",
                               "TT": "thong-tri", "KL": "ket-luan", "HD": "huong-dan", "TB": "thong-bao",
                               "BC": "bao-cao", "KH": "ke-hoach", "CTr": "chuong-trinh", "CĐ": "cong-dien"}
#: Types written in words in the news (longest first when matching), -> type slug.
TYPE_WORDS: dict[str, str] = {name: s for s, name in DOC_TYPES.values()}
TYPE_WORDS.update({"Công văn": "cong-van", "Luật": "luat", "Thông báo kết luận": "thong-bao",
                   "Quy định": "quy-dinh", "Thông tri": "thong-tri", "Sắc lệnh": "sac-lenh"})
#: A type word whose issuer ("của Ban Chấp hành Trung ương Đảng") is a Party body takes the Party type.
PARTY_TYPE_OF: dict[str, str] = {"nghi-quyet": "nghi-quyet-cua-dang", "chi-thi": "chi-thi-cua-dang",
                                 "quy-dinh": "quy-dinh-cua-dang", "thong-tri": "thong-tri"}
NORMATIVE_TYPES = frozenset({"NĐ", "TT", "TTLT", "VBHN", "L", "PL"})
PARTY_ISSUERS = frozenset({"TW", "VPTW", "BCSĐCP", "TU", "ĐU", "BTGTW", "BTCTW", "BDVTW", "BCĐ", "HU", "ĐUK",
                           "ĐUCA", "QUTW", "BBT", "BCT-TW", "ĐĐ"})

#: Issuer abbreviation -> name of the issuing body (DOMAIN.md §1.3).
ISSUERS: dict[str, str] = {
    "TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "VPCP": "Văn phòng Chính phủ", "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính", "BCT": "Bộ Công Thương", "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BTNMT": "Bộ Tài nguyên và Môi trường", "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNNMT": "Bộ Nông nghiệp và Môi trường", "BTTTT": "Bộ Thông tin và Truyền thông",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch", "BDTTG": "Bộ Dân tộc và Tôn giáo", "KBNN": "Kho bạc Nhà nước",
    "BTĐKT": "Ban Thi đua - Khen thưởng Trung ương", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân",
    "SNV": "Sở Nội vụ", "BDT": "Ban Dân tộc", "VPQH": "Văn phòng Quốc hội", "TW": "Ban Chấp hành Trung ương Đảng",
    "VPTW": "Văn phòng Trung ương Đảng", "BCSĐCP": "Ban Cán sự đảng Chính phủ", "TU": "Tỉnh ủy",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư", "BYT": "Bộ Y tế", "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng",
    "BNG": "Bộ Ngoại giao", "BTP": "Bộ Tư pháp", "BXD": "Bộ Xây dựng", "BGTVT": "Bộ Giao thông vận tải",
    "BKHCN": "Bộ Khoa học và Công nghệ", "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội", "UBDT": "Ủy ban Dân tộc",
    "NHNN": "Ngân hàng Nhà nước Việt Nam", "TTCP": "Thanh tra Chính phủ", "CTN": "Chủ tịch nước",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội", "UBTVQH15": "Ủy ban Thường vụ Quốc hội", "QH": "Quốc hội",
}

_L = r"A-Za-zĐđÐð"
_CODE = rf"[{_L}][{_L}0-9&]*(?:\.[{_L}0-9&]+)*"
SYMBOL_RE = re.compile(
    rf"(?<![\w/\-])(?P<num>\d{{1,5}}[a-z]?)"
    rf"(?:(?P<normative>/(?P<year>(?:19|20)\d{{2}})/(?P<ncode>{_CODE}(?:-{_CODE})*))"
    rf"|(?P<party>-(?P<ptype>[{_L}]+)/(?P<pissuer>{_CODE}))"
    rf"|(?P<admin>/(?P<acode>{_CODE}(?:-{_CODE})+|{_CODE})))(?![\w/])")
SHORT_RE = re.compile(r"(?<![\w/\-])(?P<num>\d{1,5})/(?P<year>(?:19|20)\d{2})(?![\w/])")


@dataclass(frozen=True)
class Symbol:
    """A parsed document symbol; ``symbol`` is the normalised form of what was written."""

    symbol: str
    number: str
    type_code: str | None  # "CĐ"; None for công văn and National Assembly documents
    type_slug: str | None  # concept slug in scheme document-type ("cong-dien", "cong-van", ...)
    issuer: str | None  # "TTg", "VPCP-BNV" for joint documents
    year: int | None  # only when written in the symbol (normative documents)
    normative: bool
    party: bool = False
    drafting_unit: str | None = None  # công văn: the unit that drafted it ("CN" in 73/TTg-CN)

    @property
    def issuer_name(self) -> str | None:
        if self.issuer is None:
            return None
        first = self.issuer.split("-")[0]
        return ISSUERS.get(first) or ISSUERS.get(re.sub(r"\d+$", "", first))

    def iri_slug(self, year: int | None = None) -> str:
        """``280-cd-ttg-2023`` (non-normative: the year of the date appended), ``30-2020-nd-cp``."""
        base = slug(self.symbol.replace("/", "-"))
        if self.year is None and year is not None:
            return f"{base}-{year}"
        return base


def _fix(code: str) -> str:
    """Look-alikes and the D-for-Đ spelling of known codes (``ND`` -> ``NĐ``), case kept."""
    code = clean(code)
    codes = {*DOC_TYPES, *ISSUERS, *PARTY_ISSUERS}
    known = {k.replace("Đ", "D"): k for k in codes if "Đ" in k and k.replace("Đ", "D") not in codes}
    code = known.get(code, code)
    if code not in codes and code.isupper():
        # a symbol typed in capitals ("16/2001/CT-TTG"): the code spelled with lower-case letters ("TTg")
        code = next((k for k in codes if k.upper() == code and not k.isupper()), code)
    return code


def parse_symbol(text: str) -> Symbol | None:
    """The symbol in ``text`` (the whole string, or the first symbol found in it), else None; never raises."""
    if not isinstance(text, str):
        return None
    t = re.sub(r"\s*([/\-])\s*", r"\1", clean(text))
    m = SYMBOL_RE.search(t)
    if not m:
        return None
    num = m.group("num")
    if m.group("normative"):
        parts = [_fix(p) for p in m.group("ncode").split("-")]
        year = int(m.group("year"))
        if re.fullmatch(r"QH\d*", parts[0]) or parts[0].startswith("UBTVQH"):
            return Symbol(f"{num}/{year}/{'-'.join(parts)}", num, None, "nghi-quyet-quoc-hoi", "-".join(parts), year,
                          True)
        code = parts[0]
        issuer = "-".join(parts[1:]) or None
        ts = DOC_TYPES.get(code)
        return Symbol(f"{num}/{year}/{'-'.join(parts)}", num, code, ts[0] if ts else None, issuer, year, True,
                      party=bool(issuer and issuer in PARTY_ISSUERS))
    if m.group("party"):
        code, issuer = _fix(m.group("ptype")), _fix(m.group("pissuer"))
        ts = DOC_TYPES.get(code)
        tslug = PARTY_TYPES.get(code) or (ts[0] if ts else None)
        return Symbol(f"{num}-{code}/{issuer}", num, code, tslug, issuer, None, False, party=True)
    parts = [_fix(p) for p in m.group("acode").split("-")]
    sym = f"{num}/{'-'.join(parts)}"
    if parts[0] in DOC_TYPES and len(parts) > 1:
        code = parts[0]
        issuer = "-".join(parts[1:])
        party = issuer in PARTY_ISSUERS
        tslug = PARTY_TYPES.get(code, DOC_TYPES[code][0]) if party else DOC_TYPES[code][0]
        return Symbol(sym, num, code, tslug, issuer, None, code in NORMATIVE_TYPES and not party, party=party)
    if len(parts) == 1 and parts[0] in DOC_TYPES:
        return Symbol(sym, num, parts[0], DOC_TYPES[parts[0]][0], None, None, parts[0] in NORMATIVE_TYPES)
    # công văn: ISSUER-DRAFTINGUNIT
    return Symbol(sym, num, None, "cong-van", parts[0], None, False, party=parts[0] in PARTY_ISSUERS,
                  drafting_unit="-".join(parts[1:]) or None)


def find_symbols(text: str) -> list[tuple[int, int, Symbol]]:
    """Every symbol written in ``text`` with its span; never raises."""
    out: list[tuple[int, int, Symbol]] = []
    for m in SYMBOL_RE.finditer(text):
        sym = parse_symbol(m.group(0))
        if sym is None:
            continue
        if sym.type_slug == "cong-van" and not _plausible_issuer(sym.issuer or ""):
            continue
        out.append((m.start(), m.end(), sym))
    return out


def _plausible_issuer(code: str) -> bool:
    """A công văn issuer must look like an abbreviation we know (``TTg``, ``VPCP``, ``UBND``...)."""
    return code in ISSUERS or code in PARTY_ISSUERS or bool(re.fullmatch(r"(?:UBND|SNV|S|B|BCĐ)[A-ZĐ]*|TTg", code))
