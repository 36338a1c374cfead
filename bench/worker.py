"""One engine's measurements in a process of its own: ``python -m bench.worker ENGINE --data FILE ...``.

A process per engine keeps peak memory apart and lets the harness stop an engine that runs past its budget
without losing what it already measured: every result is printed as one JSON line as soon as it is known.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench import viewer
from bench.engines import Engine, make
from bench.measure import current_rss_mb, peak_rss_mb, samples, timed
from graph.seed import seed_plan

ROOT = Path(__file__).resolve().parent.parent
QUERY_DIRS = (ROOT / "docs" / "queries", ROOT / "bench" / "queries")


def emit(**rec: Any) -> None:
    sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def research_queries() -> list[tuple[str, str]]:
    """(metric name, SPARQL) of the README's researcher queries and the model's own examples."""
    out = []
    for d in QUERY_DIRS:
        prefix = "query" if d.parent.name == "docs" else "model"
        out += [(f"{prefix}:{p.stem}", p.read_text(encoding="utf-8")) for p in sorted(d.glob("*.rq"))]
    return out


def _load(engine: Engine, data: Path) -> None:
    dt, quads = timed(lambda: engine.load(data))
    emit(kind="load", engine=engine.name, seconds=dt, quads=quads, peak_mb=peak_rss_mb())
    for path, graph in seed_plan():
        if graph is not None:
            engine.load_extra(path, "turtle", graph)


def tables_built(store: Any) -> None:
    """The tables kept beside the store (graph.side_tables), built after the load as the server does in the
    background, here waited for (the pages are measured with them, as they are served once built)."""
    from graph import side_tables

    if side_tables.path_for(store) is None:
        return
    dt, ok = timed(lambda: side_tables.ensure(store, wait=True))
    emit(kind="tables", engine="govkg", seconds=dt, current=ok)


def _queries(engine: Engine, reps: int, budget: float) -> None:
    for name, sparql in research_queries():
        try:
            r = samples(partial(engine.run, sparql, union=True), reps, budget)
        except Exception as e:  # a query one engine cannot answer is reported, not fatal
            emit(kind="query", engine=engine.name, name=name, error=f"{type(e).__name__}: {e}"[:300])
            continue
        emit(kind="query", engine=engine.name, name=name, samples=r["samples"], rows=r["rows"],
             over_budget=r.get("over_budget"))


def _viewer_govkg(engine: Engine, reps: int, budget: float) -> None:
    store = engine.store  # type: ignore[attr-defined]
    tables_built(store)
    subjects = viewer.pick_subjects(store)
    emit(kind="subjects", engine="govkg", subjects=subjects)
    rec = viewer.Recorder(store)
    for name, module, call in viewer.pages(subjects):
        if call is None:
            emit(kind="page", engine="govkg", name=name, unavailable=f"{module} is not available yet")
            continue
        try:
            rec.calls.clear()
            first = samples(partial(call, rec), 1, budget, warmup=0)  # the cold call, recorded, within the budget
            if first.get("over_budget"):  # its queries are incomplete: not replayed on the baselines
                emit(kind="page", engine="govkg", name=name, samples=[], over_budget=budget)
                continue
            cold, calls = first["samples"][0], list(rec.calls)
            r = samples(partial(call, rec), reps, budget, warmup=0)
        except Exception as e:
            emit(kind="page", engine="govkg", name=name, error=f"{type(e).__name__}: {e}"[:300])
            continue
        emit(kind="page", engine="govkg", name=name, samples=r["samples"], cold=cold, calls=calls,
             calls_sparql11=_sparql11_calls(store, call), over_budget=r.get("over_budget"))
    module, search = viewer.typeahead_call()
    if search is None:
        emit(kind="typeahead", engine="govkg", unavailable=f"{module} is not available yet")
        return
    build = getattr(viewer._module("graph.search"), "index", None)  # search() itself would not wait for the build
    before = current_rss_mb()
    cold, _ = timed(lambda: build(store) if build is not None else search(store, "khởi động"))
    emit(kind="index", engine="govkg", name="search-index-build", seconds=cold, rss_mb=current_rss_mb() - before,
         peak_mb=peak_rss_mb())
    for q in viewer.TYPEAHEAD:
        r = samples(partial(search, store, q), reps, budget, warmup=0)
        emit(kind="typeahead", engine="govkg", name=q, samples=r["samples"], over_budget=r.get("over_budget"))


class _Sparql11(viewer.Recorder):
    """A recorder for an engine without ``LATERAL`` (rdflib's SPARQL): govkg then sends SPARQL 1.1 forms."""

    supports_lateral = False


def _sparql11_calls(store: Any, call: Any) -> list[Any]:
    """The queries of a page's first call on an engine without ``LATERAL`` (what rdflib replays; its parser has no
    ``LATERAL``), every memo forgotten first."""
    from graph.viewcache import invalidate

    invalidate()
    rec = _Sparql11(store)
    call(rec)
    invalidate()
    return list(rec.calls)


def _replay(engine: Engine, calls: list[Any]) -> int:
    return sum(engine.run(q, union=bool(kw.get("union_default_graph")),
                          **{k: v for k, v in kw.items() if k != "union_default_graph"}) for q, kw in calls)


def _viewer_replay(engine: Engine, plan: dict[str, Any], reps: int, budget: float) -> None:
    for name, calls in plan.get("pages", {}).items():
        try:
            r = samples(partial(_replay, engine, calls), reps, budget)
        except Exception as e:
            emit(kind="page", engine=engine.name, name=name, error=f"{type(e).__name__}: {e}"[:300])
            continue
        emit(kind="page", engine=engine.name, name=name, samples=r["samples"], over_budget=r.get("over_budget"))
    for q in viewer.TYPEAHEAD:
        r = samples(partial(engine.run, viewer.scan_query(q), union=True), reps, budget)
        emit(kind="typeahead", engine=engine.name, name=q, samples=r["samples"], over_budget=r.get("over_budget"))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.worker")
    ap.add_argument("engine", choices=("govkg", "oxigraph", "rdflib"))
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--dir", type=Path, required=True, help="store directory (created)")
    ap.add_argument("--plan", type=Path, help="the govkg worker's recorded page queries (JSON), for replay")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query or page")
    ap.add_argument("--load-only", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    engine = make(a.engine, a.dir)
    _load(engine, a.data)
    if not a.load_only:
        _queries(engine, a.reps, a.budget)
        if a.engine == "govkg":
            _viewer_govkg(engine, a.reps, a.budget)
        elif a.plan is not None and a.plan.exists():
            _viewer_replay(engine, json.loads(a.plan.read_text(encoding="utf-8")), a.reps, a.budget)
    emit(kind="done", engine=a.engine, peak_mb=peak_rss_mb(), seconds=time.perf_counter() - t0)
    engine.close()


if __name__ == "__main__":
    main()
