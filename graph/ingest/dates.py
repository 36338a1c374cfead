"""Dates as Vietnamese news writes them (DOMAIN.md §1.4), always day first.

Forms: ``ngày 19/4/2023``, ``ngày 4/5/2023`` (4 May), ``ngày 22 tháng 8 năm 2021``, ``Ngày 18/7`` (no year),
``Ngày 24-2``, ``Ngày 27.8``, ``28.8.1945``, ``Sáng ngày 06/10``, ``Chiều 28/7``, ``từ 1/1``, ``tháng 2/2025``
(a month), ``09 Tháng Tư 2019`` (month word), ranges ``từ ngày 21/9/2023 đến ngày 27/9/2023``, ``(06 - 07/12)``,
``17-20/10``, anniversary pairs ``(11/6/1948 - 11/6/2023)``, party style ``ngày 01-10-1997``.

A date written without a year takes the year of the publication date and is marked ``inferred``; when its
day and month fall after the publication date the previous year is meant, unless the words around it speak of
the future ("sẽ", "dự kiến", "sắp").  Without a publication date a year-less date is kept as ``--MM-DD``.
A number pair without a year counts as a date only after a cue (``ngày``, ``sáng``, ``chiều``, ``từ``, ...),
inside parentheses or as part of a range, so fractions and scores are not taken for dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH_WORDS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
    "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}
_MW = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
_B = r"(?<![\w/.\-])"  # no digit, letter, slash, dot or hyphen just before
_E = r"(?![\w]|[/.\-]\d)"  # nor after

_WORD_DATE = re.compile(
    rf"{_B}(?:(?P<ngay>ngày)\s+)?(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}}){_E}"
    rf"(?:\s*,?\s*năm\s+(?P<y>\d{{4}}){_E})?", re.I)
_WORD_MONTH = re.compile(
    rf"{_B}(?P<d>\d{{1,2}})\s+tháng\s+(?P<mw>{_MW})\s*,?\s*(?:năm\s+)?(?P<y>\d{{4}}){_E}", re.I)
_NUM_Y = re.compile(rf"{_B}(?P<d>\d{{1,2}})(?P<s>[/.\-])(?P<m>\d{{1,2}})(?P=s)(?P<y>\d{{4}}){_E}")
_NUM = re.compile(rf"{_B}(?P<d>\d{{1,2}})(?P<s>[/.\-])(?P<m>\d{{1,2}}){_E}")
#: "Ngày 19 - 12": day and month spaced around the dash, only right after "ngày".
_NUM_SPACED = re.compile(rf"(?<=ngày )(?P<d>\d{{1,2}})\s+[-–]\s+(?P<m>\d{{1,2}}){_E}(?!\s*[-–/.]\s*\d)", re.I)
_DAY_RANGE = re.compile(
    rf"{_B}(?P<d1>\d{{1,2}})\s*(?:[-–]|\s(?:và|đến)\s)\s*(?P<d2>\d{{1,2}})(?P<s>[/.\-])(?P<m>\d{{1,2}})(?:(?P=s)(?P<y>\d{{4}}))?{_E}")
_MONTH = re.compile(rf"\btháng\s+(?P<m>\d{{1,2}})(?:[/.\-]|\s+năm\s+)(?P<y>\d{{4}}){_E}", re.I)
_CUE = re.compile(
    r"(?:ngày|sáng|chiều|tối|trưa|đêm|từ|đến|tới|hôm|hạn|trước|sau|nay|thứ\s+\w+|chủ\s+nhật)\s*(?:ngày)?\s*[,:]?\s*$"
    r"|\(\s*$", re.I)
_FUTURE = re.compile(r"\b(?:sẽ|dự kiến|sắp|tới đây|kế hoạch tổ chức)\b", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:[-–—]|đến|tới|cho đến)\s*(?:ngày\s+)?$", re.I)
#: The hyphen of an anniversary pair written without spaces, read as a range dash.
_PAIR_DASH = re.compile(r"(?<=\d{4})-(?=\d{1,2}[/.]\d{1,2}[/.]\d{4})")
_FROM = re.compile(r"(?:từ|trong|giai đoạn)\s*(?:ngày\s*)?$", re.I)


@dataclass(frozen=True)
class DateMention:
    """One date (or range, month, anniversary pair) found in a text; offsets into that text."""

    start: int
    end: int
    value: str  # ISO date, ISO year-month for a month, or --MM-DD when no year is known
    until: str | None = None  # end of a range; the anniversary date of an anniversary pair
    inferred: bool = False  # the year was taken from the publication date
    kind: str = "date"  # date | month | range | anniversary

    def as_date(self) -> date | None:
        try:
            return date.fromisoformat(self.value)
        except ValueError:
            return None


@dataclass
class _Atom:
    start: int
    end: int
    d: int
    m: int
    y: int | None
    month_only: bool = False


def _valid(d: int, m: int, y: int | None) -> bool:
    try:
        date(y if y is not None else 2000, m, d)
    except ValueError:
        return False
    return y is None or 1800 <= y <= 2200


def _atoms(text: str) -> list[_Atom]:
    found: list[_Atom] = []
    for m in _WORD_DATE.finditer(text):
        y = int(m.group("y")) if m.group("y") else None
        if y is None and not (m.group("ngay") or _CUE.search(text[max(0, m.start() - 25): m.start()])):
            continue
        found.append(_Atom(m.start(), m.end(), int(m.group("d")), int(m.group("m")), y))
    for m in _WORD_MONTH.finditer(text):
        found.append(_Atom(m.start(), m.end(), int(m.group("d")), MONTH_WORDS[m.group("mw").lower()],
                           int(m.group("y"))))
    for m in _NUM_Y.finditer(text):
        found.append(_Atom(m.start(), m.end(), int(m.group("d")), int(m.group("m")), int(m.group("y"))))
    for m in _MONTH.finditer(text):
        found.append(_Atom(m.start(), m.end(), 1, int(m.group("m")), int(m.group("y")), month_only=True))
    for m in [*_NUM.finditer(text), *_NUM_SPACED.finditer(text)]:
        found.append(_Atom(m.start(), m.end(), int(m.group("d")), int(m.group("m")), None))
    found = [a for a in found if _valid(a.d, a.m, a.y)]
    found.sort(key=lambda a: (a.start, -(a.end - a.start)))
    out: list[_Atom] = []
    for a in found:
        if out and a.start < out[-1].end:
            continue
        out.append(a)
    return out


def _infer(a: _Atom, published: date | None, future: bool) -> tuple[int | None, bool]:
    if a.y is not None:
        return a.y, False
    if published is None:
        return None, False
    y = published.year
    if (a.m, a.d) > (published.month, published.day) and not future:
        y -= 1
    return y, True


def _iso(d: int, m: int, y: int | None, month_only: bool = False) -> str:
    if month_only:
        return f"{y:04d}-{m:02d}"
    if y is None:
        return f"--{m:02d}-{d:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_dates(text: str, published: date | None = None) -> list[DateMention]:
    """Every date in ``text``, in order; never raises."""
    text = _PAIR_DASH.sub("–", text)  # "03/05/1946-03/05/2011": same length, so offsets hold
    atoms = _atoms(text)
    ranges: list[DateMention] = []
    for m in _DAY_RANGE.finditer(text):
        d1, d2, mo = int(m.group("d1")), int(m.group("d2")), int(m.group("m"))
        y = int(m.group("y")) if m.group("y") else None
        if not (d1 < d2 and _valid(d1, mo, y) and _valid(d2, mo, y)):
            continue
        future = bool(_FUTURE.search(text[max(0, m.start() - 60): m.start()]))
        yy, inferred = _infer(_Atom(0, 0, d2, mo, y), published, future)
        if yy is not None and not _valid(d2, mo, yy):
            continue
        ranges.append(DateMention(m.start(), m.end(), _iso(d1, mo, yy), _iso(d2, mo, yy), inferred, "range"))
    atoms = [a for a in atoms if not any(r.start <= a.start < r.end for r in ranges)]
    out: list[DateMention] = list(ranges)
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        before = text[max(0, a.start - 25): a.start]
        if a.y is None and not a.month_only and not _CUE.search(before) and not (
                b is not None and _RANGE_JOIN.match(text[a.end: b.start])):
            i += 1
            continue
        future = bool(_FUTURE.search(text[max(0, a.start - 60): a.start]))
        if b is not None and not a.month_only and not b.month_only and _RANGE_JOIN.match(text[a.end: b.start]):
            by, binf = _infer(b, published, future)
            ay = a.y if a.y is not None else by
            if ay is not None and not _valid(a.d, a.m, ay):
                i += 1
                continue
            if a.y is not None and b.y is not None and (a.d, a.m) == (b.d, b.m) and a.y < b.y:
                kind = "anniversary"
            else:
                kind = "range"
            out.append(DateMention(a.start, b.end, _iso(a.d, a.m, ay), _iso(b.d, b.m, by),
                                   binf and a.y is None, kind))
            i += 2
            continue
        y, inferred = _infer(a, published, future)
        if y is not None and not _valid(a.d, a.m, y):
            i += 1
            continue
        out.append(DateMention(a.start, a.end, _iso(a.d, a.m, y, a.month_only), None, inferred,
                               "month" if a.month_only else "date"))
        i += 1
    out.sort(key=lambda x: x.start)
    return out


def parse_date(text: str, published: date | None = None) -> DateMention | None:
    """The first date in ``text``, or None; never raises."""
    found = parse_dates(text, published)
    return found[0] if found else None
