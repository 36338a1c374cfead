"""Where a cold page's time goes: every query of one call with nothing kept, timed on the engine, and what it
would cost on a deduplicated copy of the data (each distinct triple once, in a store's default graph).

``python -m bench.viewer_queries --dir STORE [--page page:entity-unit ...] [--facts COPY] [--top 12]``

The page's queries are recorded through the store seam as :mod:`bench.viewer` records them (every memo
forgotten first: :func:`graph.viewcache.invalidate`) and replayed on raw pyoxigraph, median of ``--reps``.  With
``--facts``, those that read the union default graph without naming graphs are also timed on ``COPY`` (made with
``--build-facts COPY`` once: the engine's ``CONSTRUCT`` of the union into N-Triples, bulk-loaded; ~11 s at 1M,
~135 s and 1.95 GB peak at 10M); those that name graphs (``GRAPH``, a dataset) keep their union time.  The sum
is the estimate of the page on a set-union view: the gate of issue 7's "facts view" (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.viewer import Recorder, pages, pick_subjects
from graph.namespaces import PREFIXES


def build_facts(store_dir: Path, copy: Path) -> int:
    """``copy``: a store of the distinct triples of ``store_dir``'s union default graph; their number."""
    src = ox.Store.read_only(str(store_dir))
    nt = copy.with_name(copy.name + ".nt")
    triples = src.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    triples.serialize(output=str(nt), format=ox.RdfFormat.N_TRIPLES)
    dst = ox.Store(str(copy))
    dst.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    dst.flush()
    nt.unlink()
    return len(dst)


def timed(store: ox.Store, q: str, union: bool, reps: int) -> float:
    """The median time of ``q`` on ``store``, its answer read through."""
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        r = store.query(q, prefixes=PREFIXES, use_default_graph_as_union=union)
        if not isinstance(r, ox.QueryBoolean):
            for _row in r:
                pass
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


def shape(q: str) -> str:
    """``q`` with its IRIs and strings folded, lists of IRIs as one ``<..>``: queries of one shape read alike."""
    q = re.sub(r'<[^>]*>', "<>", re.sub(r'"[^"]*"', '""', q))
    return re.sub(r"\s+", " ", re.sub(r"(<>\s*)+", "<..> ", q)).strip()


def profile(store: Any, call: Any, facts: ox.Store | None, reps: int) -> list[dict[str, Any]]:
    """One row per query of a cold ``call``: its shape, union time and (with ``facts``) the copy's time."""
    from graph.viewcache import invalidate

    call(store)
    invalidate()
    rec = Recorder(store)
    call(rec)
    out = []
    for q, kw in rec.calls:
        union = bool(kw.get("union_default_graph"))
        row = {"shape": shape(q), "union_ms": timed(store.ox, q, union, reps) * 1e3, "facts_ms": None}
        if facts is not None and union and "GRAPH" not in q.upper() and not kw.get("default_graphs"):
            row["facts_ms"] = timed(facts, q, False, reps) * 1e3
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> None:
    from graph.store import EmbeddedStore

    ap = argparse.ArgumentParser(prog="python -m bench.viewer_queries")
    ap.add_argument("--dir", type=Path, required=True, help="an embedded store (opened for this process alone)")
    ap.add_argument("--page", action="append", default=[], help="a page name or prefix (page:entity-unit, ...)")
    ap.add_argument("--facts", type=Path, help="a deduplicated copy of the store (--build-facts)")
    ap.add_argument("--build-facts", type=Path, help="make that copy here and stop")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--top", type=int, default=12, help="query shapes listed per page, costliest first")
    a = ap.parse_args(argv)
    if a.build_facts:
        print(f"{build_facts(a.dir, a.build_facts):,} distinct triples in {a.build_facts}")
        return
    facts = ox.Store.read_only(str(a.facts)) if a.facts else None
    store = EmbeddedStore(a.dir)
    try:
        for name, _module, call in pages(pick_subjects(store)):
            if call is None or (a.page and not any(name.startswith(p) for p in a.page)):
                continue
            rows = profile(store, call, facts, a.reps)
            union = sum(r["union_ms"] for r in rows)
            est = sum(r["facts_ms"] if r["facts_ms"] is not None else r["union_ms"] for r in rows)
            named = sum(r["union_ms"] for r in rows if r["facts_ms"] is None)
            print(f"== {name}: {len(rows)} queries, {union:.1f} ms on the union"
                  + (f"; on the copy {est:.1f} ms ({named:.1f} ms of it naming graphs)" if facts else ""))
            by: dict[str, list[float]] = {}
            for r in rows:
                s = by.setdefault(r["shape"], [0, 0.0, 0.0])
                s[0] += 1
                s[1] += r["union_ms"]
                s[2] += r["facts_ms"] if r["facts_ms"] is not None else r["union_ms"]
            for sh, (n, u, f) in sorted(by.items(), key=lambda kv: -kv[1][1])[:a.top]:
                print(f"  {int(n):4d} x {u:8.1f} ms" + (f" -> {f:8.1f}" if facts else "") + f"  {sh[:140]}")
    finally:
        store.close()


if __name__ == "__main__":
    main()
