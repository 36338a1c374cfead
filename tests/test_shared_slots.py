"""``CLIENT_CONCURRENCY`` across processes (webui/shared_slots.py): real processes, one shared file of real
kernel locks, as the processes of ``govkg serve`` share it.

A holder process takes slots of one client and keeps them; the test process, as another serving process would, is
then refused that client (429 after the wait) while serving other clients at once, and gets a slot the moment the
holder releases one, or dies by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webui.errors import ApiError
from webui.limits import QUEUE_WAIT_S
from webui.shared_slots import SharedClientSlots

ROOT = Path(__file__).resolve().parent.parent
KEY = ("203.0.113.7", "flood/1.0")
HOLDER = """
import sys, threading
from webui.shared_slots import SharedClientSlots
slots = SharedClientSlots(sys.argv[1])
n, go = int(sys.argv[2]), threading.Event()
ready = threading.Barrier(n + 1)
def hold():
    with slots.slot(2, ("203.0.113.7", "flood/1.0")):
        ready.wait()
        go.wait()
for _ in range(n):
    threading.Thread(target=hold).start()
ready.wait()
print("holding", flush=True)
sys.stdin.readline()
go.set()
"""


def holder(path: Path, n: int) -> subprocess.Popen[str]:
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(n)], cwd=ROOT, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.stdout is not None and p.stdout.readline().strip() == "holding"
    return p


def test_a_client_is_limited_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "clients.slots"
    p = holder(path, 2)
    try:
        mine = SharedClientSlots(path)
        t = time.monotonic()
        with pytest.raises(ApiError) as e, mine.slot(2, KEY):
            pass
        assert e.value.code == 429 and e.value.extra_headers["Retry-After"]
        assert time.monotonic() - t >= QUEUE_WAIT_S * 0.9  # it waited for one of the client's own to end
        with mine.slot(2, ("203.0.113.8", "flood/1.0")), mine.slot(2, ("203.0.113.7", "person/1.0")):
            assert mine.in_flight() == 2  # other clients, even at the same address, are served at once
        assert p.stdin is not None
        p.stdin.write("\n")
        p.stdin.flush()
        assert p.wait(10) == 0
        with mine.slot(2, KEY), mine.slot(2, KEY):  # released: both of the client's slots are free again
            assert mine.in_flight() == 2
    finally:
        stop(p)


def stop(p: subprocess.Popen[str]) -> None:
    p.kill()
    p.wait()
    for f in (p.stdin, p.stdout):
        if f is not None:
            f.close()


def test_a_killed_process_frees_its_slots(tmp_path: Path) -> None:
    path = tmp_path / "clients.slots"
    p = holder(path, 1)
    mine = SharedClientSlots(path)
    with mine.slot(2, KEY):  # the second slot is free
        os.kill(p.pid, signal.SIGKILL)
        stop(p)
        t = time.monotonic()
        with mine.slot(2, KEY):  # the holder's slot went with it
            assert time.monotonic() - t < QUEUE_WAIT_S / 2
    with mine.slot(2, KEY), mine.slot(2, KEY):  # in one thread too, nested, each holds its own
        with pytest.raises(ApiError), mine.slot(2, KEY):
            pass
