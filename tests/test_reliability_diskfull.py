"""RELIABILITY H6: the store's disk fills up (a real 64 MiB tmpfs, ``bench/diskfull.py``).

The refused write is a 507 naming the full disk (never a 500), nothing partial is committed, reads keep working,
``/healthz`` says ``read-only``; after space is freed, the documented restart brings writes back and the store
conforms.  Needs root to mount the tmpfs; skipped with the reason otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.diskfull import CannotMount, run


@pytest.mark.slow
def test_h6_disk_full_is_507_reads_go_on_health_says_read_only_and_a_restart_resumes_writes(tmp_path: Path) -> None:
    try:
        out = run(tmp_path, quiet=True)
    except CannotMount as e:
        pytest.skip(f"cannot mount a tmpfs here: {e}")
    assert out["status"] == 507
    assert isinstance(out["present"], int) and out["present"] >= 2
