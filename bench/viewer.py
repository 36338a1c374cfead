"""The viewer's own work, measured through the data functions of ``graph/`` and replayed on the baselines.

Each page is one call of its data function (``graph.entity.entity_view``, ``graph.timeline.events``,
``graph.analysis.connect``, ``graph.search.search``, ``graph.asof``).  A recording proxy around the store keeps
the SPARQL the call sends; the raw engine and rdflib then answer exactly those queries, so "within 2x of the
raw engine" compares the same work.  A page whose module is not there yet is reported as not available.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph.namespaces import ID

#: The unit whose as-of chart and post holders are drawn (present at every scale).
ASOF_UNIT = f"{ID}unit/van-phong-chinh-phu"
#: The keystrokes of a typeahead session (toned, as a user types them).
TYPEAHEAD = ["v", "vụ", "vụ t", "vụ tổ", "vụ tổ ch", "vụ tổ chức", "ng", "nguyễn", "nguyễn v", "nguyễn văn h",
             "bộ tài", "vpcp"]


@dataclass
class Recorder:
    """A store wrapper that records every query sent through it."""

    store: Any
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def query(self, sparql: str, **kw: Any) -> Any:
        self.calls.append((sparql, {k: v for k, v in kw.items() if v}))
        return self.store.query(sparql, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def pick_subjects(store: Any) -> dict[str, str]:
    """Representative IRIs to open pages for: the busiest unit, people, document and event."""
    def top(q: str) -> list[str]:
        return [str(r["x"]) for r in store.query(q, union_default_graph=True)]

    persons = top("SELECT ?x (COUNT(?e) AS ?n) WHERE { ?e prov:wasAssociatedWith ?x . "
                  f'FILTER(STRSTARTS(STR(?x), "{ID}person/")) }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 2')
    units = top("SELECT ?x (COUNT(?e) AS ?n) WHERE { ?e schema:organizer ?x } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1")
    docs = top("SELECT ?x (COUNT(?e) AS ?n) WHERE { ?e govkg:implements ?x } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1")
    events = top("SELECT ?x (COUNT(?a) AS ?n) WHERE { ?x prov:wasAssociatedWith ?a } GROUP BY ?x "
                 "ORDER BY DESC(?n) ?x LIMIT 1")
    out = {"unit": units[0] if units else "", "document": docs[0] if docs else "", "event": events[0] if events else ""}
    out["person"] = persons[0] if persons else ""
    out["person2"] = persons[1] if len(persons) > 1 else out["person"]
    return out


def pages(subjects: dict[str, str]) -> list[tuple[str, str, Callable[[Any], Any] | None]]:
    """(metric name, module, call) for every viewer page; call is None when the module is not there."""
    entity = _module("graph.entity")
    timeline = _module("graph.timeline")
    analysis = _module("graph.analysis")
    asof = _module("graph.asof")
    out: list[tuple[str, str, Callable[[Any], Any] | None]] = []
    for kind in ("unit", "person", "document", "event"):
        iri = subjects[kind]
        out.append((f"page:entity-{kind}", "graph.entity",
                    partial(entity.entity_view, iri=iri) if entity and iri else None))
    if timeline:
        f_unit = timeline.Filters(unit=subjects["unit"])
        f_person = timeline.Filters(person=subjects["person"])
        out.append(("page:timeline-unit", "graph.timeline", lambda s: timeline.events(s, f_unit)))
        out.append(("page:timeline-person", "graph.timeline", lambda s: timeline.events(s, f_person)))
    else:
        out.append(("page:timeline-unit", "graph.timeline", None))
    out.append(("page:relationship", "graph.analysis",
                (lambda s: analysis.connect(s, subjects["person"], subjects["person2"])) if analysis else None))
    out.append(("page:as-of", "graph.asof", _asof_call(asof, subjects)))
    if asof is not None and hasattr(asof, "post_holders"):
        out.append(("page:as-of-holders", "graph.asof", _bind(asof.post_holders, ASOF_UNIT, "2023-07-18")))
    return out


def _asof_call(asof: Any, subjects: dict[str, str]) -> Callable[[Any], Any] | None:
    """The as-of chart (``graph.asof.org_chart``) of the Government Office on 18 July 2023."""
    if asof is None:
        return None
    from datetime import date

    for name in ("org_chart", "chart", "post_holders"):
        fn = getattr(asof, name, None)
        if callable(fn):
            return _bind(fn, ASOF_UNIT, date(2023, 7, 18))
    return None


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[Any], Any]:
    def call(store: Any) -> Any:
        return fn(store, *args)
    return call


def typeahead_call() -> tuple[str, Callable[[Any, str], Any] | None]:
    search = _module("graph.search")
    return "graph.search", (lambda s, q: search.search(s, q)) if search else None


def scan_query(q: str) -> str:
    """The baseline for typeahead: what a user without an index would ask the engine for each keystroke."""
    esc = q.replace("\\", "\\\\").replace('"', '\\"')
    return ('SELECT DISTINCT ?s ?l WHERE { VALUES ?p { rdfs:label skos:altLabel foaf:name } ?s ?p ?l '
            f'FILTER(CONTAINS(LCASE(STR(?l)), "{esc}")) }} LIMIT 20')


def replay_raw(ox_store: Any, calls: list[tuple[str, dict[str, Any]]]) -> int:
    """The recorded queries answered by the raw pyoxigraph store, values touched but not converted (as
    :class:`bench.engines.OxigraphEngine` does); the number of rows."""
    from bench.engines import OxigraphEngine

    eng = OxigraphEngine.__new__(OxigraphEngine)
    eng.store = ox_store
    return sum(eng.run(q, union=bool(kw.get("union_default_graph")),
                       **{k: v for k, v in kw.items() if k != "union_default_graph"}) for q, kw in calls)


def measure_page(store: Any, call: Callable[[Any], Any], reps: int, budget: float) -> dict[str, Any]:
    """p50/p95 of a page's data function on ``store`` and of the raw engine replaying the same queries, the
    two alternating (the machine's load hits both alike)."""
    rec = Recorder(store)
    call(rec)  # warm
    rec.calls.clear()
    call(rec)
    calls = list(rec.calls)
    rows = replay_raw(store.ox, calls)
    call(store)  # caches kept per store object (graph.viewcache): warm the store's own, as the server's are
    return _alternate(store, call, calls, rows, reps, budget)


def _alternate(store: Any, call: Callable[[Any], Any], calls: list[Any], rows: int, reps: int, budget: float,
               before: Callable[[], None] | None = None, engine_calls: list[Any] | None = None) -> dict[str, Any]:
    """govkg's call and the raw engine's replay of ``calls`` in turn (``before`` runs ahead of each call), until
    ``reps`` samples or ``budget`` seconds (at least one sample); their p50/p95 and the ratio.  With
    ``engine_calls`` (the queries the page sends with no side tables), their replay too: the raw engine doing the
    page's whole work."""
    import time

    from bench.measure import p50, p95

    mine: list[float] = []
    raw: list[float] = []
    whole: list[float] = []
    start = time.perf_counter()
    while len(mine) < reps and (not mine or time.perf_counter() - start < budget):
        if before is not None:
            before()
        t = time.perf_counter()
        call(store)
        mine.append(time.perf_counter() - t)
        t = time.perf_counter()
        replay_raw(store.ox, calls)
        raw.append(time.perf_counter() - t)
        if engine_calls is not None:
            t = time.perf_counter()
            replay_raw(store.ox, engine_calls)
            whole.append(time.perf_counter() - t)
    out = {"n": len(mine), "queries": len(calls), "rows": rows, "p50": p50(mine), "p95": p95(mine),
           "raw_p50": p50(raw), "raw_p95": p95(raw), "ratio": p50(mine) / max(p50(raw), 1e-9)}
    if whole:
        out |= {"engine_queries": len(engine_calls or ()), "engine_p50": p50(whole),
                "engine_ratio": p50(mine) / max(p50(whole), 1e-9)}
    return out


def measure_cold(store: Any, call: Callable[[Any], Any], reps: int, budget: float) -> dict[str, Any]:
    """Like :func:`measure_page`, but every repetition is the first call after a write: all that the viewer
    remembers per store generation is forgotten first (:func:`graph.viewcache.invalidate`, what a write does), the
    process and the disk cache staying warm.  The raw engine replays the queries of such a first call."""
    from graph.viewcache import invalidate

    call(store)  # the pages and the disk warm, as in a server that has been serving
    rec = Recorder(store)
    invalidate()
    call(rec)
    calls = list(rec.calls)
    rows = replay_raw(store.ox, calls)
    return _alternate(store, call, calls, rows, reps, budget, before=invalidate,
                      engine_calls=engine_only_calls(store, call))


def engine_only_calls(store: Any, call: Callable[[Any], Any]) -> list[tuple[str, dict[str, Any]]] | None:
    """The queries a cold call sends when the side tables (graph.side_tables) answer nothing: what the raw
    engine does for the whole page; ``None`` when the store keeps no tables."""
    from graph import side_tables
    from graph.viewcache import invalidate

    if side_tables.path_for(store) is None:
        return None
    rec = Recorder(store)
    try:
        with side_tables.bypassed():
            invalidate()
            call(rec)
    finally:
        invalidate()
    return list(rec.calls)


def tables_ready(store: Any) -> None:
    """Build the tables kept beside the store when they are behind it (graph.side_tables: the server builds them
    in the background after a bulk load), and say how long that took."""
    import time

    from graph import side_tables

    started = time.perf_counter()
    ok = side_tables.ensure(store, wait=True)
    print(f"side tables: {'current' if ok else 'not kept'} after {time.perf_counter() - started:.1f} s", flush=True)


def small_write(store: Any, start: int | None = None) -> Callable[[], None]:
    """A writer of :func:`bench.change.small_change` (20 quads: a new article, person and membership of Văn phòng
    Chính phủ, restating the unit's type and labels), a new one per call, committed as a steward's POST does
    (:func:`graph.changes.post_graph`: validated, recorded, noted in :mod:`graph.write_log`)."""
    import time
    from itertools import count

    from bench.change import small_change
    from graph.changes import post_graph
    from graph.commit import WriteContext
    from graph.store.terms import n3

    numbers = count(int(time.time() * 1000) if start is None else start)  # never a change already in the store

    def write() -> None:
        quads = small_change(next(numbers))
        data = "\n".join(f"{n3(s)} {n3(p)} {n3(o)} ." for s, p, o, _ in quads).encode()
        gen = store.generation
        post_graph(store, str(quads[0][3]), data, "ntriples", "bench", ctx=WriteContext("bench"))
        assert store.generation != gen, "the small write changed nothing"
    return write


def measure_after_write(store: Any, call: Callable[[Any], Any], reps: int, budget: float) -> dict[str, Any]:
    """Like :func:`measure_cold`, but each repetition follows a real small write (:func:`small_write`, not timed):
    what the viewer kept across it (:mod:`graph.kept`) stays, the rest is read again.  The store grows by 20
    quads a repetition."""
    write = small_write(store)
    call(store)
    write()
    rec = Recorder(store)
    call(rec)
    calls = list(rec.calls)
    rows = replay_raw(store.ox, calls)
    return _alternate(store, call, calls, rows, reps, budget, before=write)


def _print_row(name: str, r: dict[str, Any]) -> None:
    whole = (f"   (raw engine, whole page: {r['engine_queries']} queries, p50 {r['engine_p50'] * 1e3:.1f} ms, "
             f"{r['engine_ratio']:.2f}x)") if "engine_p50" in r else ""
    print(f"{name:24} {r['n']:>3} {r['queries']:>3} {r['rows']:>7} {r['p50'] * 1e3:>9.1f} "
          f"{r['p95'] * 1e3:>9.1f} {r['raw_p50'] * 1e3:>9.1f} {r['raw_p95'] * 1e3:>9.1f} "
          f"{r['ratio']:>5.2f}x{whole}", flush=True)


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.viewer --dir STORE [--page page:entity-unit ...]``: each viewer page's p50/p95 on a
    store, govkg against the raw engine replaying the same queries (one process; the store is opened once)."""
    import argparse
    from pathlib import Path

    from graph.store import EmbeddedStore

    ap = argparse.ArgumentParser(prog="python -m bench.viewer")
    ap.add_argument("--dir", type=Path, required=True, help="an embedded store (opened for this process alone)")
    ap.add_argument("--page", action="append", default=[], help="a page name (page:entity-unit, ...) or a prefix")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds per page, at least one sample")
    ap.add_argument("--cold", action="store_true",
                    help="also measure each page as the first call after an undescribed write: every memo "
                         "forgotten (a 'cold' row after the warm one)")
    ap.add_argument("--after-write", action="store_true",
                    help="also measure each page as the first call after a real 20-quad write (bench.change; "
                         "it adds to the store): an 'after-write' row")
    a = ap.parse_args(argv)
    store = EmbeddedStore(a.dir)
    try:
        tables_ready(store)
        subjects = pick_subjects(store)
        print("subjects:", subjects, flush=True)
        print(f"{'page':24} {'n':>3} {'q':>3} {'rows':>7} {'p50 ms':>9} {'p95 ms':>9} {'raw p50':>9} "
              f"{'raw p95':>9} {'ratio':>6}", flush=True)
        for name, _module, call in pages(subjects):
            if call is None or (a.page and not any(name.startswith(p) for p in a.page)):
                continue
            r = measure_page(store, call, a.reps, a.budget)
            print(f"{name:24} {r['n']:>3} {r['queries']:>3} {r['rows']:>7} {r['p50'] * 1e3:>9.1f} "
                  f"{r['p95'] * 1e3:>9.1f} {r['raw_p50'] * 1e3:>9.1f} {r['raw_p95'] * 1e3:>9.1f} "
                  f"{r['ratio']:>5.2f}x", flush=True)
            if a.cold:
                _print_row(f"{name} cold", measure_cold(store, call, a.reps, a.budget))
            if a.after_write:
                _print_row(f"{name} after-write", measure_after_write(store, call, a.reps, a.budget))
    finally:
        store.close()


if __name__ == "__main__":
    main()
