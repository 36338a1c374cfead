"""Shared fixtures."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.egress_guard import sitecustomize as egress
from tests.http_server import LiveServer
from tests.http_server import live_server as start_live_server
from tests.remote_fixtures import remote_store, virtuoso  # noqa: F401 - a real Virtuoso for the remote backend
from tests.viewer_data import viewer_store, viewer_url  # noqa: F401 - the viewer's graph and server

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# C6 (RELIABILITY.md): the egress guard.  An audit hook refuses any socket or urllib request beyond the
# loopback, in this process and (as sitecustomize on PYTHONPATH) in every Python process the tests start; each
# attempt is also logged to a file, and a test during which one happened fails (see _no_egress below).
EGRESS_LOG = Path(tempfile.gettempdir()) / f"govkg-egress-{os.getpid()}.log"
os.environ[egress.LOG_VAR] = str(EGRESS_LOG)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "tests" / "egress_guard"), os.environ.get("PYTHONPATH", "")) if p)
egress.install()


@pytest.fixture(autouse=True)
def _no_egress() -> Iterator[None]:
    """Fail the test if any process of the session tried to reach beyond 127.0.0.1 while it ran."""
    before = EGRESS_LOG.stat().st_size if EGRESS_LOG.exists() else 0
    n = len(egress.violations)
    yield
    after = EGRESS_LOG.stat().st_size if EGRESS_LOG.exists() else 0
    if after > before or len(egress.violations) > n:
        with EGRESS_LOG.open(encoding="utf-8", errors="replace") as fh:
            fh.seek(before)
            logged = fh.read()
        pytest.fail("outgoing connection beyond 127.0.0.1 (egress guard):\n"
                    + (logged or "\n".join(egress.violations[n:]))[:4000], pytrace=False)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip cleanly where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not here")
    return SHARED


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> Path:
    p = shared_dir / "seeds" / "000_9715305c0f02801b.txt"
    if not p.is_file():
        pytest.skip("the seed article is not in ../shared/seeds")
    return p


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server (``govkg serve`` on gunicorn) on 127.0.0.1, seeded from the checkout, one per module.

    For other settings or an empty store, use ``tests.http_server.live_server(path, seed=..., env=...)``.
    """
    with start_live_server(tmp_path_factory.mktemp("live") / "store", seed=True) as srv:
        yield srv
