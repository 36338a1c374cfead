"""Vietnamese-aware search over the labels of the graph, from an index (no scan per keystroke).

The index holds, for every entity IRI (``{BASE}/id/...``; memberships and changesets left out), the search keys
of its ``rdfs:label``, ``skos:prefLabel``, ``foaf:name`` and ``skos:altLabel`` (abbreviations such as "VPCP",
former names).  A key is :func:`graph.text.fold` of the text (NFC, lower case, no tones, đ→d, so both tone
placements meet) cut into words of letters and digits.  A query is folded the same way and matched:

=====================================  =====
the whole key equals the query         1.0 (0.95 for an altLabel)
the key starts with the query          0.8 (0.75)
every query word starts a key word     0.6 when all words match whole, 0.5 when the last is a prefix
=====================================  =====

and a hit keeps its best score; ties go to the shorter label.  The query is never turned into SPARQL or a
regular expression, so metacharacters and quotes are only letters to look for.  The index is rebuilt when the
store changes (:mod:`graph.viewcache`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from rdflib import Literal

from graph.labels import current_names, kind_of, pick, renamed_units
from graph.namespaces import ID
from graph.store.base import Store
from graph.text import clean, fold
from graph.viewcache import Derived

MAX_QUERY_CHARS = 200
SKIP_KINDS = frozenset({"membership", "changeset"})
_WORD = re.compile(r"[a-z0-9]+")
_MAIN = {
    "http://www.w3.org/2000/01/rdf-schema#label": 0,
    "http://www.w3.org/2004/02/skos/core#prefLabel": 1,
    "http://xmlns.com/foaf/0.1/name": 2,
}
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


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


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def key(text: str) -> str:
    return " ".join(words(text))


@dataclass
class Index:
    """The search keys of every entity; build it with :func:`build_index`, query it with :meth:`search`."""

    # per entry: (iri, key, text as written, is alias)
    entries: list[tuple[str, str, str, bool]] = field(default_factory=list)
    labels: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # iri -> (rank, lang, text)
    exact: dict[str, list[int]] = field(default_factory=dict)
    sorted_keys: list[tuple[str, int]] = field(default_factory=list)
    postings: dict[str, set[int]] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)
    current: dict[str, dict[str, str]] = field(default_factory=dict)  # renamed unit -> lang -> its name today

    def add(self, iri: str, pred: str, text: str, lang: str) -> None:
        text = clean(text)
        k = key(text)
        if not k:
            return
        alias = pred == _ALT
        if not alias:
            self.labels.setdefault(iri, []).append((_MAIN.get(pred, 3), lang, text))
        idx = len(self.entries)
        self.entries.append((iri, k, text, alias))
        self.exact.setdefault(k, []).append(idx)
        for w in set(k.split(" ")):
            self.postings.setdefault(w, set()).add(idx)

    def freeze(self) -> Index:
        self.sorted_keys = sorted((e[1], i) for i, e in enumerate(self.entries))
        self.sorted_words = sorted(self.postings)
        return self

    def label(self, iri: str, lang: str) -> str:
        if (now := self.current.get(iri, {}).get(lang)):
            return now
        return pick(self.labels.get(iri, []), lang) or next(
            (e[2] for e in self.entries if e[0] == iri), iri
        )

    def _word_prefix(self, w: str) -> set[int]:
        out: set[int] = set()
        i = bisect.bisect_left(self.sorted_words, w)
        while i < len(self.sorted_words) and self.sorted_words[i].startswith(w):
            out |= self.postings[self.sorted_words[i]]
            i += 1
        return out

    def _scores(self, qkey: str) -> dict[int, float]:
        scores: dict[int, float] = {}

        def put(i: int, s: float) -> None:
            if self.entries[i][3]:
                s -= 0.05
            if s > scores.get(i, -1.0):
                scores[i] = s

        for i in self.exact.get(qkey, ()):
            put(i, 1.0)
        j = bisect.bisect_left(self.sorted_keys, (qkey, -1))
        while j < len(self.sorted_keys) and self.sorted_keys[j][0].startswith(qkey):
            put(self.sorted_keys[j][1], 0.8)
            j += 1
        qwords = qkey.split(" ")
        whole: set[int] | None = None
        pref: set[int] | None = None
        for n, w in enumerate(qwords):
            exact_w = self.postings.get(w, set())
            pref_w = exact_w | self._word_prefix(w) if n == len(qwords) - 1 else exact_w
            whole = set(exact_w) if whole is None else whole & exact_w
            pref = set(pref_w) if pref is None else pref & pref_w
        for i in whole or ():
            put(i, 0.6)
        for i in pref or ():
            put(i, 0.5)
        return scores

    def search(self, q: str, *, lang: str = "vi", limit: int = 20, kinds: Iterable[str] = ()) -> list[Hit]:
        """Hits for the text ``q``, best first (see the module's doc for the scores)."""
        if len(q) > MAX_QUERY_CHARS:
            raise QueryTooLong(f"search text longer than {MAX_QUERY_CHARS} characters")
        qkey = key(q)
        if not qkey:
            return []
        want = set(kinds)
        best: dict[str, tuple[float, int]] = {}
        for i, s in self._scores(qkey).items():
            iri = self.entries[i][0]
            if want and kind_of(iri) not in want:
                continue
            if s > best.get(iri, (-1.0, 0))[0]:
                best[iri] = (s, i)
        hits = []
        for iri, (s, i) in best.items():
            label = self.label(iri, lang)
            text = self.entries[i][2]
            hits.append(Hit(iri, label, kind_of(iri), round(s, 3), "" if text == label else text))
        hits.sort(key=lambda h: (-h.score, len(h.label), h.label, h.iri))
        return hits[:limit]

    def __len__(self) -> int:
        return len(self.labels.keys() | {e[0] for e in self.entries})


def build_index(store: Store) -> Index:
    """Read every label of every entity once and index it."""
    preds = " ".join(f"<{p}>" for p in (*_MAIN, _ALT))
    q = (
        f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?p {{ {preds} }} "
        f"{{ ?s ?p ?l }} UNION {{ GRAPH ?g {{ ?s ?p ?l }} }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}") && isLiteral(?l)) }}'
    )
    idx = Index()
    for row in store.query(q).rows():
        s, p, lit = str(row["s"]), str(row["p"]), row["l"]
        if kind_of(s) in SKIP_KINDS:
            continue
        lang = (lit.language or "") if isinstance(lit, Literal) else ""
        idx.add(s, p, str(lit), lang)
    renamed = renamed_units(idx.labels)  # their label today, decided as on the pages (graph.labels)
    for lg in ("vi", "en"):
        for iri, name in current_names(store, renamed, lg).items():
            idx.current.setdefault(iri, {})[lg] = name
    return idx.freeze()


_INDEX: Derived[Index] = Derived(build_index)


def index(store: Store) -> Index:
    """The store's index, rebuilt when the store has changed."""
    return _INDEX.get(store)


def search(store: Store, q: str, *, lang: str = "vi", limit: int = 20, kinds: Iterable[str] = ()) -> list[Hit]:
    """Search the labels of ``store`` for ``q`` (see the module's doc)."""
    return index(store).search(q, lang=lang, limit=limit, kinds=kinds)
