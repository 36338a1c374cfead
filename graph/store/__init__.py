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

__all__ = ["EmbeddedStore", "QueryResult", "Store", "Transaction", "audit_path", "audit_store", "default_store_path",
           "open_store"]

_OPEN: dict[str, Store] = {}
#: an absolute path as given -> its resolved key in :data:`_OPEN` (resolving costs a syscall per component, and
#: the server opens its store on every request)
_RESOLVED: dict[str, str] = {}
#: id(data store) -> (data store, its audit store); see :func:`audit_store`.
_AUDIT: dict[int, tuple[Store, Store]] = {}
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
    raw = str(p) if p.is_absolute() else ""  # a relative path depends on the working directory: always resolved
    with _LOCK:
        known = _OPEN.get(_RESOLVED.get(raw, "")) if raw else None
    if known is not None:
        return known
    key = str(p.resolve())
    with _LOCK:
        st = _OPEN.get(key)
        if st is None:
            st = EmbeddedStore(p)
            _OPEN[key] = st
        if raw:
            _RESOLVED[raw] = key
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


def audit_path(store_path: str | Path, setting: str = "") -> Path:
    """Where the audit store of the store at ``store_path`` lives: ``setting`` (``AUDIT_STORE``), else
    ``<store>.audit`` beside the store directory (as ``<store>.tokens.json`` is)."""
    if setting:
        return Path(setting)
    p = Path(store_path)
    return p.parent / f"{p.name}.audit"


def audit_store(store: Store, setting: str | None = None) -> Store:
    """The audit store of the data store ``store``: an embedded Oxigraph store of its own, opened once per
    process, that holds the changesets (and the staged changes) so that they are never part of the data.

    ``setting`` is the ``AUDIT_STORE`` setting (``None``: ``$GOVKG_AUDIT_STORE``).  An embedded store on disk
    has its audit store beside it (:func:`audit_path`); a store in memory has one in memory; a remote store has
    a local one beside the default store path.
    """
    if setting is None:
        setting = os.environ.get("GOVKG_AUDIT_STORE", "")
    with _LOCK:
        pair = _AUDIT.get(id(store))
        if pair is not None and pair[0] is store:
            return pair[1]
    if isinstance(store, EmbeddedStore) and store.path is None:
        audit: Store = EmbeddedStore(None)
    else:
        base = store.path if isinstance(store, EmbeddedStore) and store.path is not None else default_store_path()
        audit = open_store(audit_path(base, setting), {"BACKEND": "embedded"})
    with _LOCK:
        pair = _AUDIT.setdefault(id(store), (store, audit))
        if pair[0] is not store:  # a stale entry of a store closed without forget()
            pair = _AUDIT[id(store)] = (store, audit)
        return pair[1]


def forget(store: Store) -> None:
    """Close ``store`` (and its audit store, when one was opened) and drop them from the per-process registry."""
    with _LOCK:
        for k, v in list(_OPEN.items()):
            if v is store:
                del _OPEN[k]
        pair = _AUDIT.pop(id(store), None)
        audit = pair[1] if pair is not None and pair[0] is store else None
        if audit is not None:
            for k, v in list(_OPEN.items()):
                if v is audit:
                    del _OPEN[k]
    store.close()
    if audit is not None:
        audit.close()
