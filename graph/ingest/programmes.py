"""Programmes, movements and slogans (DOMAIN.md §4).

- national target programmes: ``Chương trình mục tiêu quốc gia <name>`` (also ``Chương trình MTQG``), and the
  coordinated ``3 Chương trình mục tiêu quốc gia: A; B và C`` expanded into one each;
- movements: ``phong trào "Dân vận khéo"``, ``phong trào thi đua "..."``, ``Cuộc vận động "..."``,
  ``phong trào thi đua yêu nước``;
- slogans: a quoted ``phương châm`` or ``chủ đề`` (``phương châm hành động của Chính phủ năm 2023 "..."``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_Q = r"[\"“](?P<q>[^\"”\n]{2,200})[\"”]"
_MTQG = re.compile(
    r"(?P<n>\d+\s+)?Chương trình (?:mục tiêu quốc gia|MTQG)(?P<colon>\s*:)?\s*(?P<rest>[^.\n]{3,300})")
_MOVEMENT_Q = re.compile(r"(?:[Pp]hong trào(?: thi đua)?|[Cc]uộc vận động)\s+" + _Q)
_MOVEMENT_PLAIN = re.compile(r"[Pp]hong trào thi đua yêu nước")
_SLOGAN = re.compile(r"(?:phương châm(?: hành động)?|chủ đề)(?P<mid>[^\"“\n]{0,60}?)\s*" + _Q)
_STOP = re.compile(r"\s+(?:giai đoạn|năm|được|đã|là|của|trong|nhằm|với|để|theo)\b|[,(]")


@dataclass
class ProgrammeMention:
    start: int
    end: int
    name: str
    kind: str  # programme | movement | slogan
    year: int | None = None


def _trim(name: str) -> str:
    m = _STOP.search(name)
    return (name[: m.start()] if m else name).strip(" ;,.")


def find_programmes(text: str) -> list[ProgrammeMention]:
    out: list[ProgrammeMention] = []
    for m in _MTQG.finditer(text):
        rest, base = m.group("rest"), m.start("rest")
        if m.group("n") or m.group("colon"):
            parts = re.split(r";\s*|\s+và\s+(?=[A-ZĐ])", rest)
            pos = base
            count = int(m.group("n")) if m.group("n") else len(parts)
            for part in parts[: max(count, 1)]:
                s = text.find(part, pos)
                name = _trim(part)
                if name:
                    out.append(ProgrammeMention(s, s + len(name), name, "programme"))
                pos = s + len(part)
        else:
            name = _trim(rest)
            if name:
                out.append(ProgrammeMention(m.start(), base + len(name), name, "programme"))
    for m in _MOVEMENT_Q.finditer(text):
        out.append(ProgrammeMention(m.start(), m.end(), m.group("q").strip(), "movement"))
    for m in _MOVEMENT_PLAIN.finditer(text):
        out.append(ProgrammeMention(m.start(), m.end(), "Phong trào thi đua yêu nước", "movement"))
    for m in _SLOGAN.finditer(text):
        if any(o.start <= m.start("q") < o.end for o in out):
            continue
        y = re.search(r"năm\s+((?:19|20)\d{2})", m.group("mid"))
        out.append(ProgrammeMention(m.start(), m.end(), m.group("q").strip(), "slogan", int(y.group(1)) if y else None))
    out.sort(key=lambda p: p.start)
    return out
