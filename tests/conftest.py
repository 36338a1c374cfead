"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http_server import LiveServer
from tests.http_server import live_server as start_live_server
from tests.remote_fixtures import remote_store, virtuoso  # noqa: F401 - a real Virtuoso for the remote backend
from tests.viewer_data import viewer_store, viewer_url  # noqa: F401 - the viewer's graph and server

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


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
