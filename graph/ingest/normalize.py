"""Article text made matchable, with every character traced back to the original.

The extractor matches on a normalised copy of the article: NFC, look-alike letters mapped (Ð→Đ), invisible
characters dropped, runs of spaces folded, hard-wrapped lines joined (a single line break inside a paragraph
becomes a space; a blank line stays a paragraph break ``\\n``).  :class:`Article` keeps, for each normalised
character, the span of the original text it came from, so every mention reports offsets into the text exactly
as the user gave it (``article.original[start:end]``), whatever its normal form.

Sentences are split on ``. ! ? …`` followed by white space and a capital, digit or quote, and at paragraph
breaks; abbreviations such as ``TP.`` or ``TS.`` do not end a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from graph.text import INVISIBLE, LOOKALIKES

#: Tokens that end with a dot without ending a sentence.
ABBREVIATIONS = frozenset({"TP", "Tp", "TS", "ThS", "PGS", "GS", "BS", "KS", "Q", "P", "St", "Th", "NXB", "Tr"})

_SENT_END = re.compile(r"([.!?…]+)([\"”’)]*)(\s+)(?=[\"“‘(]?(\S))")
_PUB_ISO = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})")
#: A dateline: a date with a time on a line of its own ("18/07/2023 13:11", "(15:32 | 22/01/2024)",
#: "Thanh Huyền - 15:18, 28/03/2025": a byline before the time).
_PUB_LINE = re.compile(r"^\s*[(\[]?\s*(?:[^\W\d][^\d\n]{0,40}?\s[-–|]\s*)?(?:\d{1,2}:\d{2}\s*[|,\-–]?\s*)?"
                       r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2})?\s*[)\]]?\s*$")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_END_PUNCT = ".!?:;…\"”"


@dataclass(frozen=True)
class Sentence:
    start: int  # in the normalised text
    end: int
    text: str


@dataclass
class Article:
    """The original text, its normalised copy and the map between them."""

    original: str
    text: str
    starts: list[int]  # original start of each normalised character
    ends: list[int]  # original end of each normalised character
    sentences: list[Sentence] = field(default_factory=list)
    published: date | None = None  # found in the text (crawl header or a dateline), else None
    publication_spans: list[tuple[int, int]] = field(default_factory=list)  # normalised spans of datelines

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the normalised span ``[start, end)``."""
        if end <= start:
            o = self.starts[start] if start < len(self.starts) else len(self.original)
            return o, o
        return self.starts[start], self.ends[end - 1]

    def sentence_at(self, pos: int) -> Sentence:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return self.sentences[-1] if self.sentences else Sentence(0, len(self.text), self.text)

    def sentence_index(self, pos: int) -> int:
        for i, s in enumerate(self.sentences):
            if s.start <= pos < s.end:
                return i
        return max(len(self.sentences) - 1, 0)


def _clusters(original: str) -> list[tuple[str, int, int]]:
    """(NFC text, original start, original end) per base character with its combining marks."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(original)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(original[j]):
            j += 1
        chunk = original[i:j].translate(LOOKALIKES)
        chunk = INVISIBLE.sub("", chunk)
        if chunk:
            out.append((unicodedata.normalize("NFC", chunk), i, j))
        i = j
    return out


def normalize(original: str) -> Article:
    """The :class:`Article` of ``original`` (any normal form, any line wrapping)."""
    chars: list[tuple[str, int, int]] = []
    for text, s, e in _clusters(original):
        for c in text:
            chars.append((c, s, e))
    # Lines: join single line breaks inside paragraphs, keep blank lines as paragraph breaks.
    lines: list[list[tuple[str, int, int]]] = [[]]
    for k, ch in enumerate(chars):
        if ch[0] == "\r" and k + 1 < len(chars) and chars[k + 1][0] == "\n":
            continue
        if ch[0] in "\n\r\u2028\u2029":
            lines.append([])
        else:
            lines[-1].append(ch)
    out: list[tuple[str, int, int]] = []
    published: date | None = None
    pub_spans: list[tuple[int, int]] = []
    prev_blank = True
    after_dateline = False
    for line in lines:
        stripped = _strip(line)
        if not stripped:
            if out and out[-1][0] != "\n":
                out.append(("\n", out[-1][2], out[-1][2]))
            prev_blank = True
            continue
        raw = "".join(c for c, _, _ in stripped)
        dateline = _dateline(raw) if len(out) < 3000 else None
        if out and out[-1][0] != "\n":
            last = out[-1][0]
            first = stripped[0][0]
            joins = not prev_blank and dateline is None and not after_dateline and (
                last not in _END_PUNCT or first.islower() or first.isdigit())
            out.append((" " if joins else "\n", out[-1][2], stripped[0][1]))
        if dateline is not None and published is None:
            published = dateline
            pub_spans.append((len(out), len(out) + len(stripped)))
        out.extend(stripped)
        prev_blank = False
        after_dateline = dateline is not None
    # Fold runs of horizontal white space.
    folded: list[tuple[str, int, int]] = []
    for c, s, e in out:
        if c.isspace() and c != "\n":
            if folded and folded[-1][0] in (" ", "\n"):
                continue
            c = " "
        folded.append((c, s, e))
    text = "".join(c for c, _, _ in folded)
    art = Article(original=original, text=text, starts=[s for _, s, _ in folded], ends=[e for _, _, e in folded])
    art.sentences = split_sentences(text)
    iso = _PUB_ISO.match(text)
    if iso:
        try:
            published = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            pub_spans = [(iso.start(), iso.end())]
        except ValueError:
            pass
    art.published, art.publication_spans = published, pub_spans
    return art


def _strip(line: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    i, j = 0, len(line)
    while i < j and line[i][0].isspace():
        i += 1
    while j > i and line[j - 1][0].isspace():
        j -= 1
    return line[i:j]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a normalised text, as spans that cover it without gaps."""
    cuts: list[int] = []
    for m in _SENT_END.finditer(text):
        nxt = m.group(4)
        if not (nxt.isupper() or nxt.isdigit()):
            continue
        word = re.search(r"([\w.]+)$", text[max(0, m.start(1) - 24): m.start(1)])
        if m.group(1) == "." and word and word.group(1).split(".")[-1] in ABBREVIATIONS:
            continue
        if m.group(1) == "." and word and re.fullmatch(r"[A-ZĐ]", word.group(1)):
            continue  # an initial
        cuts.append(m.end(3))
    for m in re.finditer(r"\n", text):
        cuts.append(m.end())
    cuts = sorted(set(c for c in cuts if 0 < c < len(text)))
    out: list[Sentence] = []
    prev = 0
    for c in [*cuts, len(text)]:
        if c > prev and text[prev:c].strip():
            out.append(Sentence(prev, c, text[prev:c]))
        prev = c
    return out


def _dateline(line: str) -> date | None:
    """The date of a dateline such as ``18/07/2023 13:11`` (a line of its own), else None."""
    m = _PUB_LINE.match(line)
    if not m or not _HAS_TIME.search(line):
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


