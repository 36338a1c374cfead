"""The compact search index behind :mod:`graph.search`: flat arrays and sorted keys, not a dict of objects.

Every entity IRI gets a number in the order hits are shown within a score: its Vietnamese label's length, then the
label, then the IRI.  Its label texts ("entries") are numbered in that order too, so every posting list (the
entries holding a word) is sorted by that order: a query reads its candidates best first and stops after ``limit``
hits instead of scoring every match (a one-letter keystroke matches most of the graph).  The few IRIs whose label
differs in another language (an English label, a unit's name today) are ranked apart and merged in.

Abbreviations and former names (``skos:altLabel``) live in a second, smaller part, so the tiers that want only
them never scan the main labels.  Keys are stored padded with a space at each end (``" le tuan dung "``): a whole
word is then ``" w " in key`` and a word prefix ``" w" in key``.
"""

from __future__ import annotations

import bisect
import heapq
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from graph.labels import kind_of, pick
from graph.text import fold

MAX_QUERY_CHARS = 200
SCORES = ((1.0, "exact"), (0.8, "prefix"), (0.6, "words"), (0.5, "prefix-words"))
ALIAS_PENALTY = 0.05
SMALL_RANGE = 512  # a key-prefix range this small is sorted outright; a larger one is read through its words
_WORD = re.compile(r"[a-z0-9]+")


class QueryTooLong(ValueError):
    """The search text is longer than :data:`MAX_QUERY_CHARS`."""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    kind: str
    score: float
    matched: str = ""  # the label or alias that matched, when it is not ``label``

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@lru_cache(maxsize=1 << 16)
def _token_words(token: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(token)))


def words(text: str) -> list[str]:
    """The folded words of ``text``: :func:`graph.text.fold` cut into letters and digits, folded one
    space-separated token at a time (names repeat their words: each is folded once)."""
    return [w for t in text.split() for w in _token_words(t)]


def key(text: str) -> str:
    return " ".join(words(text))


@dataclass
class Part:
    """The sorted keys and word postings of either the main labels or the aliases."""

    keys: list[str] = field(default_factory=list)  # padded keys, sorted
    key_entry: array = field(default_factory=lambda: array("i"))  # position in ``keys`` -> entry
    words: list[str] = field(default_factory=list)  # sorted
    postings: list[array] = field(default_factory=list)  # aligned with ``words``: entries, ascending
    _by_word: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[tuple[int, str]]) -> Part:
        pairs = sorted((k, e) for e, k in entries)
        post: dict[str, array] = {}
        for e, k in sorted((e, k) for k, e in pairs):
            for w in set(k.split()):
                post.setdefault(w, array("i")).append(e)
        words = sorted(post)
        return cls([k for k, _ in pairs], array("i", (e for _, e in pairs)), words, [post[w] for w in words],
                   {w: i for i, w in enumerate(words)})

    def posting(self, w: str) -> array:
        i = self._by_word.get(w)
        return self.postings[i] if i is not None else array("i")

    def prefixed(self, w: str) -> list[array]:
        lo = bisect.bisect_left(self.words, w)
        hi = bisect.bisect_left(self.words, w + "\uffff")
        return self.postings[lo:hi]

    def key_range(self, padded_prefix: str) -> tuple[int, int]:
        return (bisect.bisect_left(self.keys, padded_prefix), bisect.bisect_left(self.keys, padded_prefix + "\uffff"))

    def key_equal(self, padded: str) -> tuple[int, int]:
        return (bisect.bisect_left(self.keys, padded), bisect.bisect_right(self.keys, padded))

    def has_key(self, k: str) -> bool:
        lo, hi = self.key_equal(f" {k} ")
        return hi > lo

    def candidates(self, tier: str, qwords: list[str]) -> Iterator[int]:
        """The entries of ``tier`` for the query's words, ascending (best ranked first); may repeat one."""
        qkey = " " + " ".join(qwords)
        if tier == "exact":
            lo, hi = self.key_equal(qkey + " ")
            yield from sorted(self.key_entry[lo:hi])
            return
        if tier == "prefix":
            lo, hi = self.key_range(qkey)
            if hi - lo <= SMALL_RANGE:
                yield from sorted(self.key_entry[lo:hi])
                return
        whole = qwords if tier == "words" else qwords[:-1]
        drivers = [[self.posting(w)] for w in whole]
        if tier != "words":
            drivers.append(self.prefixed(qwords[-1]))
        best = min(drivers, key=lambda lists: sum(len(a) for a in lists))
        if best:
            yield from best[0] if len(best) == 1 else _merged(best)


def _merged(lists: list[array]) -> Iterator[int]:
    last = -1
    for e in heapq.merge(*lists):
        if e != last:
            yield e
            last = e


def matches(tier: str, qwords: list[str], key: str) -> bool:
    """Whether the padded ``key`` is in ``tier`` for the query's words (see the table of :mod:`graph.search`)."""
    if tier == "exact":
        return key == " " + " ".join(qwords) + " "
    if tier == "prefix":
        return key.startswith(" " + " ".join(qwords))
    whole = qwords if tier == "words" else qwords[:-1]
    if not all(f" {w} " in key for w in whole):
        return False
    return tier == "words" or f" {qwords[-1]}" in key


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(s: str) -> str:
    """The text of an N-Triples string literal's body (``\\"``, ``\\n``, ``\\uXXXX``...)."""
    def one(m: re.Match[str]) -> str:
        h = m.group(1) or m.group(2)
        return chr(int(h, 16)) if h else _CHARS.get(m.group(3), m.group(3))
    return _ESCAPE.sub(one, s)


class _Keys:
    """``k in index.exact``: whether some label's whole key is ``k``."""

    def __init__(self, *parts: Part) -> None:
        self.parts = parts

    def __contains__(self, k: object) -> bool:
        return isinstance(k, str) and any(p.has_key(k) for p in self.parts)


class Index:
    """The search keys of every entity, numbered best ranked first; query it with :meth:`search`."""

    def __init__(self, per_iri: dict[str, list[tuple[int, str, str, str]]], vi: dict[str, str],
                 current: dict[str, dict[str, str]]) -> None:
        """``per_iri``: IRI -> (predicate rank, 4 for an alias; language; text; key); ``vi``: IRI -> its label in
        Vietnamese; ``current``: a renamed unit -> language -> its name today."""
        order = sorted(per_iri, key=lambda i: (len(vi[i]), vi[i], i))
        self.iris = order
        self.label_vi = [vi[i] for i in order]
        self.kinds = sorted({kind_of(i) for i in order})
        code = {k: n for n, k in enumerate(self.kinds)}
        self.iri_kind = bytearray(code[kind_of(i)] for i in order)
        self.iri_first = array("i")
        self.entry_iri = array("i")
        self.entry_text: list[str] = []
        self.entry_key: list[str] = []  # padded keys
        self.entry_rank = bytearray()
        self.entry_lang: list[str] = []
        self.lang_iris: dict[str, set[int]] = {}
        langs: dict[str, str] = {}
        main: list[tuple[int, str]] = []
        alias: list[tuple[int, str]] = []
        for n, iri in enumerate(order):
            self.iri_first.append(len(self.entry_text))
            label = self.label_vi[n]
            for rank, lang, text, k in sorted(per_iri[iri], key=lambda c: (c[0] == 4, c[2] != label, c[0])):
                e = len(self.entry_text)
                self.entry_iri.append(n)
                self.entry_text.append(text)
                self.entry_key.append(f" {k} ")
                self.entry_rank.append(rank)
                self.entry_lang.append(langs.setdefault(lang, lang))
                (alias if rank == 4 else main).append((e, f" {k} "))
                base = lang.lower().split("-")[0]
                if rank != 4 and base != "vi":
                    self.lang_iris.setdefault(base, set()).add(n)
        self.iri_first.append(len(self.entry_text))
        self.main, self.alias = Part.build(main), Part.build(alias)
        self.current = {n: current[i] for n, i in enumerate(order) if i in current}
        self._exc: dict[str, dict[int, str]] = {"vi": {}}
        self.exact = _Keys(self.main, self.alias)

    def _exceptions(self, lang: str) -> dict[int, str]:
        """The IRIs whose label in ``lang`` is not their Vietnamese one, with that label."""
        ex = self._exc.get(lang)
        if ex is not None:
            return ex
        ex = {}
        for n in self.lang_iris.get(lang, set()) | self.current.keys():
            lo, hi = self.iri_first[n], self.iri_first[n + 1]
            cands = [(self.entry_rank[e], self.entry_lang[e], self.entry_text[e]) for e in range(lo, hi)
                     if self.entry_rank[e] != 4]
            lbl = self.current.get(n, {}).get(lang) or pick(cands, lang) or self.entry_text[lo]
            if lbl != self.label_vi[n]:
                ex[n] = lbl
        if len(self._exc) < 16:
            self._exc[lang] = ex
        return ex

    def label(self, iri: str, lang: str) -> str:
        """The label shown for ``iri`` in ``lang`` (a scan: for tests and tools, not per keystroke)."""
        if iri not in self.iris:
            return iri
        n = self.iris.index(iri)
        return self._exceptions(lang).get(n, self.label_vi[n])

    def search(self, q: str, *, lang: str = "vi", limit: int = 20, kinds: Iterable[str] = ()) -> list[Hit]:
        """Hits for the text ``q``, best first (see :mod:`graph.search` for the scores)."""
        if len(q) > MAX_QUERY_CHARS:
            raise QueryTooLong(f"search text longer than {MAX_QUERY_CHARS} characters")
        qw = words(q)
        wanted = set(kinds)
        want = {n for n, k in enumerate(self.kinds) if k in wanted}
        if not qw or limit <= 0 or (wanted and not want):
            return []
        exc = self._exceptions(lang)
        seen: set[int] = set()
        out: list[Hit] = []
        for base, tier in SCORES:
            for alias, part in ((0, self.main), (1, self.alias)):
                need = limit - len(out)
                got: list[tuple[int, int]] = []  # (iri, entry), best ranked first
                for e in part.candidates(tier, qw):
                    n = self.entry_iri[e]
                    if n in seen or n in exc or (want and self.iri_kind[n] not in want):
                        continue
                    if matches(tier, qw, self.entry_key[e]):
                        seen.add(n)
                        got.append((n, e))
                        if len(got) >= need:
                            break
                if exc:
                    got = self._with(got, exc, tier, qw, alias, seen, want)[:need]
                score = round(base - ALIAS_PENALTY * alias, 3)
                for n, e in got:
                    label, text = exc.get(n, self.label_vi[n]), self.entry_text[e]
                    out.append(Hit(self.iris[n], label, self.kinds[self.iri_kind[n]], score,
                                   "" if text == label else text))
                if len(out) >= limit:
                    return out
        return out

    def _with(self, got: list[tuple[int, int]], exc: dict[int, str], tier: str, qw: list[str], alias: int,
              seen: set[int], want: set[int]) -> list[tuple[int, int]]:
        """``got`` with the tier's IRIs labelled otherwise in the language, merged in label order."""
        more = []
        for n in exc:
            if n in seen or (want and self.iri_kind[n] not in want):
                continue
            for e in range(self.iri_first[n], self.iri_first[n + 1]):
                if (self.entry_rank[e] == 4) == bool(alias) and matches(tier, qw, self.entry_key[e]):
                    seen.add(n)
                    more.append((n, e))
                    break
        if not more:
            return got

        def order(ne: tuple[int, int]) -> tuple[int, str, str]:
            lbl = exc.get(ne[0], self.label_vi[ne[0]])
            return (len(lbl), lbl, self.iris[ne[0]])
        return sorted(got + more, key=order)

    def __len__(self) -> int:
        return len(self.iris)
