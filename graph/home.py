"""What the graph holds, for the home page: counts by kind, sources, and the example researcher questions of
``docs/queries/*.rq`` (each opens with ``# vi: ...`` and ``# en: ...`` lines naming the question)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graph.labels import labels, linkable
from graph.store.base import Store

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


def sources(store: Store, lang: str = "vi", limit: int = 20) -> list[dict[str, Any]]:
    """The newest source articles, with their graph and date (each once, however many graphs state it: the union
    default graph is a bag)."""
    q = ("SELECT ?src (MAX(?issued) AS ?date) (SAMPLE(?url) AS ?u) (SAMPLE(?g) AS ?graph) WHERE { "
         "?src a schema:NewsArticle OPTIONAL { ?src dct:issued ?issued } "
         "OPTIONAL { ?src schema:url ?url } OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?src } } } "
         f"GROUP BY ?src ORDER BY DESC(?date) ?src LIMIT {int(limit)}")
    rows = [{"src": r["src"], "issued": r.get("date", ""), "url": r.get("u", ""), "g": r.get("graph", "")}
            for r in store.query(q, union_default_graph=True).rows()]
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


def home(store: Store, lang: str = "vi") -> dict[str, Any]:
    """Everything the home page shows."""
    return {"counts": counts(store), "sources": sources(store, lang), "examples": examples()}
