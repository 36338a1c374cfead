"""Document references in an article (DOMAIN.md §1.6).

- full: ``Công điện số 280/CĐ-TTg ngày 19/4/2023 ... về <subject>``;
- coordinated: ``các Công điện số 280/CĐ-TTg ngày 19/4/2023 và số 365/CĐ-TTg ngày 4/5/2023 về ...``, each
  document sharing the type and subject;
- a symbol alone (``theo 1719/QĐ-TTg``);
- bare numbers ``Quyết định số 12``, ``Nghị định 79`` and short forms ``Nghị định số 369/2025``: kept as written
  (``number``, ``symbol`` null), never completed;
- unnumbered by description, a capitalised type word owned by a body: ``Kế hoạch của VPCP về ...``,
  ``Chương trình công tác năm 2023 của VPCP``, ``Quy chế làm việc của VPCP``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from graph.ingest.dates import parse_dates
from graph.ingest.symbols import ISSUERS, PARTY_TYPE_OF, SHORT_RE, TYPE_WORDS, Symbol, find_symbols, parse_symbol
from graph.ingest.units import UnitMention

_TYPE_ALT = "|".join(re.escape(w) for w in sorted(TYPE_WORDS, key=len, reverse=True))
_TYPE_RE = re.compile(rf"(?<!\w)(?:các\s+)?(?P<type>{_TYPE_ALT})(?!\w)", re.I)
_NUM_AFTER = re.compile(r"\s+(?:số\s+)?(?P<num>\d{1,5})(?![\d/\-.]\w)(?!\w)")
_SUBJECT = re.compile(r"\s+về\s+(?:việc\s+)?(?P<subj>[^.;:()\n\"“”]{3,160}?)(?=[.;:()\n\"“”]|,\s|\s-\s|$)")
_UNNUMBERED = ("Kế hoạch", "Chương trình công tác", "Chương trình hành động", "Quy chế làm việc", "Quy chế",
               "Đề án", "Chiến lược", "Chương trình", "Báo cáo")
#: An issuer that is a Party body: a type word it issues is the Party type (DOMAIN.md §1.1).
_PARTY_BODY = re.compile(r"(?:Ban Chấp hành (?:Trung ương|Đảng bộ)|Trung ương Đảng|Bộ Chính trị|Ban Bí thư|"
                         r"Ban Thường vụ|Ban Cán sự [đĐ]ảng|Đảng đoàn|Đảng ủy|Đảng uỷ|"
                         r"(?:Tỉnh|Thành|Huyện|Quận|Thị) (?:ủy|uỷ))", re.I)
#: A letterhead: ``Số: 6869/VPCP-KGVX | Hà Nội, ngày 25 tháng 9 năm 2021`` (same or next line).
_LETTERHEAD_DATE = re.compile(r"[^\n]{0,60}?(?:\n[^\n]{0,60}?)?,\s*(?=ngày\s+\d)")
_YEAR = re.compile(r"năm\s+((?:19|20)\d{2})")


@dataclass
class DocumentMention:
    start: int
    end: int
    symbol: str | None
    number: str | None
    type: str | None  # concept slug in scheme document-type
    issuer: str | None  # issuer code or name
    year: int | None  # the year in the symbol, else of the date
    date: str | None  # ISO
    normative: bool = False
    subject: str | None = None
    title: str | None = None  # unnumbered documents: the words that name them
    number_as_written: str | None = None
    parsed: Symbol | None = None

    @property
    def key(self) -> tuple[str, str]:
        if self.symbol:
            return ("symbol", f"{self.symbol}|{self.year or ''}")
        if self.number_as_written:
            return ("number", f"{self.type}|{self.number_as_written}")
        return ("title", f"{self.type}|{self.issuer}|{self.year or ''}")


def _date_after(text: str, pos: int, published: date | None) -> tuple[str | None, int]:
    """The document's own date right after it: ``ngày 19/4/2023``, ``(ngày 16-7-2021)``."""
    m = re.compile(r"\s*(?P<par>\(\s*)?,?\s*(?:ban hành\s+|ký\s+)?ngày\s+").match(text, pos)
    if not m:
        return None, pos
    ds = parse_dates(text[m.start(): m.end() + 30], published)
    if ds and ds[0].start <= m.end() - m.start() + 1 and ds[0].kind == "date":
        end = m.start() + ds[0].end
        if m.group("par"):
            close = re.compile(r"\s*\)").match(text, end)
            if close is None:
                return None, pos
            end = close.end()
        return ds[0].value, end
    return None, pos


def _letterhead_date(text: str, start: int, end: int, published: date | None) -> str | None:
    """The header date of a letterhead whose ``Số:`` line carries the symbol at ``start``."""
    if start < 0:
        return None
    lead = re.search(r"Số\s*:?\s*$", text[max(0, start - 12):start])
    if lead is None:
        return None
    before = text[:max(0, start - 12) + lead.start()].rstrip(" \t")
    # the "Số:" line opens a line, follows a "|", or follows the capitals of a letterhead joined to it
    if (before[-1:] not in ("", "\n", "|") and not re.search(r"(?:[A-ZĐ]{2,}(?: [A-ZĐ]+)*|Hạnh phúc|-{3,})$", before)):
        return None
    m = _LETTERHEAD_DATE.match(text, end)
    if not m:
        return None
    ds = parse_dates(text[m.end(): m.end() + 40], published)
    if ds and ds[0].start == 0 and ds[0].kind == "date" and ds[0].value[0] != "-":
        return ds[0].value
    return None


def _issuer_after(text: str, pos: int, units: list[UnitMention]) -> tuple[str | None, int]:
    m = re.compile(r"\s+của\s+").match(text, pos)
    if m:
        u = next((u for u in units if u.start == m.end()), None)
        if u is not None:
            return u.name, u.end
        tt = re.compile(r"Thủ tướng Chính phủ|Thủ tướng|Bộ Chính trị|Ban Bí thư|Trung ương Đảng"
                        r"|Trung ương(?=\s+(?:khóa|khoá)\b)").match(text, m.end())
        if tt:
            name = {"Thủ tướng": "Thủ tướng Chính phủ", "Trung ương": "Ban Chấp hành Trung ương Đảng",
                    "Trung ương Đảng": "Ban Chấp hành Trung ương Đảng"}.get(tt.group(0), tt.group(0))
            return name, tt.end()
    return None, pos


def find_documents(text: str, units: list[UnitMention], published: date | None = None) -> list[DocumentMention]:
    out: list[DocumentMention] = []
    syms = find_symbols(text)
    used: set[int] = set()
    for m in _TYPE_RE.finditer(text):
        tword = m.group("type")
        if not tword[0].isupper():
            continue
        tslug = TYPE_WORDS.get(tword) or TYPE_WORDS.get(tword[0].upper() + tword[1:].lower())
        pos = m.end()
        group: list[DocumentMention] = []
        while True:
            sm = re.compile(r"\s*(?:số\s*)?").match(text, pos)
            p = sm.end() if sm else pos
            hit = next(((s, e, sym) for s, e, sym in syms if s == p), None)
            if hit is not None:
                s, e, sym = hit
                used.add(s)
                t = sym.type_slug
                if sym.type_slug in ("nghi-quyet-quoc-hoi", None) and tslug == "luat":
                    t = "luat"
                elif t is None or (t == "cong-van" and tslug not in ("cong-van",)):
                    t = tslug if t is None else t
                d = DocumentMention(m.start() if not group else s, e, sym.symbol, sym.number, t, sym.issuer,
                                    sym.year, None, sym.normative, parsed=sym)
            else:
                sh = SHORT_RE.match(text, p)
                num = _NUM_AFTER.match(text, pos) if sh is None else None
                if sh is not None:
                    d = DocumentMention(m.start(), sh.end(), None, sh.group("num"), tslug, None,
                                        int(sh.group("year")), None, number_as_written=sh.group(0))
                elif num is not None and not ((len(num.group("num")) == 4 or tslug == "du-an")
                                              and "số" not in num.group(0)):
                    d = DocumentMention(m.start(), num.end(), None, num.group("num"), tslug, None, None, None,
                                        number_as_written=num.group("num"))
                else:
                    break
            dv, e2 = _date_after(text, d.end, published)
            if dv:
                d.date, d.end = dv, e2
                if d.year is None:
                    d.year = int(dv[:4]) if dv[0] != "-" else None
            group.append(d)
            pos = d.end
            nxt = re.compile(r"\s*(?:,|và|,\s*và)\s+(?=(?:số\s+)?\d)").match(text, pos)
            if not nxt:
                break
            pos = nxt.end()
        if not group:
            if tword in _UNNUMBERED and m.start() > 0 and text[m.start() - 1] != "\n":
                d2 = _unnumbered(text, m, tslug, units)
                if d2 is not None:
                    out.append(d2)
            continue
        issuer, e3 = _issuer_after(text, group[-1].end, units)
        subj = _SUBJECT.match(text, e3)
        party = bool(issuer and _PARTY_BODY.match(issuer))
        for d in group:
            if issuer and d.issuer is None:
                d.issuer = issuer
                if party and d.symbol is None and d.type in PARTY_TYPE_OF:
                    d.type = PARTY_TYPE_OF[d.type]
            if subj:
                d.subject = subj.group("subj").strip()
        out.extend(group)
    for d in out:
        if d.symbol and d.date is None:
            d.date = _letterhead_date(text, text.find(d.symbol, d.start), d.end, published)
            if d.date and d.year is None:
                d.year = int(d.date[:4])
    for s, e, sym in syms:
        if s in used:
            continue
        dv, e2 = _date_after(text, e, published)
        dv = dv or _letterhead_date(text, s, e, published)
        out.append(DocumentMention(s, e2 if dv else e, sym.symbol, sym.number, sym.type_slug, sym.issuer,
                                   sym.year if sym.year else (int(dv[:4]) if dv and dv[0] != "-" else None), dv,
                                   sym.normative, parsed=sym))
    out.sort(key=lambda d: d.start)
    _signed_on(text, out, published)
    _share_dates(out)
    return [d for d in out if not _restated(text, d, out)]


#: "Ngày 31/10, ... ký ban hành Kết luận ... (Kết luận số 201-KL/TW)": signed on the sentence's date.
_SIGNED = re.compile(r"\bký(?:\s+ban hành)?\b(?!\s+kết)")


def _signed_on(text: str, docs: list[DocumentMention], published: date | None) -> None:
    """A document signed in a sentence that opens with its date takes that date (and its year)."""
    for d in docs:
        if not d.symbol or d.date is not None or d.year is not None:
            continue
        s0 = max(text.rfind(".", 0, d.start), text.rfind("\n", 0, d.start)) + 1
        head = text[s0:d.start]
        ds = parse_dates(head, published)
        if not ds or ds[0].kind != "date" or ds[0].value[0] == "-" or head[:ds[0].start].strip(" ,") not in (
                "", "Ngày", "Hôm nay", "Sáng", "Chiều", "Tối", "Sáng nay", "Chiều nay"):
            continue
        if _SIGNED.search(head, ds[0].end):
            d.date, d.year = ds[0].value, int(ds[0].value[:4])


def _share_dates(docs: list[DocumentMention]) -> None:
    """Mentions of one symbol share the one date written with any of them ("Kết luận số 210-KL/TW ngày ...")."""
    by: dict[str, list[DocumentMention]] = {}
    for d in docs:
        if d.symbol and d.parsed is not None and not d.parsed.year:
            by.setdefault(d.symbol, []).append(d)
    for same in by.values():
        dated = {d.date for d in same if d.date and d.date[0] != "-"}
        if len(dated) != 1:
            continue
        dv = dated.pop()
        for d in same:
            d.date = d.date or dv
            d.year = d.year or int(dv[:4])


def _restated(text: str, d: DocumentMention, docs: list[DocumentMention]) -> bool:
    """"Báo cáo của Ban Tổ chức Trung ương ... (Báo cáo số 520-BC/BTCTW)": the unnumbered mention is the
    numbered one of the same type that follows in the same sentence."""
    if d.title is None or d.symbol:
        return False
    for o in docs:
        if o.symbol and o.type == d.type and d.end <= o.start and not re.search(r"[.;\n]", text[d.end:o.start]) \
                and o.start - d.end <= 300:
            return True
    return False


def _unnumbered(text: str, m: re.Match[str], tslug: str | None, units: list[UnitMention]) -> DocumentMention | None:
    """``Kế hoạch của VPCP về ... năm 2023``: a type word owned by a body, within one clause."""
    clause_end = re.compile(r"[^.;\n]{0,200}").match(text, m.end())
    end_limit = clause_end.end() if clause_end else m.end()
    window = text[m.end(): end_limit]
    own = re.search(r"\bcủa\s+", window)
    if not own:
        return None
    if re.search(r"[,]", window[: own.start()]):
        return None
    owner = next((u for u in units if u.start == m.end() + own.end()), None)
    if owner is None:
        return None
    end = owner.end
    subj = _SUBJECT.match(text, end)
    if subj:
        end = subj.end("subj")
    title = text[m.start(): end].strip()
    title = re.sub(r"^các\s+", "", title)
    year = _YEAR.search(text[m.start(): end])
    return DocumentMention(m.start(), end, None, None, tslug, owner.name, int(year.group(1)) if year else None, None,
                           subject=subj.group("subj").strip() if subj else None, title=title)


def issuer_name(code_or_name: str | None) -> str | None:
    if code_or_name is None:
        return None
    return ISSUERS.get(code_or_name.split("-")[0], code_or_name)


__all__ = ["DocumentMention", "find_documents", "issuer_name", "parse_symbol"]
