"""Citable releases: dated, versioned dumps of the whole graph with checksums, a manifest and a change summary.

``make_release(store, out)`` writes one directory ``out/{name}/`` (``name`` is the date, ``2026-01-15``, or
``2026-01-15-2`` for a second release that day) holding, all named ``govkg-{name}.*``:

- ``.nq.gz``: the whole store as canonical N-Quads (blank nodes relabelled from their content, lines sorted),
  so the same data gives the same bytes and the same checksum;
- ``.trig.gz``: the same data as TriG, with the project's prefixes, for reading;
- ``.changes.json``: what changed since the previous release (triples added and removed per graph, graphs
  and typed entities added and removed);
- ``.void.ttl``: the dataset description (VoID and DCAT) of this release;
- ``.manifest.json``: name, version, date, licence, fingerprint, counts, files with their SHA-256 and size;
- ``.sha256``: ``sha256sum``-style checksums of every other file.

The fingerprint of a store is the SHA-256 of its canonical N-Quads: loading a release into a fresh store gives
back the same fingerprint.  Gzip members carry no name and no time, so a release is reproducible.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, cast

from graph import __version__
from graph.errors import GovkgError
from graph.store.base import Store

LICENCE = {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International"}
NAME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-[1-9]\d{0,3})?$")
#: The only file names a release has (and the only ones the server hands out).
FILE_RE = re.compile(r"^govkg-(\d{4}-\d{2}-\d{2}(?:-[1-9]\d{0,3})?)\.(nq\.gz|trig\.gz|changes\.json|void\.ttl|"
                     r"manifest\.json|sha256)$")
MEDIA_TYPES = {"nq.gz": "application/gzip", "trig.gz": "application/gzip", "changes.json": "application/json",
               "void.ttl": "text/turtle", "manifest.json": "application/json", "sha256": "text/plain"}
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DEFAULT_GRAPH = ""


class ReleaseError(GovkgError):
    pass


def default_releases_dir() -> Path:
    """``$GOVKG_RELEASES_DIR``, else ``$XDG_DATA_HOME/govkg/releases`` (``~/.local/share/govkg/releases``)."""
    env = os.environ.get("GOVKG_RELEASES_DIR")
    if env:
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "govkg" / "releases"


# --- canonical form and fingerprint ---------------------------------------------------------------------


def split_nquad(line: str) -> tuple[str, str, str, str | None]:
    """The terms of one N-Quads line as written: subject, predicate, object, graph (``None``: default graph)."""
    s, rest = line.split(" ", 1)
    p, rest = rest.split(" ", 1)
    rest = rest.rstrip()
    if not rest.endswith("."):
        raise ReleaseError(f"not an N-Quads line: {line[:80]!r}")
    rest = rest[:-1].rstrip()
    if rest.startswith('"'):
        i = 1
        while rest[i] != '"':
            i += 2 if rest[i] == "\\" else 1
        j = rest.find(" ", i + 1)
        o, g = (rest, None) if j < 0 else (rest[:j], rest[j + 1:].strip() or None)
    else:
        o, _, g2 = rest.partition(" ")
        g = g2.strip() or None
    return s, p, o, g


def _join(s: str, p: str, o: str, g: str | None = None) -> str:
    return f"{s} {p} {o} {g} ." if g else f"{s} {p} {o} ."


def canonical_nquads(lines: Iterable[str], rounds: int = 4) -> list[str]:
    """Sorted N-Quads lines with blank nodes relabelled from what surrounds them.

    Each blank node gets a label hashed from the quads it occurs in, with itself written ``_:self`` and other
    blank nodes by their labels of the previous round (a few rounds of colour refinement).  Blank nodes that no
    round tells apart get the same label, so the result depends only on the data, never on how a store named
    its blank nodes.  Without blank nodes this is simply the sorted, de-duplicated lines.
    """
    quads = [split_nquad(line) for line in lines if line.strip()]
    bnodes = {t for q in quads for t in q if t is not None and t.startswith("_:")}
    if not bnodes:
        return sorted({_join(*q) for q in quads})
    label = dict.fromkeys(bnodes, "")
    around: dict[str, list[tuple[str, str, str, str | None]]] = defaultdict(list)
    for q in quads:
        for t in {t for t in q if t in label}:
            around[t].append(q)

    def term(t: str | None, me: str | None = None) -> str | None:
        if t is None or t not in label:
            return t
        return "_:self" if t == me else f"_:b{label[t]}"

    for _ in range(rounds):
        new = {}
        for b, qs in around.items():
            h = hashlib.sha256()
            for line in sorted(_join(term(q[0], b) or "", q[1], term(q[2], b) or "", term(q[3], b)) for q in qs):
                h.update(line.encode("utf-8"))
            new[b] = h.hexdigest()[:32]
        label = new
    return sorted({_join(term(q[0]) or "", q[1], term(q[2]) or "", term(q[3])) for q in quads})


def store_nquads(store: Store) -> list[str]:
    """The store's quads as canonical, sorted N-Quads lines."""
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    return canonical_nquads(buf.getvalue().decode("utf-8").splitlines())


def fingerprint_lines(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def fingerprint(store: Store) -> str:
    """SHA-256 of the store's canonical sorted N-Quads."""
    return fingerprint_lines(store_nquads(store))


# --- what a dump holds ----------------------------------------------------------------------------------


@dataclass
class Summary:
    triples: dict[str, set[str]]  # graph ("" = default) -> canonical triple lines
    entities: set[str]  # IRIs with an rdf:type

    @classmethod
    def of(cls, lines: Iterable[str]) -> Summary:
        triples: dict[str, set[str]] = defaultdict(set)
        entities: set[str] = set()
        for line in lines:
            s, p, o, g = split_nquad(line)
            triples[g or DEFAULT_GRAPH].add(f"{s} {p} {o}")
            if p == RDF_TYPE and s.startswith("<"):
                entities.add(s[1:-1])
        return cls(dict(triples), entities)

    def counts(self) -> dict[str, int]:
        return {(g[1:-1] if g else DEFAULT_GRAPH): len(t) for g, t in sorted(self.triples.items())}


def read_nquads_gz(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def changes(before: Summary | None, after: Summary, since: str | None) -> dict[str, Any]:
    """Triples added and removed per graph, graphs and entities added and removed."""
    old = before or Summary({}, set())
    graphs: dict[str, dict[str, int]] = {}
    for g in sorted(set(old.triples) | set(after.triples)):
        a, b = old.triples.get(g, set()), after.triples.get(g, set())
        added, removed = len(b - a), len(a - b)
        if added or removed:
            graphs[g[1:-1] if g else DEFAULT_GRAPH] = {"added": added, "removed": removed}
    strip = lambda gs: sorted(g[1:-1] if g else DEFAULT_GRAPH for g in gs)  # noqa: E731
    return {
        "since": since,
        "triples_added": sum(v["added"] for v in graphs.values()),
        "triples_removed": sum(v["removed"] for v in graphs.values()),
        "graphs": graphs,
        "graphs_added": strip(set(after.triples) - set(old.triples)),
        "graphs_removed": strip(set(old.triples) - set(after.triples)),
        "entities_added": sorted(after.entities - old.entities),
        "entities_removed": sorted(old.entities - after.entities),
    }


# --- the releases directory -----------------------------------------------------------------------------


def list_releases(out: Path) -> list[dict[str, Any]]:
    """The manifests of the releases in ``out``, oldest first (by version)."""
    found = []
    if out.is_dir():
        for d in out.iterdir():
            m = d / f"govkg-{d.name}.manifest.json"
            if NAME_RE.match(d.name) and m.is_file():
                found.append(json.loads(m.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: (m["version"], m["name"]))


def release_file(out: Path, filename: str) -> Path | None:
    """The path of an allow-listed release file that exists and is listed in its manifest, else ``None``."""
    m = FILE_RE.match(filename)
    if not m:
        return None
    name = m.group(1)
    d = out / name
    manifest = d / f"govkg-{name}.manifest.json"
    if not manifest.is_file():
        return None
    listed = {f["name"] for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]}
    listed |= {manifest.name, f"govkg-{name}.sha256"}
    p = d / filename
    return p if filename in listed and p.is_file() else None


def _next_name(out: Path, on: date) -> str:
    base = on.isoformat()
    if not (out / base).exists():
        return base
    n = 2
    while (out / f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@contextmanager
def _gzip_writer(path: Path) -> Iterator[gzip.GzipFile]:
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        yield gz  # no name, no time in the header: reproducible


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_release(store: Store, out: Path, on: date | None = None, name: str | None = None,
                 public_url: str | None = None) -> dict[str, Any]:
    """Write a release of the whole store into ``out/{name}/`` and return its manifest."""
    from graph.void import build_void

    on = on or datetime.now(UTC).date()
    out.mkdir(parents=True, exist_ok=True)
    name = name or _next_name(out, on)
    if not NAME_RE.match(name):
        raise ReleaseError(f"a release name is a date, optionally numbered (2026-01-15, 2026-01-15-2), not {name!r}")
    final = out / name
    if final.exists():
        raise ReleaseError(f"release {name} exists already in {out}")
    previous = list_releases(out)
    prev = previous[-1] if previous else None

    lines = store_nquads(store)
    summary = Summary.of(lines)
    before = None
    if prev is not None:
        before = Summary.of(read_nquads_gz(out / prev["name"] / f"govkg-{prev['name']}.nq.gz"))
    diff = changes(before, summary, prev["name"] if prev else None)

    tmp = out / f".{name}.part"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    stem = f"govkg-{name}"
    with _gzip_writer(tmp / f"{stem}.nq.gz") as fh:
        for line in lines:
            fh.write(line.encode("utf-8") + b"\n")
    with _gzip_writer(tmp / f"{stem}.trig.gz") as fh:
        store.dump(cast(IO[bytes], fh), format="trig")
    (tmp / f"{stem}.changes.json").write_text(json.dumps(diff, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    manifest: dict[str, Any] = {
        "name": name,
        "version": (prev["version"] + 1) if prev else 1,
        "date": on.isoformat(),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "generator": f"govkg {__version__}",
        "licence": LICENCE,
        "fingerprint": fingerprint_lines(lines),
        "triples": len(lines),
        "graphs": summary.counts(),
        "entities": len(summary.entities),
        "previous": prev["name"] if prev else None,
        "changes": {k: (len(v) if isinstance(v, list) else v) for k, v in diff.items() if k != "graphs"},
        "files": [],
    }
    void = build_void(store, public_url=public_url, releases=[*previous, manifest])
    (tmp / f"{stem}.void.ttl").write_bytes(void.serialize(format="turtle", encoding="utf-8"))
    for suffix in ("nq.gz", "trig.gz", "changes.json", "void.ttl"):
        p = tmp / f"{stem}.{suffix}"
        manifest["files"].append({"name": p.name, "media_type": MEDIA_TYPES[suffix], "bytes": p.stat().st_size,
                                  "sha256": _sha256(p)})
    (tmp / f"{stem}.manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    sums = [f"{_sha256(tmp / f['name'])}  {f['name']}" for f in manifest["files"]]
    sums.append(f"{_sha256(tmp / f'{stem}.manifest.json')}  {stem}.manifest.json")
    (tmp / f"{stem}.sha256").write_text("\n".join(sums) + "\n", encoding="utf-8")
    tmp.rename(final)
    return manifest
