"""What the graph holds, for the home page: counts by kind, sources, and the example researcher questions of
``docs/queries/*.rq`` (each opens with ``# vi: ...`` and ``# en: ...`` lines naming the question).

The counts and the newest sources read the whole store (1 s and 1.7 s at 1M triples, tens of seconds at 10M), so
they are a derived value (:class:`graph.viewcache.Derived`) built once per store write, off the request path: a
request waits at most :data:`WAIT_S` for it, then shows the figures from before the last write, marked as such
(``summary_state`` ``"stale"``), or says they are being counted (``"building"``, ``counts`` ``None``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graph.labels import labels, linkable
from graph.store.base import Store
from graph.viewcache import Derived

QUERIES_DIR = Path(__file__).resolve().parent.parent / "docs" / "queries"
_HEADER = re.compile(r"^#\s*(vi|en)\s*:\s*(.+?)\s*$")

#: kind -> the classes whose instances it counts
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "unit": ("org:Organization", "org:OrganizationalUnit"),
    "person": ("foaf:Person",),
    "document": ("eli:LegalResource",),
    "event": ("schema:Event", "govkg:Anniversary", "govkg:HistoricalEvent"),
    "programme": ("govkg:Programme", "govkg:Movement", "govkg:Slogan"),
    "source": ("schema:NewsArticle",),
}


def counts(store: Store) -> dict[str, int]:
    """How many entities of each kind, plus triples and named graphs."""
    out: dict[str, int] = {}
    for kind, classes in KIND_CLASSES.items():
        q = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?c {{ {' '.join(classes)} }} ?x a ?c }}"
        row = next(iter(store.query(q, union_default_graph=True).rows()))
        out[kind] = int(str(row["n"]))
    out["triples"] = store.count()
    out["graphs"] = len(store.named_graphs())
    return out


def _source_rows(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    q = ("SELECT ?src (MAX(?issued) AS ?date) (SAMPLE(?url) AS ?u) (SAMPLE(?g) AS ?graph) WHERE { "
         "?src a schema:NewsArticle OPTIONAL { ?src dct:issued ?issued } "
         "OPTIONAL { ?src schema:url ?url } OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?src } } } "
         f"GROUP BY ?src ORDER BY DESC(?date) ?src LIMIT {int(limit)}")
    return [{"src": r["src"], "issued": r.get("date", ""), "url": r.get("u", ""), "g": r.get("graph", "")}
            for r in store.query(q, union_default_graph=True).rows()]


def sources(store: Store, lang: str = "vi", limit: int = 20,
            rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The newest source articles, with their graph and date (each once, however many graphs state it: the union
    default graph is a bag)."""
    rows = _source_rows(store, limit) if rows is None else rows
    names = labels(store, [str(r["src"]) for r in rows], lang)
    out = []
    for r in rows:
        s = str(r["src"])
        url = str(r.get("url", ""))
        out.append({"iri": s, "label": names[s], "date": str(r.get("issued", ""))[:10],
                    "url": url if linkable(url) else "", "graph": str(r.get("g", "")), "link": linkable(s)})
    return out


def examples(directory: Path = QUERIES_DIR) -> list[dict[str, str]]:
    """The example questions: file name, title in vi and en, and the query text."""
    out = []
    for p in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        text = p.read_text(encoding="utf-8")
        titles: dict[str, str] = {}
        for line in text.splitlines():
            m = _HEADER.match(line)
            if m:
                titles.setdefault(m.group(1), m.group(2))
            elif line.strip() and not line.startswith("#"):
                break
        out.append({"name": p.stem, "vi": titles.get("vi", p.stem), "en": titles.get("en", titles.get("vi", p.stem)),
                    "query": text})
    return out


#: Seconds a home page request waits for counts being made after a write before it shows the previous ones.
WAIT_S = 1.0

_SUMMARY: Derived[dict[str, Any]] = Derived(lambda store: {"counts": counts(store), "sources": _source_rows(store)})


def home(store: Store, lang: str = "vi") -> dict[str, Any]:
    """Everything the home page shows: ``counts`` (``None`` while the first count runs), ``sources``,
    ``examples`` and ``summary_state`` (``ready``, ``stale``: from before the last write, or ``building``)."""
    summary = _SUMMARY.get_within(store, WAIT_S)
    state = _SUMMARY.state(store)
    rows = summary["sources"] if summary is not None else []
    return {"counts": summary["counts"] if summary is not None else None,
            "sources": sources(store, lang, rows=rows), "examples": examples(), "summary_state": state}
