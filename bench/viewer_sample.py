"""First visits to many pages, not only to the busiest: the cold cost of a typical page and of the worst.

:mod:`bench.viewer` measures the pages of the busiest unit, person, document and event, the worst case.  This
module opens the pages of a sample of entities of each kind instead: every ``n``-th IRI of the kind in IRI order
(deterministic, spread over the whole graph, hubs included when they fall on the stride), each page called once
**cold** (every memo forgotten first, :func:`graph.viewcache.invalidate`: as after a restart, a bulk load or a write
the log cannot describe) and its recorded SPARQL replayed on the raw engine.  It reports, per page kind, the p50,
p95 and maximum of those first calls and the ratio of their sum to the raw engine's.

``python -m bench.viewer_sample --dir STORE [--per-kind 40]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.viewer import Recorder, replay_raw, tables_ready
from graph.namespaces import ID

KINDS = ("unit", "person", "document", "event")


def sample(store: Any, kind: str, per_kind: int) -> list[str]:
    """``per_kind`` IRIs of ``kind`` spread evenly over all of that kind in IRI order (every one when fewer)."""
    q = (f'SELECT DISTINCT ?x WHERE {{ ?x a ?t FILTER(STRSTARTS(STR(?x), "{ID}{kind}/")) }}')
    every = sorted(str(r["x"]) for r in store.query(q, union_default_graph=True).rows())
    if len(every) <= per_kind:
        return every
    step = len(every) / per_kind
    return [every[int(i * step)] for i in range(per_kind)]


def page_calls(kind: str, iri: str) -> list[tuple[str, Callable[[Any], Any]]]:
    """The pages a visitor opens for ``iri``: its entity page, and the timeline of a unit or person."""
    from graph import entity, timeline

    out: list[tuple[str, Callable[[Any], Any]]] = [(f"entity-{kind}", lambda s: entity.entity_view(s, iri))]
    if kind == "unit":
        f = timeline.Filters(unit=iri)
        out.append(("timeline-unit", lambda s: timeline.events(s, f)))
    elif kind == "person":
        f = timeline.Filters(person=iri)
        out.append(("timeline-person", lambda s: timeline.events(s, f)))
    return out


def first_call(store: Any, call: Callable[[Any], Any]) -> tuple[float, float, int]:
    """The cold call's seconds, the raw engine's seconds for the same queries, and their number."""
    from graph.viewcache import invalidate

    invalidate()
    rec = Recorder(store)
    t = time.perf_counter()
    call(rec)
    mine = time.perf_counter() - t
    t = time.perf_counter()
    replay_raw(store.ox, rec.calls)
    return mine, time.perf_counter() - t, len(rec.calls)


def quantile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))] if s else 0.0


def measure(store: Any, per_kind: int) -> dict[str, dict[str, Any]]:
    """Per page kind: the cold seconds of each sampled page, their raw replays, and the slowest IRI."""
    out: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        for iri in sample(store, kind, per_kind):
            for name, call in page_calls(kind, iri):
                call(store)  # the disk and the process warm, as in a server that has been serving
                mine, raw, _ = first_call(store, call)
                r = out.setdefault(name, {"mine": [], "raw": [], "worst": ("", 0.0)})
                r["mine"].append(mine)
                r["raw"].append(raw)
                if mine > r["worst"][1]:
                    r["worst"] = (iri, mine)
    return out


def main(argv: list[str] | None = None) -> None:
    from graph.store import EmbeddedStore

    ap = argparse.ArgumentParser(prog="python -m bench.viewer_sample")
    ap.add_argument("--dir", type=Path, required=True, help="an embedded store (opened for this process alone)")
    ap.add_argument("--per-kind", type=int, default=40, help="entities sampled of each kind")
    a = ap.parse_args(argv)
    store = EmbeddedStore(a.dir)
    tables_ready(store)
    try:
        res = measure(store, a.per_kind)
    finally:
        store.close()
    print(f"{'page (cold, first call)':24} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'raw p50':>8} "
          f"{'ratio':>6}  slowest")
    for name, r in res.items():
        ratio = sum(r["mine"]) / max(sum(r["raw"]), 1e-9)
        print(f"{name:24} {len(r['mine']):>3} {quantile(r['mine'], 0.5) * 1e3:>8.1f} "
              f"{quantile(r['mine'], 0.95) * 1e3:>8.1f} {max(r['mine']) * 1e3:>8.1f} "
              f"{quantile(r['raw'], 0.5) * 1e3:>8.1f} {ratio:>5.2f}x  {r['worst'][0].rsplit('/', 1)[-1]}")


if __name__ == "__main__":
    main()
