"""Units in an article: known names from the gazetteer, and names built on a head word (DOMAIN.md §2, §5.4).

Head words: Bộ, Vụ, Cục, Tổng cục, Ủy ban, Ban, Sở, Chi bộ, Đảng bộ, Đảng ủy, Khối thi đua, Cụm thi đua,
Hội đồng, Văn phòng, Thanh tra, ... A name runs from its head over capitalised words and the lower-case words
that continue it ("Cục Kiểm soát thủ tục hành chính"), stopping at punctuation, verbs and function words, a new
head, a title or a person's name.  "A, B và C" after a comma joins the name when it reads as one
("Vụ Công tác Quốc hội, Địa phương và Đoàn thể").  The parent comes from "thuộc"/"của", from a following
higher body after a comma ("Vụ Tuyên truyền, Ủy ban Dân tộc"), from a trailing abbreviation
("... khen thưởng VPCP") or, later, from the article's context.  Party cells name their unit
("Chi bộ Vụ I") and coordinated cells are expanded ("Chi bộ các Vụ: Vụ I, Vụ ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.ingest.gazetteer import Gazetteer, UnitEntry, key
from graph.ingest.lexicon import HEAD_TYPES, HEADS_RE, STOP_WORDS, TITLE_START_RE, is_cap, is_name_start, is_syllable

_TOKEN = re.compile(r"[\w&]+(?:\.[\w]+)*|[^\w\s]")
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)$")
_PLACE = {"tỉnh", "thành", "phố", "huyện", "quận", "xã", "phường", "thị"}
#: The level word that ends a provincial body's short name: "UBND tỉnh", "Ủy ban bầu cử tỉnh".
_LEVEL = re.compile(r"(?:tỉnh|Tỉnh|thành phố|huyện|quận|thị xã|xã|phường)(?![\w])")
#: Lower-case words that may open a name right after its head ("Ban quản lý ...", "Cục thống kê").
_LOWER_OPENING = re.compile(r"(?:quản lý|điều phối|thống kê|bầu cử|tư vấn|chỉ huy|đại diện|chỉ đạo|truyền hình|"
                            r"tiếng nói|phát thanh|viên chức)(?!\w)")
#: Capitalised words that open the next clause, not a name's next word: an occasion ("Đảng bộ Văn phòng UBND tỉnh
#: Đại hội lần thứ VIII"), a time of day ("... Trung ương\nSáng 16/8" in a headline joined to the lead).
_OCCASION = re.compile(r"(?:Đại hội|Hội nghị|Hội thảo|Lễ|Phiên họp|Kỳ họp)(?!\w)")
_TIME_START = re.compile(r"(?:Sáng|Chiều|Tối|Trưa|Ngày|Hôm nay|Sáng nay|Chiều nay)\s*(?:ngày\s*)?[(]?\d")
#: Heads whose names take an occasion: "Ban Chỉ đạo Đại hội đại biểu ... lần thứ II", "Ban Tổ chức Hội nghị".
_OCCASION_HEADS = ("Ban Chỉ đạo", "Ban chỉ đạo", "Ban", "Tiểu ban", "Tổ công tác")
#: Heads that are whole names alone ("Phó Bí thư Tỉnh ủy").
_BARE_HEADS = ("Tỉnh ủy", "Thành ủy", "Huyện ủy", "Tỉnh uỷ", "Thành uỷ", "Huyện uỷ")
#: Bodies of a body, written before it: "Văn phòng UBND tỉnh", "Ban Thường vụ Tỉnh ủy", "Thường trực HĐND".
_PREFIX = re.compile(r"(?:Văn phòng|Ban [Tt]hường vụ|BTV|Thường trực|Ban [Tt]ổ chức|Ban Tuyên giáo"
                     r"|Ban Dân vận|Ban Nội chính|Ban Kinh tế|Ban Kiểm tra|Ủy ban Kiểm tra|Uỷ ban Kiểm tra"
                     r"|Ban Chấp hành|Công đoàn)\s+$")
_PREFIXED = ("Tỉnh ủy", "Thành ủy", "Huyện ủy", "Đảng ủy", "Đảng uỷ", "Tỉnh uỷ", "Thành uỷ", "Huyện uỷ", "UBND",
             "HĐND", "Ủy ban nhân dân", "Hội đồng nhân dân", "Đoàn ĐBQH", "Đoàn đại biểu Quốc hội")
#: A title ending in its unit's head word: "Phó Trưởng phòng Chính sách dân tộc" (Phòng Chính sách dân tộc).
_TITLE_HEAD = re.compile(r"(?<!\w)(?:[Pp]hó [Tt]rưởng|[Tt]rưởng|[Pp]hó) (ban|phòng) (?=[A-ZĐ])(?!Thường trực)")
#: Lower-case pairs inside names whose first word alone would end one ("giao" is a verb).
_NAME_PAIRS = frozenset({"giao thông", "giao dịch"})
PARTY_HEADS = ("Chi bộ", "Đảng bộ", "Đảng ủy", "Đảng uỷ")


@dataclass
class UnitMention:
    start: int
    end: int
    name: str
    unit_type: str | None = None
    parent: str | None = None
    parent_explicit: bool = False
    entry: UnitEntry | None = None
    attached_to: str | None = None
    member_of: str | None = None
    level: int = 3

    @property
    def key(self) -> str:
        return key(self.name)


def level_of(name: str, entry: UnitEntry | None) -> int:
    if entry is not None and entry.top_level:
        return 0 if entry.unit_type in ("chinh-phu", "quoc-hoi") else 1
    head = next((h for h in HEAD_TYPES if name.startswith(h)), "")
    if head in ("Bộ", "Ủy ban nhân dân", "UBND", "Tỉnh ủy", "Thành ủy", "Ủy ban"):
        return 1
    if head == "Tổng cục":
        return 2
    if head == "Phòng":
        return 4
    return 3


def _canon(name: str) -> str:
    name = re.sub(r"\s*[-–]\s*", " - ", name.strip(" ,-–"))
    m = re.match(r"(?i)(khối|cụm) thi đua (?:số )?(\d+)$", name)
    if m:
        return f"{m.group(1).capitalize()} thi đua {m.group(2)}"
    name = re.sub(r"^Ban chỉ đạo\b", "Ban Chỉ đạo", name)
    name = re.sub(r"Thi đua, [Kk]hen thưởng", "Thi đua - Khen thưởng", name)
    return re.sub(r"^Uỷ", "Ủy", name)


def _extend(text: str, pos: int, limit: int, head: str) -> int:
    """The end of a name whose head ends at ``pos``."""
    toks = [(m.group(0), m.start() + pos, m.end() + pos) for m in _TOKEN.finditer(text[pos:limit])]
    end, i, lower_run, n, caps_after_place = pos, 0, 0, 0, -99
    no_lower = False  # after an abbreviation ("Bộ GTVT") the name takes no lower-case word
    numbered = head.lower() in ("khối thi đua", "cụm thi đua", "phòng", "khối", "cụm", "ban chỉ đạo")
    if head.lower() in ("khối thi đua", "cụm thi đua") and toks and toks[0][0] == "các":
        me = _members_name(toks)
        return me if me > toks[0][1] else pos
    open_head = head.lower() in ("ban chỉ đạo", "tổ công tác")  # "Ban Chỉ đạo cải cách hành chính"
    while i < len(toks):
        w, s, e = toks[i]
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        if n == 0:
            lv = _LEVEL.match(text, s)
            if lv and (not is_cap(text[lv.end() + 1: lv.end() + 2]) or _OCCASION.match(text, lv.end() + 1)
                       or _TIME_START.match(text, lv.end() + 1)) and head not in ("Bộ", "Ban", "Văn phòng"):
                return lv.end()  # "UBND tỉnh", "HĐND huyện": the body of the province the article is about
            if w in ("Bộ", "Sở") and not is_cap(nxt) and head in ("Văn phòng", "Thanh tra", "Ban Tuyên giáo",
                                                                   "Ban Tổ chức", "Ban Kiểm tra", "Ban"):
                return e  # "Văn phòng Bộ", "Thanh tra Sở": of the ministry or department the article is about
            lo = _LOWER_OPENING.match(text, s)
            if lo:
                end, n, lower_run = lo.end(), 1, 1
                while i < len(toks) and toks[i][2] <= lo.end():
                    i += 1
                continue
            if w == "số" and numbered and nxt.isdigit():
                end, i, n = toks[i + 1][2], i + 2, 1
                break
            if w.isdigit() and numbered:
                end, n = e, 1
                if head.lower() == "ban chỉ đạo" and not re.match(r"\s*(?:Chính phủ|Quốc hội)(?!\w)", text[e:]):
                    i += 1
                    continue  # "Ban Chỉ đạo 389 Quốc gia"; "Ban Chỉ đạo 138 Chính phủ" is owned by the Government
                break
            if w in _PLACE and (is_cap(nxt) or nxt in _PLACE) and head in ("UBND", "HĐND", "Ủy ban nhân dân",
                                                                           "Uỷ ban nhân dân", "Hội đồng nhân dân"):
                i, caps_after_place = i + 1, 0
                continue
            if open_head and w.islower() and w.isalpha() and w not in STOP_WORDS and f"{w} {nxt}" not in STOP_WORDS:
                end, n, i, lower_run = e, 1, i + 1, 1
                continue
            if w == "khối" and numbered and nxt.isdigit():
                end, i, n = toks[i + 1][2], i + 2, 1
                break  # "Cụm thi đua khối 33"
            if is_name_start(toks, i) and i + 2 < len(toks) and all(
                    is_cap(x[0]) and is_syllable(x[0]) for x in toks[i + 1:i + 3]) and not (
                    i + 3 < len(toks) and is_cap(toks[i + 3][0])):
                return pos  # "Bí thư Tỉnh ủy Đặng Xuân Phong", "Phó Giám đốc Sở Lưu Tấn Lại": a person after a head
            if not (is_cap(w) or _ROMAN.match(w)) or HEADS_RE.match(text, s) or TITLE_START_RE.match(text, s) \
                    or _TIME_START.match(text, s) or (_OCCASION.match(text, s) and head not in _OCCASION_HEADS):
                return pos
            no_lower = bool(re.fullmatch(r"[A-ZĐ][A-ZĐ&]+\d*", w)) and head in ("Bộ", "Sở", "Cục", "Tổng cục")
            end, n, i = e, 1, i + 1
            caps_after_place += 1
            continue
        if _ROMAN.match(w) and n == 1:
            end, i = e, i + 1
            continue
        if is_cap(w) and (_TIME_START.match(text, s) or (_OCCASION.match(text, s) and head not in _OCCASION_HEADS)):
            break
        if re.fullmatch(r"(?i:covid|sars)", w) and re.match(r"\s*-\s*\d+", text[e:]):
            dash = re.match(r"\s*-\s*\d+", text[e:])
            end, n, lower_run = e + (dash.end() if dash else 0), n + 1, 0
            while i < len(toks) and toks[i][1] < end:
                i += 1
            continue  # "Ban Chỉ đạo Quốc gia phòng, chống dịch COVID-19"
        if is_cap(w):
            if HEADS_RE.match(text, s) or TITLE_START_RE.match(text, s) or (
                    (lower_run or caps_after_place >= 2 or n >= 2) and is_name_start(toks, i)
                    and " ".join(x[0] for x in toks[i:i + 3]) != "Hồ Chí Minh"):
                break  # "Bộ Công Thương Đỗ Thắng Hải": the name after the unit is a person's
            caps_after_place += 1
            if re.fullmatch(r"[A-ZĐ]{2,}\d*", w):
                break  # a trailing abbreviation names the parent
            end, lower_run, n, i = e, 0, n + 1, i + 1
            continue
        if w == "," and ((nxt == "chống" and toks[i - 1][0] == "phòng")
                         or (nxt.lower() == "khen" and toks[i - 1][0] == "đua")):
            i += 1  # "Ban Chỉ đạo Quốc gia phòng, chống dịch COVID-19"
            continue
        if w in ("-", "–") and i + 1 < len(toks) and (is_cap(nxt) or (
                nxt.islower() and nxt.isalpha() and nxt not in STOP_WORDS)) \
                and not HEADS_RE.match(text, toks[i + 1][1]) and not TITLE_START_RE.match(text, toks[i + 1][1]):
            i += 1
            continue
        if w.islower() and w.isalpha():
            if no_lower or (w in ("khóa", "khoá") and i + 1 < len(toks) and _ROMAN.match(nxt)):
                break  # "Ban Tổ chức Trung ương khóa XII": the term is not part of the name
            if w == "mới" and i >= 2 and f"{toks[i - 2][0]} {toks[i - 1][0]}".lower() == "nông thôn":
                end, n, i = e, n + 1, i + 1
                continue  # "Văn phòng Điều phối Nông thôn mới"
            if w in _PLACE and i + 1 < len(toks) and (is_cap(nxt) or nxt in _PLACE):
                i, caps_after_place = i + 1, 0
                continue
            if w == "và":
                if i + 1 < len(toks) and (is_cap(nxt) or (nxt.islower() and nxt not in STOP_WORDS)) \
                        and not HEADS_RE.match(text, toks[i + 1][1]) and nxt not in ("các", "những"):
                    i += 1
                    continue
                break
            if f"{w} {nxt}" in _NAME_PAIRS:
                end, lower_run, n, i = toks[i + 1][2], lower_run + 2, n + 2, i + 2
                continue  # "Ủy ban An toàn giao thông Quốc gia", "Cục Cảnh sát giao thông"
            if w in STOP_WORDS or f"{w} {nxt}" in STOP_WORDS or lower_run >= 9:
                break
            end, lower_run, n, i = e, lower_run + 1, n + 1, i + 1
            continue
        break
    return end if n else pos


def _members_name(toks: list[tuple[str, int, int]]) -> int:
    """The end of "các tỉnh Tây Nguyên", "các Vụ tổng hợp", "các cơ quan Đảng" after "Khối/Cụm thi đua"."""
    end, n = toks[0][2], 0
    for k in range(1, min(len(toks), 10)):
        w, _, e = toks[k]
        nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
        if not w[0].isalpha() or (w.islower() and (w in STOP_WORDS or f"{w} {nxt}" in STOP_WORDS)) \
                or w in ("Khối", "Cụm"):
            break
        end, n = e, n + 1
        if nxt == ":":
            return toks[0][1]  # "Khối thi đua các Vụ: A, B" lists members, it is no name
    if n < 2:
        return toks[0][1]  # "Khối thi đua các Vụ" alone is no name
    return end if n else toks[0][1]


def _comma_join(text: str, end: int, limit: int) -> int:
    """Extend over ", B và C" when the words read as one name ("Bộ Văn hóa, Thể thao và Du lịch")."""
    m = re.match(r",\s+", text[end:limit])
    if not m:
        return end
    start = end + m.end()
    if HEADS_RE.match(text, start) or TITLE_START_RE.match(text, start):
        return end
    words = [(w.group(0), start + w.start(), start + w.end())
             for w in re.finditer(r"[^\s,.;:()\"“”]+", text[start:limit])]
    stop = re.search(r"[,.;:()\"“”]", text[start:limit])
    cut = start + stop.start() if stop else limit
    words = [w for w in words if w[2] <= cut]
    if not words or not is_cap(words[0][0]):
        return end
    seen_va, last, lower_run = False, end, 0
    for k, (w, _, e) in enumerate(words):
        nxt = words[k + 1][0] if k + 1 < len(words) else ""
        if w == "và":
            if seen_va or not is_cap(nxt):
                break
            seen_va = True
            continue
        if is_cap(w):
            if k and (HEADS_RE.match(text, words[k][1]) or TITLE_START_RE.match(text, words[k][1])):
                break
            lower_run, last = 0, e
            continue
        if w in STOP_WORDS or f"{w} {nxt}" in STOP_WORDS or lower_run >= 2:
            break
        lower_run, last = lower_run + 1, e
    return last if seen_va and last > end else end


def find_units(text: str, gaz: Gazetteer) -> list[UnitMention]:
    """Unit mentions of a normalised text, in order, not overlapping."""
    cands: list[UnitMention] = []
    for s, e, entries in gaz.find(text):
        entry = entries[0]
        name = entry.name if entry.top_level else _canon(text[s:e])
        cands.append(UnitMention(s, e, name, entry.unit_type, entry.parent if entry.top_level else None, False,
                                 entry))
    for m in HEADS_RE.finditer(text):
        s, head = m.start(), m.group(0)
        if head in PARTY_HEADS or head == "Đảng uỷ":
            continue
        limit = _line_end(text, s)
        e = _extend(text, m.end(), limit, head)
        if e == m.end() and not (head in _BARE_HEADS and not re.match(r" viên\b", text[e:e + 5])) and not (
                head in ("UBND", "HĐND", "Đoàn ĐBQH") and re.match(r"\s*(?:[,.;:)]|và\s)", text[e:e + 5])):
            continue
        e = _comma_join(text, e, limit)
        if head in _OCCASION_HEADS and _OCCASION.search(text, m.end(), e):
            more = re.compile(r"[^,.;:()\n]{0,80}?\blần thứ (?:[IVXL]+|\d+)(?!\w)").match(text, e)
            e = more.end() if more else e  # "Ban Chỉ đạo Đại hội đại biểu toàn quốc các dân tộc ... lần thứ II"
        name = _canon(text[s:e])
        found = [f for f in gaz.lookup(name) if f.top_level]
        cands.append(UnitMention(s, e, found[0].name if found else name, HEAD_TYPES.get(head.replace("Uỷ", "Ủy")),
                                 found[0].parent if found else None, False, found[0] if found else None))
    for m in _TITLE_HEAD.finditer(text):
        head = m.group(1).capitalize()
        e = _extend(text, m.end(1), _line_end(text, m.start(1)), head)
        if e > m.end(1):
            cands.append(UnitMention(m.start(1), e, _canon(head + text[m.end(1):e]), HEAD_TYPES.get(head)))
    # longest first; at equal spans the known entry; a known name is not stretched over lower-case words
    known = {u.start: u for u in cands if u.entry is not None}
    for u in cands:
        k = known.get(u.start)
        if k is not None and u.entry is None and u.end > k.end and not re.match(
                r"\s*(?:,\s*)?(?:tỉnh|thành phố|huyện|xã|[A-ZĐ])", text[k.end:u.end]):
            u.end = -1
    cands = [u for u in cands if u.end > 0]
    cands.sort(key=lambda u: (u.start, -(u.end - u.start), u.entry is None))
    out: list[UnitMention] = []
    for u in cands:
        if out and u.start < out[-1].end:
            continue
        out.append(u)
    out.sort(key=lambda u: u.start)
    out = _party(text, out)
    out = _prefixed(text, out)
    out = _party(text, out)  # "Đảng bộ Văn phòng UBND tỉnh": a cell of a prefixed body
    out = _union(text, out)
    for u in out:
        u.level = level_of(u.name, u.entry)
    _parents(text, out, gaz)
    _blocks(text, out)
    return out


def _line_end(text: str, s: int) -> int:
    e = text.find("\n", s)
    return len(text) if e < 0 else e


def _party(text: str, units: list[UnitMention]) -> list[UnitMention]:
    """Party cells: "Chi bộ <unit>", and "Chi bộ các Vụ: <unit>, <unit>" expanded."""
    out = list(units)
    for m in re.finditer(r"(?:Ban Chấp hành |BCH )?Đảng bộ (?:tỉnh|thành phố)((?: [A-ZĐ][^\W\d_]*)*)(?![\w])", text):
        if not m.group(1).strip() and not m.group(0).startswith(("Ban", "BCH")):
            continue  # "toàn Đảng bộ tỉnh": no name
        e = m.start() + len(m.group(0).rstrip())
        if any(u.start < m.start() < u.end for u in out):
            continue
        out = [u for u in out if not (m.start() <= u.start < e)]
        out.append(UnitMention(m.start(), e, _canon(m.group(0)), "dang-bo"))
    for m in re.finditer(r"(Đảng (?:ủy|uỷ|bộ)) ([Kk]hối (?:các )?[Cc]ơ quan(?: và [Dd]oanh nghiệp| Đảng)?"
                         r"(?: (?:tỉnh|thành phố|Trung ương)(?: [A-ZĐ]\w*)*)?)(?!\w)", text):
        head = "Đảng ủy" if m.group(1) != "Đảng bộ" else "Đảng bộ"  # "Đảng ủy khối các Cơ quan tỉnh"
        out = [u for u in out if not (m.start() <= u.start < m.end())]
        out.append(UnitMention(m.start(), m.end(), f"{head} {m.group(2)}", "dang-bo"))
    for m in re.finditer(r"(Chi bộ|Đảng bộ|Đảng (?:ủy|uỷ))\s+(các\s+\w+\s*:?\s*)?", text):
        head = "Đảng ủy" if m.group(1).startswith("Đảng u") or m.group(1).startswith("Đảng ủ") else m.group(1)
        if any(u.start == m.start() and u.name.startswith(head) for u in units):
            continue
        following = [u for u in units if u.start >= m.end()]
        bare = re.compile(r"(Bộ|Sở)(?![\w ]*[A-ZĐ])").match(text, m.end()) if not m.group(2) else None
        if bare and (not following or following[0].start != m.end()):
            # "Đảng ủy Bộ", "Đảng ủy Sở": the committee of the ministry or department the article is about
            out.append(UnitMention(m.start(), bare.end(), f"{head} {bare.group(1)}", "dang-bo"))
            continue
        if not following or following[0].start != m.end():
            continue
        targets = [following[0]]
        if m.group(2):
            k = 1
            while k < len(following):
                gap = text[targets[-1].end: following[k].start]
                if not re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", gap):
                    break
                targets.append(following[k])
                k += 1
        for t in targets:
            start = m.start() if t is targets[0] else t.start
            out.append(UnitMention(start, t.end, f"{head} {t.name}", "chi-bo" if head == "Chi bộ" else "dang-bo",
                                   None, False, None, attached_to=t.name))
    out.sort(key=lambda u: (u.start, -(u.end - u.start)))
    return out


def _prefixed(text: str, units: list[UnitMention]) -> list[UnitMention]:
    """"Văn phòng UBND tỉnh", "Ban Thường vụ Tỉnh ủy", "Thường trực HĐND": a body of the body named after it.

    "Văn phòng Đoàn ĐBQH và HĐND tỉnh" is one office of two bodies."""
    out = list(units)
    for u in units:
        if not u.name.startswith(_PREFIXED) or (u.attached_to is not None and not u.name.startswith("Đảng")):
            continue
        m = _PREFIX.search(text, max(0, u.start - 30), u.start)
        if not m or any(v.start < m.start() < v.end for v in units):
            continue
        if m.group(0).startswith("Thường trực") and re.search(r"(?i:bí thư|chủ tịch)\s+$", text[:m.start()]):
            continue  # "Phó Bí thư Thường trực Tỉnh ủy": part of the title
        end, name = u.end, u.name
        if m.group(0).startswith("Văn phòng"):
            both = re.compile(r" và ").match(text, u.end)
            v = next((x for x in units if both and x.start == both.end() and x.name.startswith(_PREFIXED)), None)
            if v is not None:
                end, name = v.end, f"{u.name} và {v.name}"
                out = [x for x in out if x is not v]
        out = [x for x in out if not (x is u or (x.start == m.start() and x.end <= u.start))]
        head = m.group(0).strip()
        out.append(UnitMention(m.start(), end, f"{head} {name}", HEAD_TYPES.get(head.split()[0]), u.name, True,
                               level=3))
    out.sort(key=lambda x: (x.start, -(x.end - x.start)))
    return out


def _union(text: str, units: list[UnitMention]) -> list[UnitMention]:
    """"Công đoàn Văn phòng UBND tỉnh": the trade union of the unit named after it (the unit is named too)."""
    out = list(units)
    for m in re.finditer(r"Công đoàn\s+", text):
        t = next((u for u in units if u.start == m.end()), None)
        if t is None or any(u.start == m.start() for u in units):
            continue
        out.append(UnitMention(m.start(), t.end, f"Công đoàn {t.name}", None, None, False, None,
                               attached_to=t.name))
    out.sort(key=lambda x: (x.start, -(x.end - x.start)))
    return out


def _parents(text: str, units: list[UnitMention], gaz: Gazetteer) -> None:
    for i, u in enumerate(units):
        if u.parent_explicit:
            continue
        rest = text[u.end: u.end + 40]
        abbr = re.match(r"\s+([A-ZĐ]{2,}\d*)\b", rest)
        if abbr and u.entry is None and u.attached_to is None:
            found = gaz.lookup(abbr.group(1))
            if found and found[0].top_level:
                u.parent, u.parent_explicit = found[0].name, True
                continue
        nxt = next((v for v in units[i + 1:] if v.start >= u.end and v.attached_to is None), None)
        if nxt is None:
            continue
        gap = text[u.end: nxt.start]
        if re.fullmatch(r"\s+(?:trực thuộc|thuộc|của)\s+", gap) and (nxt.level < u.level or u.unit_type in (
                "khoi-thi-dua", "cum-thi-dua", "hoi-dong")):
            u.parent, u.parent_explicit = nxt.name, True
        elif gap in (" ", "/") and nxt.entry is not None and nxt.entry.top_level and u.unit_type in (
                "khoi-thi-dua", "cum-thi-dua", "hoi-dong", "ban-chi-dao") and u.entry is None:
            u.parent, u.parent_explicit = nxt.name, True
        elif re.fullmatch(r"\s*,\s*", gap) and nxt.level < u.level and u.level >= 2 and u.attached_to is None:
            u.parent, u.parent_explicit = nxt.name, True


def _blocks(text: str, units: list[UnitMention]) -> None:
    """Members listed after a block: "Khối thi đua 3 của VPCP gồm: A, B, C"."""
    for i, u in enumerate(units):
        if u.unit_type not in ("khoi-thi-dua", "cum-thi-dua"):
            continue
        m = re.compile(r"[^.\n:]{0,60}?\s(?:gồm|gồm có|bao gồm)\s*:?\s*").match(text, u.end)
        if not m:
            continue
        pos = m.end()
        for v in units[i + 1:]:
            if v.start < pos:
                continue
            if v.start != pos:
                break
            v.member_of = u.name
            if not v.parent_explicit and u.parent:
                v.parent = u.parent
            sep = re.compile(r"\s*(?:,|và|;)\s*").match(text, v.end)
            if not sep:
                break
            pos = sep.end()
