"""The store seam and its backends.  Use :func:`open_store`; it opens each store once per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph.errors import StoreError
from graph.store.base import QueryResult, Store, Transaction
from graph.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "QueryResult", "Store", "Transaction", "default_store_path", "open_store"]

_OPEN: dict[str, Store] = {}
_LOCK = threading.Lock()


def default_store_path() -> Path:
    """``$GOVKG_STORE``, else ``$XDG_DATA_HOME/govkg/store`` (``~/.local/share/govkg/store``)."""
    env = os.environ.get("GOVKG_STORE")
    if env:
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "govkg" / "store"


def open_store(path: str | Path | None = None, settings: Mapping[str, Any] | None = None) -> Store:
    """The store at ``path`` (default :func:`default_store_path`), opened once per process.

    With ``GOVKG_BACKEND=remote`` it is the remote engine of the ``GOVKG_REMOTE_*`` settings instead, and
    ``path`` is not used.  ``settings`` (an app's, from :func:`graph.settings.read_settings`) take the place of
    the environment.
    """
    raw = settings["BACKEND"] if settings is not None else os.environ.get("GOVKG_BACKEND", "embedded")
    backend = str(raw).strip().lower() or "embedded"
    if backend == "remote":
        return _open_remote(settings)
    if backend != "embedded":
        raise StoreError(f"GOVKG_BACKEND={backend!r}; expected embedded or remote")
    p = Path(path) if path is not None else default_store_path()
    key = str(p.resolve())
    with _LOCK:
        st = _OPEN.get(key)
        if st is None:
            st = EmbeddedStore(p)
            _OPEN[key] = st
        return st


def _open_remote(settings: Mapping[str, Any] | None = None) -> Store:
    from graph.settings import read_settings
    from graph.store.remote import RemoteStore

    cfg = settings if settings is not None else read_settings()
    url = cfg["REMOTE_QUERY_URL"]
    if not url:
        raise StoreError("GOVKG_BACKEND=remote needs GOVKG_REMOTE_QUERY_URL (and usually GOVKG_REMOTE_UPDATE_URL)")
    key = f"remote:{url}"
    with _LOCK:
        st = _OPEN.get(key)
        if st is None:
            st = RemoteStore(url, cfg["REMOTE_UPDATE_URL"] or None, cfg["REMOTE_GSP_URL"] or None,
                             user=cfg["REMOTE_USER"] or None, password=cfg["REMOTE_PASSWORD"] or None,
                             auth=cfg["REMOTE_AUTH"], timeout=cfg["REMOTE_TIMEOUT"], dialect=cfg["REMOTE_DIALECT"])
            _OPEN[key] = st
        return st


def forget(store: Store) -> None:
    """Close ``store`` and drop it from the per-process registry."""
    with _LOCK:
        for k, v in list(_OPEN.items()):
            if v is store:
                del _OPEN[k]
    store.close()
