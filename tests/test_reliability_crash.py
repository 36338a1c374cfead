"""RELIABILITY H5: a bulk load interrupted by kill -9 leaves a store that is never served half-loaded.

A real bulk load (a file above the bulk threshold) is started in a child process and killed with SIGKILL while
it writes; ``govkg serve`` on that store must refuse to start, with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph.store.embedded import BULK_THRESHOLD_BYTES, LOADING_MARKER
from tests.http_server import ROOT, free_port
from tests.reliability_fixtures import govkg

LOADER = """
import sys
from graph.store import open_store
st = open_store(sys.argv[1])
st.load(sys.argv[2], format="nquads")
print("done", flush=True)
"""


def test_h5_kill_9_during_a_bulk_load_is_refused_at_serve_time(tmp_path: Path) -> None:
    data = tmp_path / "big.nq"
    with data.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < 3 * BULK_THRESHOLD_BYTES:
            fh.write(f'<urn:x:s{i}> <urn:x:p> "value {i} {"x" * 60}" <urn:x:g> .\n')
            i += 1
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(store), str(data)], cwd=ROOT,
                            stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (store / LOADING_MARKER).exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert (store / LOADING_MARKER).exists(), "the bulk load never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    r = govkg("serve", "--no-seed", "--port", str(free_port()), "--store", str(store), timeout=60)
    assert r.returncode != 0
    assert "interrupted bulk load" in r.stderr and "Traceback" not in r.stderr
    b = govkg("backup", str(tmp_path / "bk"), "--store", str(store))
    assert b.returncode == 1 and "interrupted bulk load" in b.stderr
