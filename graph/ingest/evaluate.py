"""Precision, recall and F1 per kind against annotated articles.

A directory holds ``NNN-name.txt`` with its gold ``NNN-name.gold.json`` (the JSON schema of docs/INGEST.md).
A gold file may instead name its text with ``"article": {"text_path": ...}`` (relative to the gold file), as
``seed.gold.json`` does for the seed article kept outside the project; a gold whose text is absent is skipped.

Items are compared on their normalised values, not on offsets (a mention found at its second occurrence is
still found):
- units: the folded name; persons: one fact per (name, title, unit) of each post (``persons`` counts the
  names alone); documents: the symbol with its year, else the type and the number as written, else the type,
  issuer and year; events: type and date; dates: value and range end; programmes: the folded name.
Scores are micro-averaged over all articles.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from graph.ingest.gazetteer import key
from graph.ingest.pipeline import extract
from graph.ingest.symbols import ISSUERS
from graph.text import fold

EVAL_KINDS = ("units", "persons", "persons_with_posts", "documents", "events", "dates", "programmes")


def _unit(name: str | None) -> str:
    if not name:
        return ""
    return key(ISSUERS.get(name, name))


def keys(m: dict[str, Any], kind: str) -> list[str]:
    """The comparison keys of one kind in a mentions document."""
    if kind == "units":
        return [_unit(u["name"]) for u in m.get("units", [])]
    if kind == "persons":
        return [fold(p["name"]) for p in m.get("persons", [])]
    if kind == "persons_with_posts":
        out = []
        for p in m.get("persons", []):
            if not p.get("posts"):
                out.append(f"{fold(p['name'])}||")
            for q in p.get("posts", []):
                out.append(f"{fold(p['name'])}|{fold(q['title'])}|{_unit(q.get('unit'))}")
        return out
    if kind == "documents":
        out = []
        for d in m.get("documents", []):
            if d.get("symbol"):
                out.append(f"s|{d['symbol']}|{d.get('year') or ''}")
            elif d.get("number_as_written"):
                out.append(f"n|{d.get('type')}|{d['number_as_written']}")
            else:
                out.append(f"t|{d.get('type')}|{_unit(d.get('issuer'))}|{d.get('year') or ''}")
        return out
    if kind == "events":
        return [f"{e['type']}|{e.get('date')}" for e in m.get("events", [])]
    if kind == "dates":
        return [f"{d['value']}|{d.get('until')}" for d in m.get("dates", [])]
    if kind == "programmes":
        return [fold(p["name"]).strip(" .") for p in m.get("programmes", [])]
    raise ValueError(kind)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def compare(pred: dict[str, Any], gold: dict[str, Any], kind: str) -> Score:
    p, g = Counter(set(keys(pred, kind))), Counter(set(keys(gold, kind)))
    tp = sum((p & g).values())
    return Score(tp, sum(p.values()) - tp, sum(g.values()) - tp)


def gold_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.gold.json"))


def text_of(gold_path: Path, gold: dict[str, Any]) -> Path:
    rel = gold.get("article", {}).get("text_path")
    if rel:
        return (gold_path.parent / rel).resolve()
    return gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))


def evaluate(directory: Path) -> tuple[dict[str, Score], list[dict[str, Any]]]:
    """Scores per kind over the annotated articles of ``directory``, and per-article details."""
    total = {k: Score() for k in EVAL_KINDS}
    details = []
    for gp in gold_files(directory):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        tp = text_of(gp, gold)
        if not tp.is_file():
            continue
        pub = gold.get("article", {}).get("published")
        pred, _ = extract(tp.read_text(encoding="utf-8"), date.fromisoformat(pub) if pub else None)
        row: dict[str, Any] = {"article": gp.name}
        for k in EVAL_KINDS:
            s = compare(pred, gold, k)
            row[k] = s
            total[k].tp += s.tp
            total[k].fp += s.fp
            total[k].fn += s.fn
        details.append(row)
    return total, details


def report(total: dict[str, Score], n: int) -> str:
    lines = [f"{n} annotated article{'s' if n != 1 else ''}",
             f"{'kind':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for k, s in total.items():
        lines.append(f"{k:<20} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    return "\n".join(lines)
