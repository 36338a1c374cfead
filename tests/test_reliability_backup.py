"""M / H7: ``govkg backup`` and ``govkg restore``: round trip with the same fingerprint and SHACL report, also
while the server runs (from its latest checkpoint), and clear refusals where a backup or restore is unsafe."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from graph.release import fingerprint
from graph.seed import load_seed
from graph.store import forget, open_store
from graph.validate import validate_store
from tests.http_server import live_server
from tests.reliability_fixtures import govkg, server_fingerprint


def _seeded(path: Path) -> Path:
    st = open_store(path)
    try:
        load_seed(st, progress=False)
    finally:
        forget(st)
    return path


def _facts(path: Path) -> tuple[str, str, int]:
    st = open_store(path)
    try:
        return fingerprint(st), validate_store(st).text("en"), st.count()
    finally:
        forget(st)


def test_backup_and_restore_round_trip_keeps_fingerprint_and_shacl_report(tmp_path: Path) -> None:
    src = _seeded(tmp_path / "store")
    fp, report, n = _facts(src)
    b = govkg("backup", str(tmp_path / "bk"), "--json", "--store", str(src))
    assert b.returncode == 0, b.stderr
    manifest = json.loads(b.stdout)
    assert manifest["fingerprint"] == fp and manifest["quads"] == n and manifest["source"] == "store"
    r = govkg("restore", str(tmp_path / "bk"), "--store", str(tmp_path / "restored"))
    assert r.returncode == 0, r.stderr
    assert "checked" in r.stdout
    fp2, report2, n2 = _facts(tmp_path / "restored")
    assert (fp2, n2) == (fp, n)
    assert report2 == report


def test_restore_refuses_a_store_that_holds_data_and_a_backup_dir_that_exists(tmp_path: Path) -> None:
    src = _seeded(tmp_path / "store")
    assert govkg("backup", str(tmp_path / "bk"), "--store", str(src)).returncode == 0
    fp, _, _ = _facts(src)
    r = govkg("restore", str(tmp_path / "bk"), "--store", str(src))
    assert r.returncode == 1 and "not empty" in r.stderr and "Traceback" not in r.stderr
    assert _facts(src)[0] == fp
    again = govkg("backup", str(tmp_path / "bk"), "--store", str(src))
    assert again.returncode == 1 and "not an empty directory" in again.stderr
    bogus = tmp_path / "bogus"
    bogus.mkdir()
    r2 = govkg("restore", str(bogus), "--store", str(tmp_path / "new"))
    assert r2.returncode == 1 and "not a govkg backup" in r2.stderr


def test_backup_works_right_after_the_server_starts_and_uses_the_latest_checkpoint(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with live_server(store, seed=True) as srv:
        # Right after start-up (no query, no write yet): the server published a checkpoint as it started.
        early = govkg("backup", str(tmp_path / "early"), "--json", "--store", str(store), env=srv.env)
        assert early.returncode == 0, early.stderr
        assert json.loads(early.stdout)["source"] == "checkpoint gen-00000001"
        assert (json.loads(early.stdout)["quads"], json.loads(early.stdout)["fingerprint"]) == \
            server_fingerprint(srv.url)
        assert requests.get(srv.url + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
        upd = requests.post(srv.url + "/update", headers=srv.auth("steward"), timeout=30,
                            data={"update": 'INSERT DATA { GRAPH <urn:x:backup> { <urn:x:s> <urn:x:p> "sau khi" } }'})
        assert upd.status_code in (200, 204), upd.text
        b = govkg("backup", str(tmp_path / "live"), "--json", "--store", str(store), env=srv.env)
        assert b.returncode == 0, b.stderr
        manifest = json.loads(b.stdout)
        assert manifest["source"].startswith("checkpoint gen-")
        n, fp = server_fingerprint(srv.url)
        assert (manifest["quads"], manifest["fingerprint"]) == (n, fp)  # includes the write just made
        busy = govkg("restore", str(tmp_path / "live"), "--store", str(store), env=srv.env)
        assert busy.returncode == 1 and "in use" in busy.stderr
    r = govkg("restore", str(tmp_path / "live"), "--store", str(tmp_path / "restored"))
    assert r.returncode == 0, r.stderr
    fp2, _, n2 = _facts(tmp_path / "restored")
    assert (n2, fp2) == (n, fp)


def test_closing_a_read_only_checkpoint_does_not_raise(tmp_path: Path) -> None:
    from graph.store.embedded import EmbeddedStore

    st = EmbeddedStore(tmp_path / "store")
    st.backup(tmp_path / "gen")
    st.close()
    ro = EmbeddedStore.read_only(tmp_path / "gen")
    assert ro.count() == 0
    ro.close()  # used to raise RuntimeError("Flush is only possible on read-write instances")


HOLDER = """
import sys, time
from graph.store import open_store
st = open_store(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_backup_refuses_a_store_held_by_a_process_that_published_no_checkpoint(tmp_path: Path) -> None:
    """A process other than the server owns the store and published no checkpoint: a stale copy is never made."""
    import subprocess
    import sys

    from tests.http_server import ROOT

    store = _seeded(tmp_path / "store")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        r = govkg("backup", str(tmp_path / "bk"), "--store", str(store))
        assert r.returncode == 1, r.stdout
        assert "in use by another process" in r.stderr and "retry" in r.stderr
        assert not (tmp_path / "bk").exists()
    finally:
        holder.kill()
        holder.communicate()
