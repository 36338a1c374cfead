"""The gazetteer of known units: the graph's own labels and aliases, plus the top-level bodies every article
takes for granted (Chính phủ, the ministries and ministry-level agencies of DOMAIN.md §2.1, Quốc hội, Party
bodies), so that an empty store still resolves ``VPCP`` or ``Bộ Y tế``.

Matching is on a folded copy of the text of the same length (:func:`fold_same_length`: lower case, tones
removed, đ→d), so casing drift (``Thủ tục``/``thủ tục``) and both tone placements (``hoà``/``hòa``) match; an
all-capitals alias (``VPCP``, ``UBND``) matches only as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from graph.namespaces import ID
from graph.store.base import Store
from graph.text import fold

#: (name, abbreviation slug used inside it, unit-type slug, aliases), DOMAIN.md §2.1 and §1.3.
TOP_LEVEL: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("Chính phủ", "cp", "chinh-phu", ("CP",)),
    ("Quốc hội", "qh", "quoc-hoi", ("QH",)),
    ("Văn phòng Chính phủ", "vpcp", "co-quan-ngang-bo", ("VPCP",)),
    ("Ủy ban Dân tộc", "ubdt", "co-quan-ngang-bo", ("UBDT",)),
    ("Thanh tra Chính phủ", "ttcp", "co-quan-ngang-bo", ("TTCP",)),
    ("Ngân hàng Nhà nước Việt Nam", "nhnn", "co-quan-ngang-bo", ("NHNN", "Ngân hàng Nhà nước")),
    ("Bộ Quốc phòng", "bqp", "bo", ()), ("Bộ Công an", "bca", "bo", ()), ("Bộ Ngoại giao", "bng", "bo", ()),
    ("Bộ Nội vụ", "bnv", "bo", ()), ("Bộ Tư pháp", "btp", "bo", ()),
    ("Bộ Kế hoạch và Đầu tư", "bkhdt", "bo", ("Bộ KH&ĐT",)), ("Bộ Tài chính", "btc", "bo", ()),
    ("Bộ Công Thương", "bct", "bo", ()),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "bnnptnt", "bo", ("Bộ NN&PTNT",)),
    ("Bộ Giao thông vận tải", "bgtvt", "bo", ()), ("Bộ Xây dựng", "bxd", "bo", ()),
    ("Bộ Tài nguyên và Môi trường", "btnmt", "bo", ("Bộ TN&MT",)),
    ("Bộ Thông tin và Truyền thông", "btttt", "bo", ("Bộ TT&TT",)),
    ("Bộ Lao động - Thương binh và Xã hội", "bldtbxh", "bo", ("Bộ LĐ-TB&XH", "Bộ LĐ-TB-XH", "Bộ LĐTBXH")),
    ("Bộ Văn hóa, Thể thao và Du lịch", "bvhttdl", "bo", ("Bộ VHTTDL", "Bộ VH,TT&DL")),
    ("Bộ Khoa học và Công nghệ", "bkhcn", "bo", ("Bộ KH&CN",)),
    ("Bộ Giáo dục và Đào tạo", "bgddt", "bo", ("Bộ GD&ĐT",)), ("Bộ Y tế", "byt", "bo", ()),
    ("Bộ Nông nghiệp và Môi trường", "bnnmt", "bo", ()), ("Bộ Dân tộc và Tôn giáo", "bdttg", "bo", ()),
    ("Ban Chấp hành Trung ương Đảng", "tw", "dang", ("Trung ương Đảng", "Ban Chấp hành Trung ương")),
    ("Bộ Chính trị", "bct-tw", "dang", ()), ("Ban Bí thư", "bbt", "dang", ()),
    ("Văn phòng Trung ương Đảng", "vptw", "dang", ()),
    ("Ban Cán sự đảng Chính phủ", "bcsdcp", "dang", ()),
    ("Ban Thi đua - Khen thưởng Trung ương", "btdkt", "ban", ("Ban Thi đua – Khen thưởng Trung ương",)),
    ("Hội đồng Thi đua - Khen thưởng Trung ương", "hdtdkttw", "hoi-dong", ()),
    ("Cổng Thông tin điện tử Chính phủ", "vgp", "cong-thong-tin-dien-tu", ()),
    ("Mặt trận Tổ quốc Việt Nam", "mttq", "doan-the", ()),
    ("Văn phòng Quốc hội", "vpqh", "co-quan-quoc-hoi", ()),
    ("Ủy ban Thường vụ Quốc hội", "ubtvqh", "co-quan-quoc-hoi", ()),
    # the committees of Quốc hội (their names hold commas: "Ủy ban Tài chính, Ngân sách")
    ("Hội đồng Dân tộc", "hddt", "co-quan-quoc-hoi", ()), ("Ủy ban Pháp luật", "ubpl", "co-quan-quoc-hoi", ()),
    ("Ủy ban Tư pháp", "ubtp", "co-quan-quoc-hoi", ()), ("Ủy ban Kinh tế", "ubkt", "co-quan-quoc-hoi", ()),
    ("Ủy ban Tài chính, Ngân sách", "ubtcns", "co-quan-quoc-hoi", ()),
    ("Ủy ban Quốc phòng và An ninh", "ubqpan", "co-quan-quoc-hoi", ()),
    ("Ủy ban Văn hóa, Giáo dục", "ubvhgd", "co-quan-quoc-hoi", ()),
    ("Ủy ban Xã hội", "ubxh", "co-quan-quoc-hoi", ()), ("Ủy ban Đối ngoại", "ubdn", "co-quan-quoc-hoi", ()),
    ("Ủy ban Khoa học, Công nghệ và Môi trường", "ubkhcnmt", "co-quan-quoc-hoi", ()),
    ("Ủy ban Pháp luật và Tư pháp", "ubpltp", "co-quan-quoc-hoi", ()),
    ("Ủy ban Kinh tế và Tài chính", "ubkttc", "co-quan-quoc-hoi", ()),
    ("Ủy ban Văn hóa và Xã hội", "ubvhxh", "co-quan-quoc-hoi", ()),
    ("Ủy ban Dân nguyện và Giám sát", "ubdngs", "co-quan-quoc-hoi", ()),
    ("Ủy ban Quốc phòng, An ninh và Đối ngoại", "ubqpandn", "co-quan-quoc-hoi", ()),
]
#: Bodies inside which minted unit slugs carry the body's abbreviation (MODEL.md "IRIs").
TOP_LEVEL_SLUG = {fold(n): a for n, a, _, _ in TOP_LEVEL}


@dataclass
class UnitEntry:
    name: str
    iri: str | None = None
    parent: str | None = None  # name of the parent
    parent_iri: str | None = None
    unit_type: str | None = None
    aliases: set[str] = field(default_factory=set)
    valid_from: date | None = None
    valid_through: date | None = None
    top_level: bool = False

    def valid_on(self, d: date | None) -> bool:
        if d is None:
            return True
        return (self.valid_from is None or self.valid_from <= d) and (
            self.valid_through is None or d <= self.valid_through)


def fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold_same_length(text: str) -> str:
    """:func:`graph.text.fold` character by character, so offsets are kept."""
    return "".join(fold_char(c) for c in text)


_EXPAND = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "vpcp": "van phong chinh phu",
           "ubdt": "uy ban dan toc", "t u": "trung uong", "tw": "trung uong"}


def key(name: str) -> str:
    """The matching key of a unit name: folded, punctuation and "số" dropped."""
    k = re.sub(r"[^a-z0-9&]+", " ", fold(name))
    k = re.sub(r"\bso (\d)", r"\1", k)
    for abbr, full in _EXPAND.items():
        k = re.sub(rf"\b{abbr}\b", full, k)
    return re.sub(r"\s+", " ", k).strip()


class Gazetteer:
    """Unit names and aliases, from the store and the built-in top-level bodies."""

    def __init__(self) -> None:
        self.entries: list[UnitEntry] = []
        self.by_key: dict[str, list[UnitEntry]] = defaultdict(list)
        self._regex: re.Pattern[str] | None = None
        self._caps: re.Pattern[str] | None = None

    def add(self, entry: UnitEntry) -> None:
        self.entries.append(entry)
        for n in {entry.name, *entry.aliases}:
            self.by_key[key(n)].append(entry)
        self._regex = self._caps = None

    def lookup(self, name: str) -> list[UnitEntry]:
        return list(self.by_key.get(key(name), []))

    def _compile(self) -> None:
        folded, caps = set(), set()
        for e in self.entries:
            for n in {e.name, *e.aliases}:
                if re.fullmatch(r"[A-ZĐ&]{2,}[0-9]*", n):
                    caps.add(re.escape(n))
                elif len(n) > 3:
                    folded.add(re.escape(fold_same_length(n)).replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*"))
        self._regex = re.compile(r"(?<!\w)(?:" + "|".join(sorted(folded, key=len, reverse=True)) + r")(?!\w)") \
            if folded else None
        self._caps = re.compile(r"(?<![\w/-])(?:" + "|".join(sorted(caps, key=len, reverse=True)) + r")(?![\w/-])") \
            if caps else None

    def find(self, text: str) -> list[tuple[int, int, list[UnitEntry]]]:
        """Known names in ``text`` (longest first, no overlaps): (start, end, entries)."""
        if self._regex is None and self._caps is None:
            self._compile()
        hits: list[tuple[int, int]] = []
        if self._regex is not None:
            hits += [(m.start(), m.end()) for m in self._regex.finditer(fold_same_length(text))]
        if self._caps is not None:
            hits += [(m.start(), m.end()) for m in self._caps.finditer(text)]
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, list[UnitEntry]]] = []
        for s, e in hits:
            if out and s < out[-1][1]:
                continue
            entries = self.lookup(text[s:e])
            if entries:
                out.append((s, e, entries))
        return out


def builtin() -> Gazetteer:
    g = Gazetteer()
    for name, _abbr, utype, aliases in TOP_LEVEL:
        g.add(UnitEntry(name=name, unit_type=utype, aliases=set(aliases), top_level=True,
                        parent=None if name in ("Chính phủ", "Quốc hội") or utype in ("dang", "co-quan-quoc-hoi")
                        else "Chính phủ"))
    return g


UNITS_QUERY = f"""
SELECT ?u ?l ?kind ?p ?pl ?from ?to WHERE {{
  ?u rdfs:label|skos:altLabel ?l .
  FILTER(STRSTARTS(STR(?u), "{ID}unit/"))
  BIND(IF(EXISTS {{ ?u rdfs:label ?l }}, "label", "alt") AS ?kind)
  OPTIONAL {{ ?u org:unitOf|org:subOrganizationOf ?p . OPTIONAL {{ ?p rdfs:label ?pl FILTER(LANG(?pl) = "vi") }} }}
  OPTIONAL {{ ?u schema:validFrom ?from }} OPTIONAL {{ ?u schema:validThrough ?to }}
  FILTER(LANG(?l) = "vi" || LANG(?l) = "")
}}"""


def from_store(store: Store | None) -> Gazetteer:
    """The built-in bodies, with the IRIs, aliases and parents the store knows added."""
    g = builtin()
    if store is None:
        return g
    found: dict[str, UnitEntry] = {}
    for r in store.query(UNITS_QUERY, union_default_graph=True).rows():
        iri = str(r["u"])
        e = found.setdefault(iri, UnitEntry(name="", iri=iri))
        label = str(r["l"])
        if str(r["kind"]) == "label" and not e.name:
            e.name = label
        else:
            e.aliases.add(label)
        if r.get("p") is not None:
            e.parent_iri = str(r["p"])
            if r.get("pl") is not None:
                e.parent = str(r["pl"])
        for k, attr in (("from", "valid_from"), ("to", "valid_through")):
            v = r.get(k)
            if v is not None:
                try:
                    setattr(e, attr, date.fromisoformat(str(v)[:10]))
                except ValueError:
                    pass
    for e in found.values():
        if not e.name:
            e.name = sorted(e.aliases, key=len, reverse=True)[0] if e.aliases else e.iri or ""
        builtins = [b for b in g.lookup(e.name) if b.iri is None and b.top_level]
        if builtins:
            b = builtins[0]
            b.iri, b.aliases = e.iri, b.aliases | e.aliases
            for a in e.aliases:
                g.by_key[key(a)].append(b)
            g._regex = g._caps = None
            continue
        g.add(e)
    return g
