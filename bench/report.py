"""Records and the printed table.

Every record is ``{"metric", "scale", "govkg", "baseline", "baseline_name", "ratio", "unit"}`` plus ``better``
("lower" or "higher"), and, where the issue sets one, ``target`` (text) and ``meets`` (true/false).  ``ratio`` is
always govkg ÷ baseline in the record's unit, so for times below 1 means govkg is faster, and for throughputs
above 1 means govkg serves more.  A measure that could not run has ``govkg`` or ``baseline`` null and a ``note``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Record:
    metric: str
    scale: str
    govkg: float | None
    baseline: float | None
    baseline_name: str
    unit: str
    better: str = "lower"
    target: str = ""
    meets: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.govkg is None or self.baseline is None or self.baseline == 0:
            return None
        return self.govkg / self.baseline

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        r = self.ratio
        d["ratio"] = None if r is None else float(f"{r:.4g}")
        for k in ("govkg", "baseline"):
            if isinstance(d[k], float):
                d[k] = round(d[k], 6)
        return d


REQUIRED_KEYS = ("metric", "scale", "govkg", "baseline", "baseline_name", "ratio", "unit")


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def table(records: list[Record]) -> str:
    """A Markdown table, one row per record."""
    head = "| metric | govkg | baseline | baseline name | govkg ÷ baseline | unit | target | meets |"
    lines = [head, "|---|---:|---:|---|---:|---|---|---|"]
    for r in records:
        ratio = r.ratio
        meets = "" if r.meets is None else ("yes" if r.meets else "**no**")
        name = r.baseline_name + (f" ({r.note})" if r.note else "")
        lines.append(f"| {r.metric} | {_fmt(r.govkg)} | {_fmt(r.baseline)} | {name} | "
                     f"{'—' if ratio is None else f'{ratio:.2f}x'} | {r.unit} | {r.target} | {meets} |")
    return "\n".join(lines)


def write_json(records: list[Record], path: Path, meta: dict[str, Any]) -> None:
    doc = {"meta": meta, "records": [r.as_dict() for r in records]}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def markdown(doc: dict[str, Any]) -> str:
    """A RESULTS.md section from a JSON document written by :func:`write_json`."""
    m = doc["meta"]
    mc = m["machine"]
    recs = [Record(**{k: r[k] for k in Record.__dataclass_fields__}) for r in doc["records"]]
    lines = [
        f"### {m['scale']} ({m['quads']:,} quads, seed {m['seed']})",
        "",
        f"Command: `{m['command']}`",
        "",
        f"Machine: {mc['nproc']} cores ({mc['cpu']}), {mc['memory_gb']} GB, {mc['platform']}; Python {mc['python']}, "
        f"pyoxigraph {mc['pyoxigraph']}, rdflib {mc['rdflib']}, pyshacl {mc['pyshacl']}.  "
        f"{m['reps']} repetitions, {m['budget_s']:g} s budget per measure.",
        "",
        table(recs),
    ]
    if m.get("notes"):
        lines += ["", "Stopped or failed parts: " + "; ".join(f"{k}: {v}" for k, v in m["notes"].items())]
    return "\n".join(lines) + "\n"
