"""A real Virtuoso on 127.0.0.1 for the remote backend, started once per test session.

``virtuoso`` starts Debian's ``virtuoso-opensource`` with ``.ci/virtuoso.sh`` on free ports and a throw-away
database, and gives the ``GOVKG_REMOTE_*`` settings to reach it; ``remote_store`` gives an emptied
:class:`~graph.store.remote.RemoteStore` on it.  Under CI (``CI=true``) a missing Virtuoso is a failure;
elsewhere the tests that need it skip, saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.store.remote import RemoteStore

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "virtuoso.sh"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"Virtuoso is needed for the remote-backend tests under CI: {reason}", pytrace=False)
    pytest.skip(f"Virtuoso is not available ({reason}); install it: apt-get install -y virtuoso-opensource")


def remote_settings(env_file: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def open_remote(settings: dict[str, str]) -> RemoteStore:
    return RemoteStore(
        settings["GOVKG_REMOTE_QUERY_URL"],
        settings["GOVKG_REMOTE_UPDATE_URL"],
        settings.get("GOVKG_REMOTE_GSP_URL") or None,
        user=settings.get("GOVKG_REMOTE_USER"),
        password=settings.get("GOVKG_REMOTE_PASSWORD"),
        auth=settings.get("GOVKG_REMOTE_AUTH", "digest"),
    )


@contextmanager
def started_virtuoso(db: Path) -> Iterator[dict[str, str]]:
    """A Virtuoso of its own with a new database in ``db`` (``.ci/virtuoso.sh``), stopped on exit; the
    ``GOVKG_*`` settings (backend, URLs, user, password, auth) that reach it."""
    if shutil.which("virtuoso-t") is None and os.geteuid() != 0:
        _unavailable("virtuoso-t is not installed")
    port, sqlport = free_port(), free_port()
    started = time.monotonic()
    proc = subprocess.run(["bash", str(SCRIPT), "start", str(db), str(port), str(sqlport)],
                          capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        subprocess.run(["bash", str(SCRIPT), "stop", str(db)], capture_output=True, timeout=120, check=False)
        _unavailable(f"{SCRIPT.name} start failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
    settings = remote_settings(db / "govkg.env")
    settings["startup_seconds"] = f"{time.monotonic() - started:.1f}"
    settings["sql_port"] = str(sqlport)
    settings["dba_password"] = (db / "dba.password").read_text().strip()
    try:
        yield settings
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(db)], capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running Virtuoso for the session; the ``GOVKG_*`` settings that reach it (:func:`started_virtuoso`)."""
    with started_virtuoso(tmp_path_factory.mktemp("virtuoso")) as settings:
        yield settings


@pytest.fixture
def remote_store(virtuoso: dict[str, str]) -> Iterator[RemoteStore]:
    """An empty remote store on the session's Virtuoso (every user graph cleared before the test)."""
    store = open_remote(virtuoso)
    store.update("CLEAR ALL")
    yield store
    store.close()
