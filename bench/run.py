"""``python -m bench run``: generate (or reuse) the graph, run every engine's worker, build the records.

Each engine runs in a child process with a deadline (:func:`run_child`); whatever it printed before the
deadline counts, what it did not reach is reported as missing with the reason.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import records
from bench.generate import generate, parse_scale
from bench.report import Record, table, write_json

ROOT = Path(__file__).resolve().parent.parent
#: Above this many quads the baselines that hold the whole graph in rdflib's memory are left out (rdflib's store
#: and pySHACL's input: about 1.5 GB and minutes to load at 1M, so 15 GB and more at 10M), and the notes say so.
RDFLIB_MAX_QUADS = 2_000_000


@dataclass
class Options:
    scale: str = "10k"
    json_out: Path | None = None
    quick: bool = False
    skip: set[str] = field(default_factory=set)  # rdflib, pyshacl, endpoint, validation
    workdir: Path = Path(os.environ.get("TMPDIR", "/tmp")) / "govkg-bench"
    seed: int = 7
    reps: int = 0  # 0: 30, or 5 with --quick
    budget: float = 0.0  # seconds per measure; 0: 10, or 2 with --quick
    pyshacl_budget: float = 0.0  # seconds of pySHACL per graph before extrapolating; 0: 12 budgets
    endpoint_seconds: float = 0.0
    clients: int = 8
    load_reps: int = 0  # loads per engine (median reported); 0: 3, or 1 with --quick or from 5M quads
    backend: str = "embedded"  # remote: govkg's store is a Virtuoso started by .ci/virtuoso.sh (bench.remote)

    def __post_init__(self) -> None:
        self.reps = self.reps or (5 if self.quick else 30)
        # from 5M quads one load takes minutes (10M: ~2 min each), long enough that the machine's noise averages out
        self.load_reps = self.load_reps or (1 if self.quick or parse_scale(self.scale) >= 5_000_000 else 3)
        self.budget = self.budget or (2.0 if self.quick else 10.0)
        self.endpoint_seconds = self.endpoint_seconds or (2.0 if self.quick else 10.0)
        self.pyshacl_budget = self.pyshacl_budget or self.budget * 12


def run_child(args: list[str], timeout: float, extra_env: dict[str, str] | None = None, log: Path | None = None
              ) -> tuple[list[dict[str, Any]], str]:
    """Run ``python -m ARGS`` from the checkout; returns (JSON lines printed, note: "" or why it stopped).

    ``log``: a file that gets each JSON line as it comes (a long run can be followed, and read if cut short)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(extra_env or {}))
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[dict[str, Any]] = []
    err: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        sink = log.open("a", encoding="utf-8") if log is not None else None
        for line in proc.stdout:
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                err.append(line)
                continue
            if sink is not None:
                sink.write(line)
                sink.flush()
        if sink is not None:
            sink.close()

    def read_err() -> None:
        assert proc.stderr is not None
        err.extend(proc.stderr.readlines()[-20:])

    readers = [threading.Thread(target=read, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for t in readers:
        t.start()
    note = ""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        note = f"stopped after its budget of {timeout:.0f} s"
    for t in readers:
        t.join(timeout=5)
    if not note and proc.returncode != 0:
        note = f"exited with {proc.returncode}: {''.join(err)[-300:].strip()}"
    return lines, note


def machine() -> dict[str, Any]:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "pyshacl": pyshacl.__version__, "platform": platform.platform()}


def dataset(o: Options) -> tuple[Path, int, float]:
    """The generated graph for the options, made once per (scale, seed)."""
    o.workdir.mkdir(parents=True, exist_ok=True)
    path = o.workdir / f"gov-{o.scale}-seed{o.seed}.nq"
    done = path.with_suffix(".count")
    if path.exists() and done.exists():
        return path, int(done.read_text()), 0.0
    t = time.perf_counter()
    n = generate(path, o.scale, o.seed)
    done.write_text(str(n))
    return path, n, time.perf_counter() - t


def run(o: Options) -> list[Record]:
    if o.backend == "remote":
        from bench.remote import virtuoso

        o.skip |= {"validation", "endpoint"}  # they measure the embedded store's own machinery
        # every load of govkg goes into the one Virtuoso of the run: extra load rounds would pile the graph up
        # (the worker then failed on Virtuoso's SQ156 "Query too large"; on a fresh Virtuoso it runs through)
        o.load_reps = 1
        with virtuoso(o.workdir / "virtuoso") as env:
            return _run(o, env)
    return _run(o, {})


def _run(o: Options, govkg_env: dict[str, str]) -> list[Record]:
    target = parse_scale(o.scale)
    data, quads, gen_s = dataset(o)
    print(f"bench: {data.name}: {quads} quads" + (f" generated in {gen_s:.1f} s" if gen_s else " (reused)"),
          file=sys.stderr)
    load_allowance = max(60.0, target / 5000)
    per_engine = load_allowance + o.budget * 100
    out: dict[str, tuple[list[dict[str, Any]], str]] = {}
    if quads > RDFLIB_MAX_QUADS:
        for part in ("rdflib", "pyshacl"):
            if part not in o.skip:
                o.skip.add(part)
                out[part] = ([], f"{part} left out above {RDFLIB_MAX_QUADS:,} quads (the whole graph in rdflib's "
                                 "memory: 15 GB and more at 10M)")
    common = ["--data", str(data), "--reps", str(o.reps), "--budget", str(o.budget)]
    stores = {e: o.workdir / f"store-{e}-{o.scale}" for e in ("govkg", "oxigraph")}
    for d in stores.values():
        shutil.rmtree(d, ignore_errors=True)
    plan = o.workdir / f"plan-{o.scale}.json"
    loads: list[dict[str, Any]] = []
    for i in range(o.load_reps - 1):  # extra loads, engines interleaved: the machine's noise hits both alike
        _step(f"load {i + 1}/{o.load_reps - 1}")
        for e in ("govkg", "oxigraph"):
            d = o.workdir / f"store-{e}-{o.scale}-load"
            shutil.rmtree(d, ignore_errors=True)
            loads += run_child(["bench.worker", e, "--dir", str(d), "--load-only", *common], load_allowance,
                               govkg_env if e == "govkg" else None)[0]
            shutil.rmtree(d, ignore_errors=True)
    _step("govkg" + (" on the remote backend" if govkg_env else ""))
    out["govkg"] = run_child(["bench.worker", "govkg", "--dir", str(stores["govkg"]), *common], per_engine, govkg_env,
                             log=_log(o, "govkg"))
    pages = {r["name"]: r["calls"] for r in out["govkg"][0] if r.get("kind") == "page" and "calls" in r}
    plan.write_text(json.dumps({"pages": pages}, ensure_ascii=False), encoding="utf-8")
    # rdflib's parser has no LATERAL: it replays what govkg sends to an engine without it
    sparql11 = {r["name"]: r.get("calls_sparql11", r["calls"]) for r in out["govkg"][0]
                if r.get("kind") == "page" and "calls" in r}
    plan11 = o.workdir / f"plan-{o.scale}-sparql11.json"
    plan11.write_text(json.dumps({"pages": sparql11}, ensure_ascii=False), encoding="utf-8")
    _step("oxigraph")
    out["oxigraph"] = run_child(["bench.worker", "oxigraph", "--dir", str(stores["oxigraph"]), "--plan", str(plan),
                                 *common], per_engine, log=_log(o, "oxigraph"))
    if "rdflib" not in o.skip:
        _step("rdflib")
        rd = ["--data", str(data), "--reps", str(min(o.reps, 5)), "--budget", str(o.budget)]
        out["rdflib"] = run_child(["bench.worker", "rdflib", "--dir", str(o.workdir / "unused"), "--plan", str(plan11),
                                   *rd], load_allowance * 4 + o.budget * 60, log=_log(o, "rdflib"))
    if "validation" not in o.skip:
        _step("validation")
        args = ["bench.validation", "--dir", str(stores["govkg"]), "--reps", str(o.reps), "--budget", str(o.budget),
                "--pyshacl-budget", str(o.pyshacl_budget)]
        pyshacl_s = 0.0 if "pyshacl" in o.skip else o.pyshacl_budget * 2 + load_allowance * 2  # + load, union
        if "pyshacl" in o.skip:
            args.append("--skip-pyshacl")
        out["validation"] = run_child(args, load_allowance * 3 + o.budget * 10 + pyshacl_s, log=_log(o, "validation"))
    if "endpoint" not in o.skip:
        _step("endpoint")
        args = ["bench.endpoint", "--dir", str(stores["govkg"]), "--seconds", str(o.endpoint_seconds),
                "--clients", str(o.clients)]
        out["endpoint"] = run_child(args, o.endpoint_seconds * 4 + 120, log=_log(o, "endpoint"))
    out["loads"] = (loads, "")
    recs = records.build(o.scale, out, o.skip)
    meta = {"scale": o.scale, "quads": quads, "seed": o.seed, "quick": o.quick, "reps": o.reps, "budget_s": o.budget,
            "backend": o.backend,
            "command": " ".join(["python -m bench", *sys.argv[1:]]) if sys.argv else "", "machine": machine(),
            "notes": {k: v[1] for k, v in out.items() if v[1]}}
    print(table(recs))
    if o.json_out is not None:
        write_json(recs, o.json_out, meta)
        print(f"bench: wrote {len(recs)} records to {o.json_out}", file=sys.stderr)
    return recs


def _log(o: Options, part: str) -> Path:
    """``WORKDIR/lines-SCALE-PART.jsonl``, emptied: the part's JSON lines as they come."""
    p = o.workdir / f"lines-{o.scale}-{part}.jsonl"
    p.write_text("", encoding="utf-8")
    return p


def _step(name: str) -> None:
    print(f"bench: measuring {name} ...", file=sys.stderr, flush=True)
