"""A short soak (``bench/soak.py``): readers, writers, searches and entity pages at once against the real server.

No 5xx but a documented 503, the server's resident memory bounded, every acknowledged write present, the query
workers alive equal to the pool's size, and nothing of the server left after it stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import run


@pytest.mark.slow
def test_soak_mixed_load_no_5xx_bounded_memory_no_leaked_workers(tmp_path: Path) -> None:
    out = run(tmp_path, seconds=12, seed=3, max_rss_mb=1024)
    kinds = {k.split()[0] for k in out["statuses"]}
    assert kinds == {"query", "write", "search", "page"}, out["statuses"]  # every kind of load ran
    assert out["writes_acknowledged"] > 0
    assert 0 < out["peak_rss_mb"]["server"] <= 1024
