"""Persons and their posts, in the patterns of DOMAIN.md §2.3.

- title then name: ``Bộ trưởng Bộ Y tế Nguyễn Thanh Long``; titles joined by `` - ``
  (``Phó Thủ tướng - Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn``);
- name then titles after a dash or commas: ``ông Lưu Xuân Thủy - Vụ trưởng Vụ Dân tộc thiểu số``,
  ``ông Nguyễn Thái Bình, Chánh Văn phòng Bộ, Khối trưởng khối thi đua``;
- one title over a list: ``các Phó Thủ tướng Chính phủ: Lê Minh Khái, Vũ Đức Đam, Lê Văn Thành``;
- ``nguyên`` (former) and ``kiêm`` (concurrently) before a title; honorifics ông, bà, đồng chí and military or
  academic ranks before a name; names of two to four syllables.

A name is taken only with a title or an honorific beside it, so photo credits and bylines are not persons.
A title whose unit is left implied gets it from the article: Thủ tướng → Chính phủ; Chủ nhiệm → the body the
article is about (``home``), and a bare "Bí thư Chi bộ" → the cell of the unit of the person's other post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.ingest.gazetteer import TOP_LEVEL
from graph.ingest.lexicon import (
    CANONICAL_TITLE,
    HEADS_RE,
    HONORIFIC_RE,
    NOT_NAMES,
    SURNAMES,
    TITLE_RE,
    TITLE_START_RE,
    is_syllable,
)
from graph.ingest.units import UnitMention
from graph.iri import slug
from graph.text import fold

_SYL = re.compile(r"[^\W\d_]+")
_ROLE_FIX = {"bo-truong-chu-nhiem": "chu-nhiem", "thu-truong-pho-chu-nhiem": "pho-chu-nhiem",
             "pho-vu-truong-phu-trach": "pho-vu-truong", "bi-thu-dang-bo": "bi-thu-dang-uy",
             "bi-thu-t-u-dang": "bi-thu-trung-uong-dang"}
_CENTRAL_COMMITTEE = ("tong-bi-thu", "uy-vien-trung-uong-dang", "bi-thu-trung-uong-dang",
                      "uy-vien-du-khuyet-trung-uong-dang")
_LIST_INTRO = re.compile(r"\s+(?:là|gồm)\s+(?:(?:các\s+)?(?:ông, bà|ông|bà|đồng chí)\s*(?::|(?=[A-ZĐ]))|(?=[A-ZĐ]))")
_MINISTRY_TITLES = ("bo-truong", "thu-truong", "thu-truong-thuong-truc")
_HOME_TITLES = ("chu-nhiem", "pho-chu-nhiem", "pho-chu-nhiem-thuong-truc")
#: Party titles that end in their committee's head word: the committee named there is the post's unit.
_PARTY_TITLE = re.compile(r"(?i:(?:phó )?bí thư(?: thường trực| chuyên trách)?) (Đảng ủy|Đảng uỷ|Đảng bộ|Chi bộ)$")
#: "được chỉ định giữ chức", "làm": more titles of the same person follow.
_MORE_TITLES = r"\s+(?:(?:đã\s+)?được\s+(?:chỉ định|bầu|bổ nhiệm|phân công|giao|cử)\s+)?(?:giữ chức|làm)\s+"
#: "Trưởng Đoàn ĐBQH tỉnh": the title has eaten the delegation's head word.
_DELEGATION = re.compile(r"\s*(ĐBQH|đại biểu Quốc hội)((?:\s+(?:tỉnh|Tỉnh|thành phố|Thành phố)(?:\s+[A-ZĐ]\w*)*))?")
#: Heads a title may end in ("Phó Chánh Văn phòng"): a sibling post's unit with that head is the unit.
_TITLE_END_HEAD = re.compile(r"(?:Văn phòng|Thanh tra)$")
#: A ministry named without "Bộ" after its minister's title ("Thứ trưởng Nội vụ Vũ Đăng Minh").
_MINISTRY_SHORT = re.compile(r"\s+(" + "|".join(sorted((re.escape(n[3:]) for n, *_ in TOP_LEVEL if n.startswith("Bộ ")),
                                                        key=len, reverse=True)) + r")(?!\w)")
#: "làm Thứ trưởng các cơ quan: Bộ Tài chính và Bộ Xây dựng": one title, a unit for each name of the list.
_PAIRED = re.compile(r"\s+(?:làm|giữ chức|giữ các chức vụ)\s+")
_PAIRED_UNITS = re.compile(r"\s+(?:các|lần lượt tại các|tại các)\s+(?:cơ quan|đơn vị|bộ|Bộ|tỉnh|cơ quan, đơn vị)"
                           r"\s*:?\s*|\s+lần lượt (?:của|tại)\s+")
#: "Tỉnh ủy viên": a member of the province's party committee.
_COMMITTEE_MEMBER = {"tinh-uy-vien": "Tỉnh ủy", "thanh-uy-vien": "Thành ủy", "huyen-uy-vien": "Huyện ủy"}


@dataclass
class Post:
    title: str
    role: str
    unit: str | None = None
    former: bool = False
    concurrent: bool = False
    implied: bool = False  # the unit was not written beside the title
    start: int = 0
    end: int = 0


@dataclass
class PersonMention:
    start: int
    end: int
    name: str
    name_start: int
    name_end: int
    posts: list[Post] = field(default_factory=list)
    honorific: str | None = None


def role_slug(title: str, unit: str | None) -> str:
    r = slug(title)
    r = _ROLE_FIX.get(r, r)
    if unit and unit.startswith("Hội đồng") and r in ("chu-tich", "pho-chu-tich", "uy-vien"):
        r = f"{r}-hoi-dong"
    if unit and unit.startswith(("Tỉnh ủy", "Tỉnh uỷ")) and r == "bi-thu":
        r = "bi-thu-tinh-uy"
    if unit and unit.startswith(("Đảng ủy", "Đảng uỷ", "Đảng bộ")) and r in ("bi-thu", "pho-bi-thu"):
        r = f"{r}-dang-uy"
    return r


class _Scanner:
    def __init__(self, text: str, units: list[UnitMention], home: str | None) -> None:
        self.text, self.home = text, home
        self.units = units
        self.unit_at = {u.start: u for u in units}
        self.unit_spans = [(u.start, u.end) for u in units]

    def skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] == " ":
            pos += 1
        return pos

    def in_unit(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.unit_spans)

    def chain(self, pos: int, after_name: bool = False) -> tuple[list[Post], int]:
        """Titles from ``pos``: [nguyên|kiêm] TITLE [UNIT] joined by " - ", ", ", " kiêm ".

        After a name (``after_name``), a title followed at once by another name is that name's title ("A, Bộ
        trưởng Bộ Tư pháp B"): the chain stops before it."""
        posts: list[Post] = []
        t = self.text
        while True:
            p = self.skip(pos)
            mod = re.compile(r"(nguyên|kiêm|Nguyên|Kiêm)\s+").match(t, p)
            former = bool(mod and mod.group(1).lower() == "nguyên")
            concurrent = bool(mod and mod.group(1).lower() == "kiêm")
            q = mod.end() if mod else p
            m = TITLE_RE.match(t, q)
            if not m or self.in_unit(q):
                break
            title = CANONICAL_TITLE.get(fold(m.group(0)), m.group(0))
            end = m.end()
            cell = _PARTY_TITLE.match(m.group(0))  # "Bí thư Đảng ủy Bộ Nội vụ": the secretary of that committee
            pu = self.unit_at.get(q + cell.start(1)) if cell else None
            if cell and pu is not None and pu.name.startswith(("Đảng", "Chi bộ")):
                if not pu.name.startswith("Chi bộ"):
                    title = CANONICAL_TITLE.get(fold(m.group(0)[:cell.start(1)].strip()), title)
                posts.append(Post(title, role_slug(title, pu.name), pu.name, former, concurrent, False, q, pu.end))
                pos = pu.end
                sep = re.compile(r"\s*[-–,]\s*|\s+(?=kiêm\s)").match(t, pos)
                if not sep or not (TITLE_RE.match(t, sep.end())
                                   or re.compile(r"(?:nguyên|kiêm)\s+").match(t, sep.end())):
                    break
                pos = sep.end()
                continue
            of = re.compile(r"\s+của(?=\s)").match(t, end)
            if of and self.unit_at.get(self.skip(of.end())) is not None:
                end = of.end()
            bo = re.compile(r"\s+(Bộ|Sở|Cục|Vụ|Ban|Tỉnh ủy|Tổng cục|Ủy ban|Hội đồng|Khối|Cụm)(?=[,.;:]|\s+[a-zđ]|$)"
                            ).match(t, end)
            bare = None
            if bo and self.unit_at.get(self.skip(end)) is None:
                end, bare = bo.end(), bo.group(1)
            short = _MINISTRY_SHORT.match(t, end) if slug(title) in _MINISTRY_TITLES and bare is None \
                and self.unit_at.get(self.skip(end)) is None else None
            if short:  # "Thứ trưởng Nội vụ", "Bộ trưởng Tư pháp": the ministry without its head word
                posts.append(Post(title, role_slug(title, "Bộ " + short.group(1)), "Bộ " + short.group(1), former,
                                  concurrent, False, q, short.end()))
                pos = short.end()
                sep = re.compile(r"\s*[-–,]\s*|\s+(?=kiêm\s)").match(t, pos)
                if not sep or not TITLE_RE.match(t, sep.end()):
                    break
                pos = sep.end()
                continue
            tr = re.compile(r"\s+Thường trực(?!\w)").match(t, end)
            if tr and "Thường trực" not in title:
                title, end = title + " Thường trực", tr.end()
            u = self.unit_at.get(self.skip(end))
            dl = _DELEGATION.match(t, end) if fold(title) in ("truong doan", "pho truong doan") else None
            if dl and u is None:
                delegation = f"Đoàn {dl.group(1)}{(dl.group(2) or '').lower()}"
                posts.append(Post(title, role_slug(title, delegation), delegation, former, concurrent, False, q,
                                  dl.end()))
                pos = dl.end()
                sep = re.compile(r"\s*[-–,]\s*").match(t, pos)
                if not sep or not TITLE_RE.match(t, sep.end()):
                    break
                pos = sep.end()
                continue
            last = m.group(0).rsplit(" ", 1)[-1]
            if u is None and bare is None and fold(last) in ("ban", "phong") and end == m.end():
                u = self.unit_at.get(m.end() - len(last))  # "Phó Trưởng ban Thi đua - Khen thưởng Trung ương"
            if u is None and bare is None and end == m.end():
                # "Tổng Thanh tra Chính phủ": a unit that begins inside the title and runs past it
                u = next((v for v in self.units if q < v.start < m.end() < v.end and t[v.start - 1] == " "
                          and fold(t[v.start:m.end()]) in ("thanh tra", "ban", "phong", "van phong")), None)
            unit = None
            if u is not None and bare is None:
                unit, end = u.name, u.end
                if fold(title).endswith("tong thanh tra") and unit == "Chính phủ":
                    unit = "Thanh tra Chính phủ"  # "Tổng Thanh tra Chính phủ"
                elif unit in ("Ban Chỉ đạo", "Ban Tổ chức", "Hội đồng", "Tổ công tác"):
                    unit = self.recent(unit, q) or unit  # "làm Trưởng Ban Chỉ đạo": the one just named
            elif bare is not None:
                unit = self.recent(bare, q)
            if after_name and self.name(end) is not None and re.match(r" +\S", t[end:end + 2]):
                break
            posts.append(Post(title, role_slug(title, unit), unit, former, concurrent, unit is None, q, end))
            both = re.compile(r"\s+và\s+").match(t, end) if u is not None and bare is None else None
            u2 = self.unit_at.get(both.end()) if both else None
            if u is not None and u2 is not None and u2.name.split()[0] == u.name.split()[0] \
                    and u2.unit_type == u.unit_type:  # "Trưởng Ban Chỉ đạo 138 và Ban Chỉ đạo 389 Quốc gia"
                posts.append(Post(title, role_slug(title, u2.name), u2.name, former, concurrent, False, q, u2.end))
                end = u2.end
            pos = end
            sep = re.compile(r",?" + _MORE_TITLES + r"|\s+là\s+(?=[A-ZĐ])|\s*[-–,]\s*|\s+(?=kiêm\s)").match(t, pos)
            if not sep:
                break
            nxt = sep.end()
            if not (TITLE_RE.match(t, nxt) or re.compile(r"(?:nguyên|kiêm)\s+").match(t, nxt)):
                break
            pos = nxt
        return posts, pos

    def recent(self, head: str, pos: int) -> str | None:
        """The unit a bare head word refers to: the last one named with that head, else the article's body."""
        named = [u for u in self.units if u.end <= pos and u.name.startswith(head) and u.attached_to is None]
        if named:
            return named[-1].name
        if self.home and self.home.startswith(head):
            return self.home
        return None

    def ministry_before(self, pos: int) -> str | None:
        """The ministry a bare "Bộ trưởng"/"Thứ trưởng" belongs to: the last one named before it in the same
        sentence ("Về phía Bộ Nội vụ có Bộ trưởng X; các Thứ trưởng: Y, Z"), else the article's ministry."""
        for u in reversed(self.units):
            if u.end <= pos and u.name.startswith("Bộ ") and u.level <= 1:
                if pos - u.end <= 160 and not re.search(r"[.!?\n]", self.text[u.end:pos]):
                    return u.name
                break
        return self.home if self.home and self.home.startswith("Bộ ") else None

    def name(self, pos: int) -> tuple[int, int] | None:
        t, p = self.text, self.skip(pos)
        syls: list[tuple[int, int]] = []
        while len(syls) < 4:
            m = _SYL.match(t, p)
            if not m or not is_syllable(m.group(0)) or (not syls and m.group(0) in NOT_NAMES) \
                    or HEADS_RE.match(t, p) or TITLE_START_RE.match(t, p) \
                    or self.in_unit(p):
                break
            syls.append((m.start(), m.end()))
            if m.end() < len(t) and t[m.end()] == " ":
                p = m.end() + 1
            else:
                break
        if len(syls) < 2:
            return None
        return syls[0][0], syls[-1][1]

    def implied(self, posts: list[Post]) -> None:
        for p in posts:
            if p.unit is not None:
                continue
            he = _TITLE_END_HEAD.search(p.title)
            if he is not None:
                # "Phó Chánh Văn phòng - Chủ tịch Công đoàn Văn phòng X": the office is X's
                sib = next((q.unit for q in posts if q.unit and q is not p and q.unit.split(" ", 2)[-1].startswith(
                    he.group(0)) and q.unit.startswith("Công đoàn ")), None)
                if sib is not None:
                    p.unit, p.implied = sib.split(" ", 2)[-1], False
                    p.role = role_slug(p.title, p.unit)
                    continue
            if p.role in ("thu-tuong", "pho-thu-tuong", "pho-thu-tuong-thuong-truc"):
                p.unit = "Chính phủ"
            elif p.role in _CENTRAL_COMMITTEE:
                p.unit = "Ban Chấp hành Trung ương Đảng"
            elif p.role == "uy-vien-bo-chinh-tri":
                p.unit = "Bộ Chính trị"
            elif p.role == "thuong-truc-ban-bi-thu":
                p.unit = "Ban Bí thư"
            elif p.role in _MINISTRY_TITLES:
                p.unit = self.ministry_before(p.start)
            elif p.role in _HOME_TITLES and self.home in ("Văn phòng Chính phủ", "Ủy ban Dân tộc"):
                p.unit = self.home
            elif p.role in ("bi-thu-chi-bo", "pho-bi-thu-chi-bo"):
                sib = next((q.unit for q in posts if q.unit and q is not p and not q.unit.startswith("Chi bộ")), None)
                cells = {u.name for u in self.units if u.name.startswith("Chi bộ")}
                if sib:
                    p.unit = f"Chi bộ {sib}"
                elif len(cells) == 1:
                    p.unit = cells.pop()  # the one cell the article is about
            elif p.role in _COMMITTEE_MEMBER:
                p.unit = self.recent(_COMMITTEE_MEMBER[p.role], p.start) or _COMMITTEE_MEMBER[p.role]


def find_persons(text: str, units: list[UnitMention], home: str | None = None) -> list[PersonMention]:
    """Person mentions of a normalised text, in order."""
    sc = _Scanner(text, units, home)
    out: list[PersonMention] = []
    used: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in used)

    for m in TITLE_RE.finditer(text):
        if not free(m.start(), m.end()) or sc.in_unit(m.start()):
            continue
        start = m.start()
        mod = re.search(r"(?:nguyên|kiêm)\s+$", text[max(0, start - 8):start])
        if mod:
            start -= len(mod.group(0))
        posts, end = sc.chain(start)
        if not posts:
            continue
        is_list = bool(re.search(r"(?:các|Các|\d+)\s+(?:(?:đồng chí|ông, bà|ông|bà)\s+)?$",
                                 text[max(0, start - 16):start])) or text[sc.skip(end):sc.skip(end) + 1] == ":"
        intro = _LIST_INTRO.match(text, end)  # "5 Phó Chủ nhiệm VPCP là các ông, bà: A, B và C"
        if intro:
            is_list, end = True, (intro.end() - 1 if intro.group(0).endswith(":") else intro.end())
        p = sc.skip(end)
        if is_list and p < len(text) and text[p] == ":":
            p = p + 1
            while p < len(text) and text[p] in " \n":
                p += 1  # the names may start on the next line
        names: list[tuple[int, int]] = []
        own_unit: dict[tuple[int, int], str] = {}
        while True:
            nm = sc.name(p)
            if nm is None:
                break
            par = re.compile(r"\s*\(").match(text, nm[1])
            pu = sc.unit_at.get(par.end()) if par else None
            if pu is not None and text[pu.end:pu.end + 1] == ")":
                own_unit[nm] = pu.name
                nm = (nm[0], nm[1])
                names.append(nm)
                after = pu.end + 1
            else:
                names.append(nm)
                after = nm[1]
            if not is_list:
                break
            sep = re.compile(r"\s*(?:[,;]|và|,\s*và)\s+").match(text, after)
            if not sep:
                break
            p = sep.end()
        paired: list[list[Post]] = []
        if is_list and len(names) >= 2:
            pm = _PAIRED.match(text, names[-1][1])
            ptitle = TITLE_RE.match(text, pm.end()) if pm else None
            pun = _PAIRED_UNITS.match(text, ptitle.end()) if ptitle else None
            if ptitle and pun:
                us: list[UnitMention] = []
                qpos = pun.end()
                while (um := sc.unit_at.get(qpos)) is not None:
                    us.append(um)
                    sep2 = re.compile(r"\s*(?:,|;|và|,\s*và)\s+").match(text, um.end)
                    if not sep2:
                        break
                    qpos = sep2.end()
                if len(us) == len(names):
                    title = CANONICAL_TITLE.get(fold(ptitle.group(0)), ptitle.group(0))
                    paired = [[Post(title, role_slug(title, u.name), u.name, False, False, False, ptitle.start(),
                                    u.end)] for u in us]
                    used.append((names[-1][1], us[-1].end))
        for i, (a, b) in enumerate(names):
            more: list[Post] = list(paired[i]) if paired else []
            e2 = b
            sep = re.compile(r"\s*(?:,|-|–|\()\s*|\s+(?:giữ chức|làm|là)\s+(?=\S)").match(text, b)
            if sep and not is_list:
                more, e2 = sc.chain(sep.end(), after_name=True)
                if not more:
                    e2 = b
            allposts = [Post(**vars(x)) for x in posts] + more
            if (a, b) in own_unit:
                for x in allposts[: len(posts)]:
                    x.unit, x.implied = own_unit[(a, b)], False
                    x.role = role_slug(x.title, x.unit)
            sc.implied(allposts)
            hon = HONORIFIC_RE.search(text[max(0, start - 20):start])
            out.append(PersonMention(start if (a, b) == names[0] else a, max(e2, b), text[a:b], a, b, allposts,
                                     hon.group(0).strip() if hon else None))
            used.append((start, max(e2, b)))
    # name first, with an honorific or a title after it
    for m in re.finditer(r"(?<!\w)[^\W\d_]", text):
        if not m.group(0).isupper():
            continue
        nm = sc.name(m.start())
        if nm is None or not free(*nm):
            continue
        a, b = nm
        hon = HONORIFIC_RE.search(text[max(0, a - 20):a])
        first = text[a:b].split()[0]
        sep = re.compile(r"\s*(?:,|-|–|\()\s*|" + _MORE_TITLES + r"|\s+là\s+(?=\S)").match(text, b)
        posts, e = ([], b)
        if sep:
            posts, e = sc.chain(sep.end(), after_name=True)
            if not posts:
                e = b
        if not posts and hon:
            posts = _shared_titles(sc, a, b)
        if not hon and not (posts and first in SURNAMES):
            continue
        sc.implied(posts)
        out.append(PersonMention(a - (len(hon.group(0)) if hon else 0), max(e, b), text[a:b], a, b, posts,
                                 hon.group(0).strip() if hon else None))
        used.append((a, max(e, b)))
    out.sort(key=lambda p: p.start)
    _decided(sc, out)
    return out


_RUN_NEXT = re.compile(r"\s*,\s*(?:ông|bà|đồng chí)\s+")


def _shared_titles(sc: _Scanner, a: int, b: int) -> list[Post]:
    """"ông A, ông B, ông C, Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh X": the titles after the run are each one's."""
    t = sc.text
    hon = HONORIFIC_RE.search(t[max(0, a - 20):a])
    for n in range(8):
        nx = _RUN_NEXT.match(t, b)
        nm = sc.name(nx.end()) if nx else None
        if nx is None or nm is None or hon is None or nx.group(0).strip(" ,").lower() != hon.group(0).strip().lower():
            return []  # "của ông A, đồng chí B, Bí thư ...": not one run
        b = nm[1]
        sep = re.compile(r"\s*,\s*").match(t, b)
        if sep and TITLE_RE.match(t, sep.end()) and n >= 1:  # three names at least: "ông A, ông B" may be two
            posts, _e = sc.chain(sep.end(), after_name=True)
            return [Post(**vars(x)) for x in posts]
    return []


#: A personnel decision naming the post before the person: "phê chuẩn ... chức vụ Phó Chủ tịch UBND tỉnh X ...
#: đối với ông A", "bầu bổ sung Ủy viên UBND tỉnh ... đối với đồng chí A", "phê chuẩn bổ sung 2 Ủy viên UBND tỉnh X
#: là ông A, ... và ông B", "miễn nhiệm chức vụ Chủ tịch UBND tỉnh X của ông A".
_DECISION = re.compile(r"(?:chức vụ|chức danh|(?:phê chuẩn|bầu|miễn nhiệm)(?: bổ sung)?(?: \d+)?)\s+(?=\S)")
_TO_PERSON = re.compile(r"(?:đối với|của|là)\s+(?:các\s+)?(?:ông|bà|đồng chí)\b")


def _decided(sc: _Scanner, persons: list[PersonMention]) -> None:
    t = sc.text
    for m in _DECISION.finditer(t):
        posts, end = sc.chain(m.end())
        if len(posts) != 1 or posts[0].unit is None:
            continue
        stop = re.compile(r"[.!?\n]|" + _DECISION.pattern).search(t, end)
        limit = stop.start() if stop else len(t)
        to = _TO_PERSON.search(t, end, limit)
        if to is None:
            continue
        post = posts[0]
        for p in persons:
            if to.end() <= p.name_start < limit and not any(
                    fold(q.title) == fold(post.title) and q.unit == post.unit for q in p.posts):
                p.posts.append(Post(**{**vars(post), "implied": False}))
