"""A full disk under the store (RELIABILITY H6), for real: the store on a 64 MiB tmpfs, written until ENOSPC.

    sudo .venv/bin/python -m bench.diskfull          # needs root (mount -t tmpfs); exit 0 when every promise held

Steps, against the real server (``govkg serve``):

1. mount a tmpfs of ``--size-mb`` (64) MiB, fill most of it with a filler file, serve a seeded store on the rest;
   ``/healthz`` says ``ok``;
2. write 1,000-triple batches, each with its marker ``<urn:batch> "K"``, until a write is refused: it must be a
   507 (or 503) naming the full disk, never a 500; a second write is refused the same way;
3. reads keep working (``ASK {}``, the marker counts), ``/healthz`` says ``read-only``; every marker counts 0 or
   1,000 triples and every acknowledged batch is there (no partial commit);
4. the filler file is deleted.  RocksDB keeps refusing writes after a failed write-ahead-log append until the
   store is reopened, so the documented procedure is a restart: the server is stopped and started again on the
   same store; then ``/healthz`` says ``ok``, a write succeeds, the batches are as before, the refused batch is
   absent, and after stopping, ``govkg validate`` finds the store conforming.

The tmpfs is unmounted in every case.  Without root, or where mounting is refused, it exits 2 saying why.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.kill9 import BATCH, Broken, check_store_offline, rows
from tests.http_server import LiveServer, live_server

GRAPH = "urn:diskfull"
PAD = "x" * 200  # about 2 MiB of store per batch: the disk fills in a few dozen writes


class CannotMount(RuntimeError):
    """The tmpfs could not be mounted here (not root, or no permission in this container)."""


@contextmanager
def tmpfs(where: Path, size_mb: int) -> Iterator[Path]:
    if os.geteuid() != 0:
        raise CannotMount("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(where)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise CannotMount(f"mount -t tmpfs failed: {r.stderr.strip()}")
    try:
        yield where
    finally:
        for _ in range(20):  # a server process may still hold a file for a moment
            if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                break
            time.sleep(0.5)
        else:
            subprocess.run(["umount", "-l", str(where)], check=False)


def free_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def update(k: int) -> str:
    triples = " ".join(f'<urn:df:{k}-{j}> <urn:batch> "{k}" ; <urn:pad> "{k} {j} {PAD}" .' for j in range(BATCH))
    return f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}"


def write(srv: LiveServer, token: dict[str, str], k: int) -> requests.Response:
    return requests.post(srv.url + "/update", data={"update": update(k)}, headers=token, timeout=120)


def health(srv: LiveServer) -> str:
    r = requests.get(srv.url + "/healthz", timeout=10)
    if r.status_code != 200:
        raise Broken(f"/healthz answered {r.status_code}: {r.text[:300]}")
    return str(r.json()["status"])


def markers(srv: LiveServer) -> dict[int, int]:
    return {int(r["k"]): int(r["n"]) for r in rows(
        srv, f"SELECT ?k (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s <urn:batch> ?k }} }} GROUP BY ?k")}


def check_batches(srv: LiveServer, acked: set[int], refused: int) -> dict[int, int]:
    got = markers(srv)
    if any(n != BATCH for n in got.values()):
        raise Broken(f"half-applied batches: {got}")
    if acked - set(got):
        raise Broken(f"acknowledged batches missing: {sorted(acked - set(got))}")
    if refused in got:
        raise Broken(f"the refused batch {refused} is in the store")
    return got


def refused_clearly(r: requests.Response) -> None:
    if r.status_code not in (507, 503) or "disk is full" not in r.text:
        raise Broken(f"a write on a full disk answered {r.status_code}: {r.text[:300]!r} (want 507/503 naming it)")


def run(workdir: Path, size_mb: int = 64, quiet: bool = False) -> dict[str, object]:
    """The whole scenario; raises :class:`Broken` (a promise broken) or :class:`CannotMount`."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    out: dict[str, object] = {}
    with tmpfs(workdir / "mnt", size_mb) as mnt:
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * (size_mb * 1024 * 1024 * 5 // 8))
        store = mnt / "store"
        acked: set[int] = set()
        with live_server(store, seed=True) as srv:
            token = srv.auth("steward")
            if health(srv) != "ok":
                raise Broken(f"/healthz is not ok before the disk fills ({free_bytes(mnt)} bytes free)")
            k = 0
            while True:
                r = write(srv, token, k)
                if r.status_code >= 300:
                    break
                acked.add(k)
                k += 1
                if k > 500:
                    raise Broken("the disk never filled")
            say(f"write {k} refused with {r.status_code} after {len(acked)} batches: {r.text.strip()[:160]}")
            refused_clearly(r)
            refused_clearly(write(srv, token, k + 1))
            out["status"] = r.status_code
            state = health(srv)
            if state != "read-only":
                raise Broken(f"/healthz says {state!r} after a write failed for a full disk")
            got = check_batches(srv, acked, k)  # reads keep working; nothing partial
            say(f"reads keep working: {len(got)} batches, all whole; /healthz: read-only")
            filler.unlink()
            r = write(srv, token, k + 2)
            out["resumed_without_restart"] = r.status_code < 300
            if r.status_code < 300:
                acked.add(k + 2)
            else:
                refused_clearly(r)
            say(f"after freeing {free_bytes(mnt) // 2**20} MiB, a write without restart: {r.status_code}")
        with live_server(store, seed=False) as srv:  # the documented procedure: free space, restart
            if health(srv) != "ok":
                raise Broken("/healthz is not ok after freeing space and restarting")
            r = write(srv, token, k + 3)
            if r.status_code >= 300:
                raise Broken(f"a write after freeing space and restarting answered {r.status_code}: {r.text[:300]}")
            acked.add(k + 3)
            got = check_batches(srv, acked, k)
            env = srv.env
        check_store_offline(store, env)
        say(f"after the restart: writes resume, {len(got)} batches whole, the store conforms")
        out.update(acknowledged=len(acked), present=len(got))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=int, default=64, help="size of the tmpfs (MiB)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govkg-diskfull-") as tmp:
        t = time.monotonic()
        try:
            out = run(Path(tmp), a.size_mb)
        except CannotMount as e:
            print(f"diskfull: SKIPPED: {e}", flush=True)
            raise SystemExit(2) from None
        except Broken as e:
            print(f"diskfull: FAILED: {e}", flush=True)
            raise SystemExit(1) from None
        print(f"diskfull: ok in {time.monotonic() - t:.0f} s: {out}")


if __name__ == "__main__":
    main()
