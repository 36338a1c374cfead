"""``python -m bench generate|run``.

- ``python -m bench generate --scale 100k --out gov.nq`` writes a generated government graph (.nq or .trig).
- ``python -m bench run --scale 1m --json OUT.json`` measures govkg against raw pyoxigraph, rdflib and a bare
  WSGI app in one run, prints a table and writes the JSON records (see :mod:`bench.report`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.generate import generate, parse_scale

SKIPPABLE = ("rdflib", "pyshacl", "validation", "endpoint")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write a generated government graph")
    g.add_argument("--scale", default="10k", help="10k, 100k, 1m, 10m or a number of triples")
    g.add_argument("--out", type=Path, required=True, help="output file (.nq or .trig)")
    g.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("run", help="measure govkg against its baselines")
    r.add_argument("--scale", default="10k", help="10k, 100k, 1m, 10m or a number of triples")
    r.add_argument("--json", dest="json_out", type=Path, help="write the records here")
    r.add_argument("--quick", action="store_true", help="few repetitions and short budgets (CI smoke run)")
    r.add_argument("--skip-baseline", action="append", default=[], choices=SKIPPABLE, metavar="NAME",
                   help=f"leave out a baseline or part ({', '.join(SKIPPABLE)}); repeatable")
    r.add_argument("--workdir", type=Path, help="where the generated graph and the stores go "
                   "(default $TMPDIR/govkg-bench; the graph is reused between runs)")
    r.add_argument("--seed", type=int, default=7)
    r.add_argument("--reps", type=int, default=0, help="repetitions per query (default 30, 5 with --quick)")
    r.add_argument("--budget", type=float, default=0.0,
                   help="seconds per measure before it stops repeating (default 10, 2 with --quick)")
    r.add_argument("--pyshacl-budget", type=float, default=0.0,
                   help="seconds of pySHACL per graph before its full time is extrapolated (default 12 budgets)")
    r.add_argument("--load-reps", type=int, default=0,
                   help="loads per engine, median reported (default 3; 1 with --quick or from 5M quads)")
    r.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients for the endpoint")
    r.add_argument("--backend", choices=("embedded", "remote"), default="embedded",
                   help="govkg's store: embedded (Oxigraph on disk), or remote: a Virtuoso on 127.0.0.1 started "
                   "with .ci/virtuoso.sh for the run (the query and page measures; validation and endpoint skipped)")
    rep = sub.add_parser("report", help="print a RESULTS.md section from a JSON file written by run --json")
    rep.add_argument("json_in", type=Path)
    return ap


def main(argv: list[str] | None = None) -> int:
    a = parser().parse_args(argv)
    if a.cmd == "generate":
        n = generate(a.out, parse_scale(a.scale), a.seed)
        print(f"wrote {n} quads to {a.out}", file=sys.stderr)
        return 0
    if a.cmd == "report":
        import json

        from bench.report import markdown

        print(markdown(json.loads(a.json_in.read_text(encoding="utf-8"))))
        return 0
    from bench.run import Options, run

    o = Options(scale=a.scale, json_out=a.json_out, quick=a.quick, skip=set(a.skip_baseline), seed=a.seed,
                reps=a.reps, budget=a.budget, clients=a.clients, backend=a.backend,
                load_reps=a.load_reps, pyshacl_budget=a.pyshacl_budget)
    if a.workdir is not None:
        o.workdir = a.workdir
    run(o)
    return 0
