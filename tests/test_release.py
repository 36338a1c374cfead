"""Citable releases: dumps, checksums, manifest, change summary, and the round trip to a fresh store."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.namespaces import BASE
from graph.release import canonical_nquads, fingerprint, list_releases, make_release, release_file
from graph.seed import load_seed
from graph.store import EmbeddedStore, Store

ROOT = Path(__file__).resolve().parent.parent
CLI = "from graph.cli import main; main()"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = EmbeddedStore(tmp_path / "store")
    load_seed(st)
    return st


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_release_round_trip_gives_the_same_fingerprint(store: Store, tmp_path: Path) -> None:
    m = make_release(store, tmp_path / "rel", on=date(2026, 1, 15))
    assert m["name"] == "2026-01-15" and m["version"] == 1 and m["previous"] is None
    d = tmp_path / "rel" / "2026-01-15"
    for ext, fmt in (("nq.gz", "nquads"), ("trig.gz", "trig")):
        fresh = EmbeddedStore(tmp_path / f"fresh-{fmt}")
        fresh.load(gzip.decompress((d / f"govkg-2026-01-15.{ext}").read_bytes()), format=fmt)
        assert fresh.count() == store.count()
        assert fingerprint(fresh) == m["fingerprint"] == fingerprint(store)
        fresh.close()


def test_checksums_and_manifest_describe_the_files(store: Store, tmp_path: Path) -> None:
    m = make_release(store, tmp_path / "rel", on=date(2026, 1, 15))
    d = tmp_path / "rel" / m["name"]
    listed = {f["name"]: f for f in m["files"]}
    assert set(listed) == {f"govkg-2026-01-15.{x}" for x in ("nq.gz", "trig.gz", "changes.json", "void.ttl")}
    for name, f in listed.items():
        assert sha256(d / name) == f["sha256"] and (d / name).stat().st_size == f["bytes"]
    sums = dict(reversed(line.split("  ", 1)) for line in (d / "govkg-2026-01-15.sha256").read_text().splitlines())
    assert set(sums) == set(listed) | {"govkg-2026-01-15.manifest.json"}
    assert all(sha256(d / n) == h for n, h in sums.items())
    on_disk = json.loads((d / "govkg-2026-01-15.manifest.json").read_text(encoding="utf-8"))
    assert on_disk == m
    assert m["licence"]["id"] == "CC-BY-4.0"
    assert m["triples"] == store.count() and sum(m["graphs"].values()) == store.count()
    # The canonical N-Quads dump is the fingerprint's input, byte for byte.
    assert hashlib.sha256(gzip.decompress((d / "govkg-2026-01-15.nq.gz").read_bytes())).hexdigest() == m["fingerprint"]


def test_the_same_data_gives_the_same_dump(store: Store, tmp_path: Path) -> None:
    a = make_release(store, tmp_path / "a", on=date(2026, 1, 15))
    b = make_release(store, tmp_path / "b", on=date(2026, 1, 15))
    nq = {f["name"]: f["sha256"] for f in a["files"]}, {f["name"]: f["sha256"] for f in b["files"]}
    assert nq[0]["govkg-2026-01-15.nq.gz"] == nq[1]["govkg-2026-01-15.nq.gz"]


def test_change_summary_since_the_previous_release(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    make_release(store, out, on=date(2026, 1, 15))
    g_ref = f"{BASE}/graph/nd-36-2025-nd-cp"
    g_new = f"{BASE}/graph/test-new-source"
    new_unit = URIRef(f"{BASE}/id/unit/vpcp-vu-thu-nghiem")
    with store.transaction() as tx:
        tx.add((new_unit, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                URIRef("http://www.w3.org/ns/org#OrganizationalUnit"), URIRef(g_new)))
        tx.add((new_unit, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Vụ Thử nghiệm", lang="vi"),
                URIRef(g_new)))
        tx.update(f"DELETE WHERE {{ GRAPH <{g_ref}> {{ ?d eli:first_date_entry_in_force ?x }} }}")
    m2 = make_release(store, out, on=date(2026, 1, 15))
    assert (m2["name"], m2["version"], m2["previous"]) == ("2026-01-15-2", 2, "2026-01-15")
    ch = json.loads((out / m2["name"] / "govkg-2026-01-15-2.changes.json").read_text(encoding="utf-8"))
    assert ch["since"] == "2026-01-15"
    assert ch["graphs"] == {g_new: {"added": 2, "removed": 0}, g_ref: {"added": 0, "removed": 1}}
    assert (ch["triples_added"], ch["triples_removed"]) == (2, 1)
    assert ch["graphs_added"] == [g_new] and ch["graphs_removed"] == []
    assert ch["entities_added"] == [str(new_unit)] and ch["entities_removed"] == []
    assert m2["changes"]["entities_added"] == 1
    assert [r["name"] for r in list_releases(out)] == ["2026-01-15", "2026-01-15-2"]


def test_release_files_are_allow_listed(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    make_release(store, out, on=date(2026, 1, 15))
    (out / "2026-01-15" / "notes.txt").write_text("not a release file")
    assert release_file(out, "govkg-2026-01-15.nq.gz") == out / "2026-01-15" / "govkg-2026-01-15.nq.gz"
    for bad in ("notes.txt", "../2026-01-15/govkg-2026-01-15.nq.gz", "govkg-2026-01-15.nq", "govkg-2026-01-16.nq.gz",
                "govkg-2026-01-15.nq.gz/..", "..", "govkg-../../etc.nq.gz", "govkg-2026-01-15.NQ.GZ"):
        assert release_file(out, bad) is None, bad


def test_canonical_form_ignores_blank_node_names() -> None:
    a = ['_:x <http://p> "v"@vi <http://g> .', '<http://s> <http://q> _:x <http://g> .']
    b = ['<http://s> <http://q> _:other <http://g> .', '_:other <http://p> "v"@vi <http://g> .']
    assert canonical_nquads(a) == canonical_nquads(b)
    assert canonical_nquads(a) != canonical_nquads(['_:x <http://p> "w"@vi <http://g> .',
                                                    '<http://s> <http://q> _:x <http://g> .'])
    # Literals with spaces, escaped quotes and datatypes keep their graph.
    line = '<http://s> <http://p> "a \\"b\\" c"^^<http://www.w3.org/2001/XMLSchema#string> <http://g> .'
    assert canonical_nquads([line]) == [line]


def test_cli_release(store: Store, tmp_path: Path) -> None:
    path = Path(store.path)  # type: ignore[attr-defined]
    store.close()
    env = {**os.environ, "GOVKG_STORE": str(path)}
    out = tmp_path / "rel"
    r = subprocess.run([sys.executable, "-c", CLI, "release", "--out", str(out), "--date", "2026-02-01",
                        "--json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert m["name"] == "2026-02-01" and (out / "2026-02-01" / "govkg-2026-02-01.nq.gz").is_file()
    bad = subprocess.run([sys.executable, "-c", CLI, "release", "--out", str(out), "--date", "2026-13-01"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert bad.returncode != 0 and "2026-13-01" in bad.stderr
