"""The units of a generated graph: Chính phủ, ministries, their Vụ/Cục, provinces and their Sở, party cells,
councils and emulation blocks, and the renames and mergers between them.

Units are few next to the rest of the graph (one per ~150 triples), so they are built in memory, in an order
of importance, and cut where the scale's budget ends (whole groups at a time, so a province keeps all its
departments and a merger never loses one side).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import names
from graph.iri import slug

#: (head role, deputy role) per unit type.
ROLES: dict[str, tuple[str, str | None]] = {
    "chinh-phu": ("thu-tuong", "pho-thu-tuong"),
    "bo": ("bo-truong", "thu-truong"),
    "vu": ("vu-truong", "pho-vu-truong"),
    "cuc": ("cuc-truong", "pho-cuc-truong"),
    "cong-thong-tin-dien-tu": ("giam-doc", "pho-giam-doc"),
    "quoc-hoi": ("chu-tich", "pho-chu-tich"),
    "nguoi-co-tham-quyen": ("thu-tuong", None),
    "so": ("giam-doc", "pho-giam-doc"),
    "uy-ban-nhan-dan": ("chu-tich", "pho-chu-tich"),
    "chi-bo": ("bi-thu-chi-bo", None),
    "hoi-dong": ("chu-tich-hoi-dong", None),
    "khoi-thi-dua": ("khoi-truong", None),
}
ROLE_LABELS = {
    "thu-tuong": "Thủ tướng", "pho-thu-tuong": "Phó Thủ tướng", "bo-truong": "Bộ trưởng",
    "thu-truong": "Thứ trưởng", "chu-nhiem": "Chủ nhiệm", "pho-chu-nhiem": "Phó Chủ nhiệm",
    "thong-doc": "Thống đốc", "pho-thong-doc": "Phó Thống đốc", "tong-thanh-tra": "Tổng Thanh tra",
    "pho-tong-thanh-tra": "Phó Tổng Thanh tra", "vu-truong": "Vụ trưởng", "pho-vu-truong": "Phó Vụ trưởng",
    "cuc-truong": "Cục trưởng", "pho-cuc-truong": "Phó Cục trưởng", "tong-giam-doc": "Tổng Giám đốc",
    "pho-tong-giam-doc": "Phó Tổng Giám đốc", "giam-doc": "Giám đốc", "pho-giam-doc": "Phó Giám đốc",
    "chu-tich": "Chủ tịch", "pho-chu-tich": "Phó Chủ tịch", "bi-thu-chi-bo": "Bí thư Chi bộ",
    "chu-tich-hoi-dong": "Chủ tịch Hội đồng", "khoi-truong": "Khối trưởng",
}
DEPUTY_OF_HEAD: dict[str, str | None] = {"chu-nhiem": "pho-chu-nhiem", "thong-doc": None, "tong-thanh-tra": None}


@dataclass
class Unit:
    slug: str
    name: str
    utype: str
    cls: str  # "org", "unit", "block", "council", "party"
    parent: str | None = None
    en: str | None = None
    code: str | None = None  # issuer code in document symbols
    alt: list[str] = field(default_factory=list)
    valid_from: str | None = None
    valid_through: str | None = None
    head_role: str = ""
    deputy_role: str | None = None
    created_by_change: bool = False
    block: str | None = None  # the emulation block (khối thi đua) the unit belongs to

    def __post_init__(self) -> None:
        if not self.head_role:
            self.head_role, self.deputy_role = ROLES[self.utype]


@dataclass
class Change:
    date: str
    kind: str  # rename | merger
    originals: list[str]
    result: str
    former_name: str | None = None
    new_name: str | None = None
    basis: str = ""  # a document symbol


ISSUER = {"bgddt": "BGDĐT", "bkhdt": "BKHĐT", "bldtbxh": "BLĐTBXH"}


def issuer_code(code: str) -> str:
    return ISSUER.get(code, code.upper())


@dataclass
class Skeleton:
    units: list[Unit]
    changes: list[Change]

    def by_slug(self) -> dict[str, Unit]:
        return {u.slug: u for u in self.units}


def build(unit_budget: int) -> Skeleton:
    """The units and changes of a graph with about ``unit_budget`` units (never fewer than the ministries)."""
    groups: list[tuple[list[Unit], list[Change]]] = [_government()]
    groups.append(_vpcp())
    groups.append(_ubdt())
    for name, code, *_ in names.MINISTRIES:
        if code not in ("vpcp", "ubdt"):
            groups.append(_ministry_units(code, name))
    for province in names.PROVINCES:
        groups.append(_province(province))
    for round_ in range(40):
        for province in names.PROVINCES:
            groups.append(_communes(province, round_))
    units: list[Unit] = []
    changes: list[Change] = []
    seen: set[str] = set()
    for g_units, g_changes in groups:
        if len(units) >= unit_budget and len(units) > 40:
            break
        for u in g_units:
            if u.slug in seen:  # two communes of one name in a province: the later gets a suffix
                n = 2
                while f"{u.slug}-{n}" in seen:
                    n += 1
                u.slug = f"{u.slug}-{n}"
            seen.add(u.slug)
        units += g_units
        changes += g_changes
    changes.sort(key=lambda c: c.date)
    return Skeleton(units, changes)


def _government() -> tuple[list[Unit], list[Change]]:
    units = [Unit("chinh-phu", "Chính phủ", "chinh-phu", "org", en="Government", code="CP"),
             Unit("thu-tuong-chinh-phu", "Thủ tướng Chính phủ", "nguoi-co-tham-quyen", "org", en="Prime Minister",
                  code="TTg", alt=["TTg"]),
             Unit("quoc-hoi", "Quốc hội", "quoc-hoi", "org", en="National Assembly", code="QH15")]
    for name, code, en_name, utype, head, vfrom, vthrough in names.MINISTRIES:
        units.append(Unit(
            slug(name), name, utype, "org", parent="chinh-phu", en=en_name, code=issuer_code(code),
            alt=[code.upper()] if code in ("vpcp", "ubdt", "nhnn", "ttcp") else [],
            valid_from=vfrom, valid_through=vthrough, head_role=head,
            deputy_role=DEPUTY_OF_HEAD.get(head, "thu-truong"), created_by_change=vfrom is not None,
        ))
    by_code = {code: slug(name) for name, code, *_ in names.MINISTRIES}
    changes = [
        Change("2025-03-01", "merger", [by_code[c] for c in originals], by_code[result], basis="176/2025/QH15")
        for originals, result in names.MINISTRY_MERGERS
    ]
    return units, changes


def _children(code: str, parent: str, items: list[tuple[str, str]], blocks: int = 1) -> list[Unit]:
    """The units of a ministry-level body, a Chi bộ per Vụ, its council, and its emulation blocks: one
    ("Khối thi đua các Vụ và tương đương") or, as at VPCP, ``blocks`` numbered ones ("Khối thi đua 3")."""
    if blocks == 1:
        block_units = [Unit(f"{code}-khoi-thi-dua-cac-vu", "Khối thi đua các Vụ và tương đương", "khoi-thi-dua",
                            "block", parent=parent)]
    else:
        block_units = [Unit(f"{code}-khoi-thi-dua-{k}", f"Khối thi đua {k}", "khoi-thi-dua", "block", parent=parent)
                       for k in range(1, blocks + 1)]
    out = []
    for i, (name, utype) in enumerate(items):
        u = Unit(f"{code}-{slug(name)}", name, utype, "unit", parent=parent, block=block_units[i % blocks].slug)
        out.append(u)
        if utype == "vu":
            out.append(Unit(f"{code}-chi-bo-{slug(name)}", f"Chi bộ {name}", "chi-bo", "party", parent=u.slug))
    out.append(Unit(f"{code}-hoi-dong-thi-dua-khen-thuong", "Hội đồng Thi đua - Khen thưởng", "hoi-dong", "council",
                    parent=parent))
    return out + block_units


def _vpcp() -> tuple[list[Unit], list[Change]]:
    units = _children("vpcp", "van-phong-chinh-phu", names.VPCP_UNITS, blocks=3)
    by_name = {u.name: u for u in units}
    changes = []
    for old, new, when in names.VPCP_RENAMES:
        u = by_name[old]
        u.name, u.alt = new, [*u.alt, old]
        changes.append(Change(when, "rename", [u.slug], u.slug, former_name=old, new_name=new, basis="36/2025/NĐ-CP"))
    return units, changes


def _ubdt() -> tuple[list[Unit], list[Change]]:
    return _children("ubdt", "uy-ban-dan-toc", [(n, "vu") for n in names.UBDT_UNITS]), []


def _ministry_units(code: str, name: str) -> tuple[list[Unit], list[Change]]:
    items = [(n, "vu") for n in names.COMMON_VU]
    items += [(n, "cuc" if n.startswith("Cục") else "vu") for n in names.DOMAIN_CUC.get(code, [])]
    return _children(code, slug(name), items), []


def _province_name(province: str) -> str:
    """"tỉnh Nghệ An", "thành phố Hà Nội", "Thành phố Hồ Chí Minh"."""
    if province.startswith("Thành phố"):
        return province
    return f"{'thành phố' if province in names.CITIES else 'tỉnh'} {province}"


def _province(province: str) -> tuple[list[Unit], list[Change]]:
    pname = _province_name(province)
    pslug = slug(province)
    ubnd = Unit(f"uy-ban-nhan-dan-{slug(pname)}", f"Ủy ban nhân dân {pname}", "uy-ban-nhan-dan", "org",
                en=f"People's Committee of {province}", code="UBND", alt=[f"UBND {pname}"])
    units = [ubnd]
    by_name: dict[str, Unit] = {}
    for so_name, _abbr in names.SO:
        u = Unit(f"{pslug}-{slug(so_name)}", f"{so_name} {pname}", "so", "unit", parent=ubnd.slug,
                 alt=[so_name])
        units.append(u)
        by_name[so_name] = u
    changes = []
    for originals, result in names.SO_MERGERS:
        if result in by_name:
            res = by_name[result]
        else:
            res = Unit(f"{pslug}-{slug(result)}", f"{result} {pname}", "so", "unit", parent=ubnd.slug,
                       alt=[result], valid_from="2025-03-01", created_by_change=True)
            units.append(res)
        for o in originals:
            if by_name[o] is not res:
                by_name[o].valid_through = "2025-02-28"
        changes.append(Change("2025-03-01", "merger", [by_name[o].slug for o in originals], res.slug,
                              basis=f"QĐ-UBND {pslug}"))
    for old, new in names.SO_RENAMES:
        u = by_name[old]
        former = u.name
        u.name, u.alt = f"{new} {pname}", [former, new]
        changes.append(Change("2025-03-01", "rename", [u.slug], u.slug, former_name=former, new_name=u.name,
                              basis=f"QĐ-UBND {pslug}"))
    return units, changes


def _communes(province: str, round_: int) -> tuple[list[Unit], list[Change]]:
    parent = f"uy-ban-nhan-dan-{slug(_province_name(province))}"
    first = names.COMMUNE_FIRST
    second = names.COMMUNE_SECOND
    out = []
    for k in range(6):
        i = round_ * 6 + k
        cname = f"{first[(i + len(province)) % len(first)]} {second[(i * 7 + round_) % len(second)]}"
        if round_ >= 3:
            cname += f" {['Thượng', 'Hạ', 'Đông', 'Tây', 'Nam', 'Bắc', 'Trung'][round_ % 7]}"
        full = f"Ủy ban nhân dân xã {cname}"
        u = Unit(f"{slug(province)}-{slug(full)}", full, "uy-ban-nhan-dan", "org", parent=parent, code="UBND")
        out.append(u)
    return out, []
