"""From the workers' JSON lines to :class:`bench.report.Record` rows, with the issue's targets.

Every metric below is always present: a measure that did not run (module not there yet, engine skipped or
stopped by its budget) keeps its row, with null values and a note saying why.
"""

from __future__ import annotations

from typing import Any

from bench.engines import BASELINE_NAMES
from bench.measure import p50, p95, p99
from bench.report import Record

Lines = dict[str, tuple[list[dict[str, Any]], str]]
MS = 1000.0


def _find(lines: list[dict[str, Any]], kind: str, name: str | None = None, engine: str | None = None) -> dict | None:
    for r in lines:
        if r.get("kind") == kind and (name is None or r.get("name") == name) and (engine is None or
                                                                                 r.get("engine") == engine):
            return r
    return None


def _stat(rec: dict | None, fn: Any) -> tuple[float | None, str]:
    """(value in ms, note) of a measure: its statistic, or the budget as a lower bound when no run finished."""
    if rec is None:
        return None, ""
    if rec.get("samples"):
        return fn(rec["samples"]) * MS, ""
    if rec.get("over_budget"):
        return rec["over_budget"] * MS, f"lower bound: stopped at the {rec['over_budget']:g} s budget"
    return None, rec.get("unavailable") or rec.get("error", "")


def _median_load(lines: list[dict[str, Any]], engine: str) -> dict[str, Any] | None:
    """The load of median duration among ``engine``'s loads, with ``n`` the number of loads."""
    loads = sorted((r for r in lines if r.get("kind") == "load" and r.get("engine") == engine),
                   key=lambda r: r["seconds"])
    if not loads:
        return None
    return {**loads[(len(loads) - 1) // 2], "n": len(loads)}


def _why(out: Lines, engine: str, skip: set[str], rec: dict | None) -> str:
    if engine in out and out[engine][1] and not out[engine][0]:  # left out by the harness, with its reason
        return out[engine][1]
    if engine in skip:
        return f"{engine} skipped (--skip-baseline {engine})"
    if rec is not None:
        return rec.get("unavailable") or rec.get("error", "")
    if engine in out and out[engine][1]:
        return out[engine][1]
    return "not measured"


def build(scale: str, out: Lines, skip: set[str]) -> list[Record]:
    recs: list[Record] = []
    g = out.get("govkg", ([], "not run"))[0]
    base = {e: out.get(e, ([], ""))[0] for e in ("oxigraph", "rdflib")}

    # Load throughput and peak memory.
    extra = out.get("loads", ([], ""))[0]
    gl = _median_load([*extra, *g], "govkg")
    for e, lines in base.items():
        bl = _median_load([*extra, *lines], e)
        note = "" if bl and gl else _why(out, "govkg" if not gl else e, skip, None) or "load did not finish"
        if bl and gl and (gl["n"] > 1 or bl["n"] > 1):
            note = f"median of {gl['n']} and {bl['n']} loads"
        gt = gl["quads"] / gl["seconds"] if gl else None
        bt = bl["quads"] / bl["seconds"] if bl else None
        r = Record("load_throughput", scale, gt, bt, BASELINE_NAMES[e] + (" bulk_load" if e == "oxigraph" else ""),
                   "quads/s", "higher", note=note)
        if e == "oxigraph":
            r.target = "≥ 1/1.5 of raw bulk load"
            r.meets = None if r.ratio is None else r.ratio >= 1 / 1.5
        recs.append(r)
        recs.append(Record("load_peak_memory", scale, gl["peak_mb"] if gl else None, bl["peak_mb"] if bl else None,
                           BASELINE_NAMES[e], "MB", note=note))
    # The tables kept beside the store (graph.side_tables), built after the load (in the background when
    # serving): the load and that build together, against raw pyoxigraph's bulk load.
    tables = _find(g, "tables")
    ol = _median_load([*extra, *base["oxigraph"]], "oxigraph")
    if tables is not None and gl:
        total = gl["seconds"] + tables["seconds"]
        r = Record("load_and_side_tables_throughput", scale, gl["quads"] / total,
                   ol["quads"] / ol["seconds"] if ol else None, BASELINE_NAMES["oxigraph"] + " bulk_load", "quads/s",
                   "higher", note=f"side tables built in {tables['seconds']:.1f} s after the load")
        recs.append(r)

    # Researcher queries and the model's own examples.
    names = [r["name"] for r in g if r.get("kind") == "query"]
    for name in names:
        gq = _find(g, "query", name)
        for e, lines in base.items():
            bq = _find(lines, "query", name)
            for stat, fn in (("p50", p50), ("p95", p95)):
                gv, gn = _stat(gq, fn)
                bv, bn = _stat(bq, fn)
                note = gn or bn
                if gv is None or bv is None:
                    note = note or (_why(out, "govkg", skip, gq) if gv is None else _why(out, e, skip, bq))
                recs.append(Record(f"{name} {stat}", scale, gv, bv, BASELINE_NAMES[e], "ms", note=note))

    # Viewer pages: the same SPARQL replayed on the baselines.
    for gp in [r for r in g if r.get("kind") == "page"]:
        name = gp["name"]
        for e, lines in base.items():
            bp = _find(lines, "page", name)
            for stat, fn in (("p50", p50), ("p95", p95)):
                gv, gn = _stat(gp, fn)
                bv, bn = _stat(bp, fn)
                note = gn or bn
                if bp is None and "calls" not in gp and gp.get("over_budget"):
                    note = f"govkg's first call passed the {gp['over_budget']:g} s budget: its queries not replayed"
                if gv is None or bv is None:
                    note = note or (_why(out, "govkg", skip, gp) if gv is None else _why(out, e, skip, bp))
                same = " (same queries)" if e == "oxigraph" else " (the same page's queries without LATERAL)"
                r = Record(f"{name} {stat}", scale, gv, bv, BASELINE_NAMES[e] + same, "ms", note=note)
                if stat == "p50" and e == "oxigraph":
                    r.target = "≤ 2x raw, < 50 ms"
                    r.meets = None if r.ratio is None or gv is None else (r.ratio <= 2 and gv < 50)
                recs.append(r)
    if not any(r.get("kind") == "page" for r in g):
        recs.append(Record("page:* p50", scale, None, None, "raw pyoxigraph", "ms",
                           note=_why(out, "govkg", skip, None)))

    # Typeahead: the index against a label scan per keystroke.
    gts = [s for r in g if r.get("kind") == "typeahead" for s in r.get("samples", [])]
    for e, lines in base.items():
        bts = [s for r in lines if r.get("kind") == "typeahead" for s in r.get("samples", [])]
        cut = sum(1 for r in lines if r.get("kind") == "typeahead" and r.get("over_budget"))
        for stat, fn in (("p50", p50), ("p95", p95)):
            note = "" if gts and bts else _why(out, e if gts else "govkg", skip, _find(g, "typeahead"))
            if cut:
                note = f"{cut} keystrokes stopped at the budget, left out"
            r = Record(f"typeahead {stat}", scale, fn(gts) * MS if gts else None, fn(bts) * MS if bts else None,
                       BASELINE_NAMES[e] + " label scan (CONTAINS)", "ms", note=note)
            if stat == "p95" and e == "oxigraph":
                r.target, r.meets = "< 50 ms", (None if not gts else fn(gts) * MS < 50)
            recs.append(r)
    ix = _find(g, "index")
    recs.append(Record("search_index_build", scale, ix["seconds"] if ix else None, None, "—", "s",
                       note="no baseline: rdflib and raw pyoxigraph have no search index (their scan needs none)"
                       if ix else _why(out, "govkg", skip, _find(g, "done")) or "graph.search not available"))
    if ix and "rss_mb" in ix:
        recs.append(Record("search_index_memory", scale, ix["rss_mb"], None, "—", "MB",
                           note="growth of the worker's resident memory over the build (its transient buffers too)"))

    # Memory of the process that ran the viewer's work.
    gd = _find(g, "done")
    od = _find(base["oxigraph"], "done")
    r = Record("viewer_process_peak_memory", scale, gd["peak_mb"] if gd else None, od["peak_mb"] if od else None,
               "raw pyoxigraph process", "MB", target="< 1024 MB",
               note="" if gd and od else _why(out, "govkg" if not gd else "oxigraph", skip, None))
    r.meets = None if gd is None else gd["peak_mb"] < 1024
    recs.append(r)

    recs += _validation(scale, out, skip)
    recs += _endpoint(scale, out, skip)
    return recs


def _validation(scale: str, out: Lines, skip: set[str]) -> list[Record]:
    v = out.get("validation", ([], "validation skipped" if "validation" in skip else "not run"))
    lines, why = v
    gc, pc = _find(lines, "validation", "change", "govkg"), _find(lines, "validation", "change", "pyshacl")
    gf, pf = _find(lines, "validation", "full", "govkg"), _find(lines, "validation", "full", "pyshacl")
    pys_why = out.get("pyshacl", ([], ""))[1] or ("pyshacl skipped" if "pyshacl" in skip else (why or "not measured"))
    g_why = (gf or {}).get("unavailable") or why or "not measured"
    out_recs = []
    gv, _ = _stat(gc, p50)
    pv, _ = _stat(pc, p50)
    r = Record("validate_change_20_triples p50", scale, gv, pv,
               "pyshacl focus_nodes + use_shapes", "ms", target="< 10 ms", meets=None if gv is None else gv < 10,
               note="" if gc and pc else (g_why if not gc else pys_why))
    out_recs.append(r)
    gfs = gf["samples"][0] if gf and "samples" in gf else None
    pfs = pf["samples"][0] if pf else None
    note = "" if gfs is not None and pfs is not None else (g_why if gfs is None else pys_why)
    if gf and pf and "results" in gf:
        note = f"results: govkg {gf['results']}, pyshacl {pf.get('results')}"
        if pf.get("estimated"):
            note += (f"; pyshacl extrapolated from {pf['graphs']:,} of {pf['of_graphs']:,} graphs "
                     f"({pf['quads']:,} of {pf['of_quads']:,} quads, results counted there)")
    r = Record("validate_full", scale, gfs, pfs, "pyshacl each graph by itself (as govkg)", "s",
               target="≥ 10x faster", note=note)
    r.meets = None if r.ratio is None else r.ratio <= 0.1
    out_recs.append(r)
    pu = _find(lines, "validation", "full-union", "pyshacl")
    pus = pu["samples"][0] if pu else None
    gu = _find(lines, "validation", "full-union", "govkg")  # govkg's own whole-graph mode (validate_whole)
    gus = gu["samples"][0] if gu else gfs
    note = "" if gus is not None and pus is not None else (g_why if gus is None else pys_why)
    if gu and pu and "results" in gu:
        note = (f"govkg --whole, the same question; results: govkg {gu['results']}, pyshacl {pu.get('results')} "
                f"({pu.get('distinct_results')} distinct), identical: {pu.get('identical_to_govkg')}")
    elif gf and pu and "results" in gf:
        note = (f"a different question (each graph may lean on the others' types); "
                f"results: govkg per graph {gf['results']}, pyshacl union {pu.get('results')}")
    # The issue words the target against pySHACL "over the whole graph": judged here too, not only per graph.
    ru = Record("validate_full_union", scale, gus, pus, "pyshacl union of all graphs as one graph", "s",
                target="≥ 10x faster", note=note)
    ru.meets = None if ru.ratio is None else ru.ratio <= 0.1
    out_recs.append(ru)
    return out_recs


def _latency(rec: dict[str, Any], stat: str) -> float | None:
    """p50/p99 in ms: from every latency (Python client) or as the client reported it (wrk)."""
    if rec.get("latencies"):
        return float((p50 if stat == "p50" else p99)(rec["latencies"]) * MS)
    value = rec.get(f"{stat}_ms")
    return None if value is None else float(value)


def _endpoint(scale: str, out: Lines, skip: set[str]) -> list[Record]:
    lines, why = out.get("endpoint", ([], "endpoint skipped" if "endpoint" in skip else "not run"))
    # govkg as it serves by default (the most processes measured: SERVING_PROCESSES's default), the reference with
    # as many processes, the bare app with its one
    ge: dict[str, Any] = max((r for r in lines if r.get("kind") == "endpoint" and r.get("engine") == "govkg"),
                             key=lambda r: int(r.get("processes") or 1), default={})
    n = int(ge.get("processes") or 1)
    recs: list[Record] = []
    for engine, name in (("flask-pyoxigraph", f"smallest Flask endpoint on pyoxigraph, same server, {n} processes"),
                         ("bare", "bare WSGI app, same server, 1 process")):
        want = 1 if engine == "bare" else n
        be: dict[str, Any] = next((r for r in lines if r.get("kind") == "endpoint" and r.get("engine") == engine
                                   and int(r.get("processes") or 1) == want), {})
        note = "" if "rps" in ge and "rps" in be else (ge.get("unavailable") or ge.get("error") or why or
                                                       "not measured")
        if ge.get("client"):
            note = f"govkg {n} processes, client {ge['client']}" + (f"; {note}" if note else "")
        recs.append(Record("endpoint_lookup_throughput", scale, ge.get("rps"), be.get("rps"), name, "req/s", "higher",
                           target="≥ 3,000 req/s", meets=None if "rps" not in ge else ge["rps"] >= 3000, note=note))
        for stat in ("p50", "p99"):
            gv, bv = _latency(ge, stat), _latency(be, stat)
            r = Record(f"endpoint_lookup_latency {stat}", scale, gv, bv, name, "ms", note=note)
            if stat == "p99":
                r.target, r.meets = "< 10 ms", None if gv is None else gv < 10
            recs.append(r)
    be = _find(lines, "endpoint", engine="bare") or {}
    gm = ge.get("server_peak_mb")
    note = "" if gm is not None else (ge.get("unavailable") or ge.get("error") or why or "not measured")
    recs.append(Record("serving_process_peak_memory", scale, gm, be.get("server_peak_mb"), "bare WSGI app", "MB",
                       target="< 1024 MB", meets=None if gm is None else gm < 1024, note=note))
    return recs
