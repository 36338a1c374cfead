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
regular expression, so metacharacters and quotes are only letters to look for.  The index
(:mod:`graph.search_index`, compact arrays) is rebuilt when the store changes (:mod:`graph.viewcache`), off the
request path: :func:`search` waits at most :data:`WAIT_S` for it, then answers from the previous index (after a
write) or with nothing, and :func:`state` tells which (the pages say so).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date

from graph.labels import kind_of, pick, renamed_units
from graph.namespaces import ID
from graph.search_index import MAX_QUERY_CHARS, Hit, Index, QueryTooLong, key, unescape, words
from graph.store.base import Store
from graph.text import clean, nfc
from graph.viewcache import Derived

SKIP_KINDS = frozenset({"membership", "changeset"})
#: How long a keystroke waits for an index being built or rebuilt before answering without it (seconds).
WAIT_S = 1.0
_MAIN = {
    "http://www.w3.org/2000/01/rdf-schema#label": 0,
    "http://www.w3.org/2004/02/skos/core#prefLabel": 1,
    "http://xmlns.com/foaf/0.1/name": 2,
}
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_RANK = {**_MAIN, _ALT: 4}

__all__ = ["MAX_QUERY_CHARS", "WAIT_S", "Hit", "Index", "QueryTooLong", "build_index", "index", "key", "search",
           "state", "words"]


def _rows(store: Store) -> Iterator[tuple[str, str, str, str]]:
    """(subject, predicate, text, language) of every entity label, read as TSV line by line (no term objects)."""
    preds = " ".join(f"<{p}>" for p in _RANK)
    q = (
        f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?p {{ {preds} }} "
        f"{{ ?s ?p ?l }} UNION {{ GRAPH ?g {{ ?s ?p ?l }} }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}") && isLiteral(?l)) }}'
    )
    body = io.BytesIO(store.query(q).serialize("tsv"))
    body.readline()  # the header
    for raw in body:
        s, p, lit = raw.decode("utf-8").rstrip("\r\n").split("\t")
        if not lit.startswith('"'):  # a number or boolean written bare
            yield s[1:-1], p[1:-1], lit, ""
            continue
        end = lit.rfind('"')
        text, tail = lit[1:end], lit[end + 1 :]
        yield s[1:-1], p[1:-1], unescape(text) if "\\" in text else text, tail[1:] if tail.startswith("@") else ""


def build_index(store: Store) -> Index:
    """Read every label of every entity once and index it."""
    per_iri: dict[str, list[tuple[int, str, str, str]]] = {}  # iri -> (rank, lang, text, key)
    for s, p, text, lang in _rows(store):
        if kind_of(s) in SKIP_KINDS:
            continue
        text = clean(text)
        k = key(text)
        if k:
            per_iri.setdefault(s, []).append((_RANK[p], lang, text, k))
    mains = {i: [(r, lg, t) for r, lg, t, _ in es if r < 4] for i, es in per_iri.items()}
    renamed = renamed_units({i: c for i, c in mains.items() if kind_of(i) == "unit"})  # as on the pages
    current = _current_names(store, renamed)
    vi = {i: current.get(i, {}).get("vi") or pick(c, "vi") or per_iri[i][0][2] for i, c in mains.items()}
    del mains
    return Index(per_iri, vi, current)


def _current_names(store: Store, units: list[str]) -> dict[str, dict[str, str]]:
    """A renamed unit -> {"vi": its name today, "en": in English}, decided as :func:`graph.labels.current_names`
    does for each language (one pass over the renames for both)."""
    if not units:
        return {}
    from graph.asof import names_on

    out: dict[str, dict[str, str]] = {}
    for u, n in names_on(store, units, date.today()).items():
        for lg, name in (("vi", n.today), ("en", n.en or n.today)):
            if name and name != u.rsplit("/", 1)[-1]:
                out.setdefault(u, {})[lg] = nfc(name)
    return out


_INDEX: Derived[Index] = Derived(build_index)


def index(store: Store) -> Index:
    """The store's index, rebuilt when the store has changed (waits for the build)."""
    return _INDEX.get(store)


def state(store: Store) -> str:
    """``"ready"``, ``"stale"`` (rebuilding after a change: answers come from the index before it) or
    ``"building"`` (no index yet: searches find nothing until it is built)."""
    return _INDEX.state(store)


def search(store: Store, q: str, *, lang: str = "vi", limit: int = 20, kinds: Iterable[str] = ()) -> list[Hit]:
    """Search the labels of ``store`` for ``q`` (see the module's doc); waits at most :data:`WAIT_S` for the
    index."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"search text longer than {MAX_QUERY_CHARS} characters")
    ix = _INDEX.get_within(store, WAIT_S)
    return [] if ix is None else ix.search(q, lang=lang, limit=limit, kinds=kinds)
