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

# Tests never touch the user's data directory: default store paths (and the audit store beside them) go to a
# directory of this test session, inherited by every process the tests start.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="govkg-test-data-")
os.environ.pop("GOVKG_STORE", None)

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


# Backends.  A test module that sets ``BACKENDS = ("embedded", "remote")`` runs each test that uses the
# ``backend`` fixture (directly or through ``live_server``, ``remote_engine``, ``viewer_store``, ...) once per
# backend: "remote" is the session's Virtuoso (tests/remote_fixtures.py), which under CI=true must be there.
# A test of the embedded store alone in such a module carries ``@pytest.mark.embedded_only("why")``.


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    backends = tuple(getattr(metafunc.module, "BACKENDS", ()))
    if not backends:
        return
    if metafunc.definition.get_closest_marker("embedded_only") is not None:
        backends = tuple(b for b in backends if b == "embedded")
    metafunc.parametrize("backend", backends, indirect=True, scope="module")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """``embedded`` or ``remote``: the backend this module's servers and stores run on (see above)."""
    return str(getattr(request, "param", "embedded"))


@pytest.fixture(scope="module")
def remote_engine(request: pytest.FixtureRequest, backend: str) -> dict[str, str] | None:
    """The remote engine's settings (the session's Virtuoso) when ``backend`` is remote, else ``None``."""
    if backend != "remote":
        return None
    return dict(request.getfixturevalue("virtuoso"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, remote_engine: dict[str, str] | None
                ) -> Iterator[LiveServer]:
    """The real server (``govkg serve`` on gunicorn) on 127.0.0.1, seeded from the checkout, one per module
    (and per backend, in a module with ``BACKENDS``).

    For other settings or an empty store, use ``tests.http_server.live_server(path, seed=..., env=...)``.
    """
    with start_live_server(tmp_path_factory.mktemp("live") / "store", seed=True, remote=remote_engine) as srv:
        yield srv
