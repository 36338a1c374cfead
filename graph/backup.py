"""Backups of the whole store, consistent while the server runs, and their restore.

A backup is a directory: ``store.nq.gz`` (every quad, N-Quads, gzip), ``audit.nq.gz`` (the audit store beside
the store: changesets and staged changes, :mod:`graph.audit`) and ``manifest.json`` (quad counts and the
fingerprints: SHA-256 of the canonical sorted N-Quads, as releases have them).  While a server runs, it holds
the audit store: the manifest then says that the audit store is not included.  N-Quads outlive the engine's
on-disk format, so a backup restores into any later version, or into a remote engine.

Where the quads come from:

- the store is free (no server): it is opened and dumped;
- the server owns it (RocksDB's lock): the latest checkpoint generation the server published after its last
  write (:mod:`graph.store.snapshots`) is a frozen, consistent copy.  It is first hard-linked aside (the server
  deletes generations nobody holds), then opened read-only.  A generation older than the store's last write,
  or none at all, is refused with a clear message instead of being backed up stale.

A restore goes into an empty store only (never over data), through the store's all-or-nothing load, and checks
the fingerprint afterwards; a mismatch leaves the store marked incomplete, so it is never served.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import __version__
from graph.errors import StoreError
from graph.release import canonical_nquads, fingerprint_lines
from graph.store import Store, audit_path, default_store_path, forget, open_store
from graph.store.embedded import LOADING_MARKER, EmbeddedStore

DUMP = "store.nq.gz"
AUDIT_DUMP = "audit.nq.gz"  # the audit store (graph.audit): changesets and staged changes
MANIFEST = "manifest.json"
_WAL = re.compile(r"^\d+\.log$")
_GEN = re.compile(r"^gen-(\d+)$")
ATTEMPTS = 5


class BackupRefused(StoreError):
    """A backup or restore that could not be made safely; nothing was written."""


def snapshots_root(store_path: Path) -> Path:
    return store_path.parent / f"{store_path.name}.snapshots"


def _locked(e: BaseException) -> bool:
    text = str(e).lower()
    return "lock" in text


def latest_generation(store_path: Path) -> Path | None:
    root = snapshots_root(store_path)
    gens = [(int(m.group(1)), d) for d in root.glob("gen-*") if (m := _GEN.match(d.name)) and d.is_dir()]
    return max(gens)[1] if gens else None


def _newest_write(store_path: Path) -> int:
    """Modification time (ns) of the store's newest write-ahead log: every committed write appends to one."""
    times = [f.stat().st_mtime_ns for f in store_path.iterdir() if _WAL.match(f.name)]
    return max(times, default=0)


def _link_copy(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        try:
            os.link(f, dst / f.name)
        except OSError as e:
            if isinstance(e, FileNotFoundError):
                raise
            shutil.copy2(f, dst / f.name)  # another file system: copy


def _dump_lines(store: Store) -> bytes:
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    return buf.getvalue()


def _from_checkpoint(store_path: Path) -> tuple[bytes, str]:
    """The quads of the latest published generation, and where they came from."""
    for _ in range(ATTEMPTS):
        gen = latest_generation(store_path)
        if gen is None:
            raise BackupRefused(
                f"the store {store_path} is in use by another process (the server?) and that process has published "
                "no checkpoint yet; run any query against the server (it publishes one) or stop it, and retry")
        if gen.stat().st_mtime_ns < _newest_write(store_path):
            raise BackupRefused(
                f"the store {store_path} is in use by another process and its latest checkpoint ({gen.name}) is "
                "older than the store's last write; run any query against the server (it publishes a fresh "
                "one) or stop it, and retry")
        tmp = Path(tempfile.mkdtemp(prefix=".govkg-backup-", dir=store_path.parent))
        copy = tmp / gen.name
        try:
            try:
                _link_copy(gen, copy)
            except FileNotFoundError:
                continue  # the server replaced the generation meanwhile: take the next one
            ro = EmbeddedStore.read_only(copy)
            try:
                return _dump_lines(ro), f"checkpoint {gen.name}"
            finally:
                ro.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    raise BackupRefused(f"the server replaced its checkpoint {ATTEMPTS} times while it was being copied; retry")


def read_quads(store_path: Path | None) -> tuple[bytes, str]:
    """Every quad of the store as N-Quads bytes, and their origin (the store, or the server's checkpoint)."""
    store_path = Path(store_path or default_store_path())
    try:
        store = open_store(store_path)
    except StoreError as e:
        if not _locked(e.__cause__ or e):
            raise
        return _from_checkpoint(store_path)
    if isinstance(store, EmbeddedStore):
        store.check_complete()
    try:
        return _dump_lines(store), "store"
    finally:
        if isinstance(store, EmbeddedStore):
            forget(store)  # release the lock: a server may be started next


def _audit_dir(store_path: Path | None) -> Path:
    return audit_path(Path(store_path or default_store_path()), os.environ.get("GOVKG_AUDIT_STORE", ""))


def read_audit(store_path: Path | None) -> bytes | None:
    """Every quad of the audit store beside the store (:mod:`graph.audit`); ``None`` when a server holds it."""
    p = _audit_dir(store_path)
    if not p.exists():
        return b""
    try:
        st = open_store(p, {"BACKEND": "embedded"})
    except StoreError as e:
        if not _locked(e.__cause__ or e):
            raise
        return None
    try:
        return _dump_lines(st)
    finally:
        forget(st)


def backup(store_path: Path | None, out: Path) -> dict[str, Any]:
    """Write a backup of the store (and of its audit store) into the new directory ``out``; its manifest."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupRefused(f"{out} exists and is not an empty directory; name a new one")
    data, origin = read_quads(store_path)
    audit = read_audit(store_path)
    audit_lines = canonical_nquads(audit.decode("utf-8").splitlines()) if audit is not None else []
    lines = canonical_nquads(data.decode("utf-8").splitlines())
    manifest = {
        "format": "govkg-backup/1",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "govkg": __version__,
        "source": origin,
        "quads": len(lines),
        "fingerprint": fingerprint_lines(lines),
        "dump": DUMP,
        "audit": ({"quads": len(audit_lines), "fingerprint": fingerprint_lines(audit_lines), "dump": AUDIT_DUMP}
                  if audit is not None else {"included": False,
                                             "reason": "the server holds the audit store; stop it to back it up"}),
    }
    tmp = out.parent / f".{out.name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with gzip.open(tmp / DUMP, "wb", compresslevel=6) as gz:
        gz.write(data)
    if audit is not None:
        with gzip.open(tmp / AUDIT_DUMP, "wb", compresslevel=6) as gz:
            gz.write(audit)
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        out.rmdir()
    tmp.rename(out)  # appears whole or not at all
    return manifest


def read_manifest(src: Path) -> dict[str, Any]:
    try:
        m = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupRefused(f"{src} is not a govkg backup (no readable {MANIFEST}): {e}") from e
    if m.get("format") != "govkg-backup/1" or not (src / str(m.get("dump", DUMP))).is_file():
        raise BackupRefused(f"{src} is not a govkg backup of a known format")
    return dict(m)


def restore(src: Path, store_path: Path | None) -> dict[str, Any]:
    """Load the backup ``src`` into the empty store at ``store_path``; the manifest, checked."""
    manifest = read_manifest(src)
    store_path = Path(store_path or default_store_path())
    try:
        store = open_store(store_path)
    except StoreError as e:
        if _locked(e.__cause__ or e):
            raise BackupRefused(f"the store {store_path} is in use (is the server running?); stop it, or restore "
                                "into a new directory and serve that") from e
        raise
    try:
        if store.count() > 0:
            raise BackupRefused(f"the store {store_path} is not empty; restore into a new, empty directory "
                                "(a restore never overwrites data)")
        with tempfile.TemporaryDirectory(prefix=".govkg-restore-",
                                         dir=store_path.parent) as tmpdir:
            plain = Path(tmpdir) / "store.nq"
            with gzip.open(src / str(manifest["dump"]), "rb") as gz, plain.open("wb") as fh:
                shutil.copyfileobj(gz, fh, 1 << 20)
            store.load(plain, format="nquads")
        got = fingerprint_lines(canonical_nquads(_dump_lines(store).decode("utf-8").splitlines()))
        if got != manifest["fingerprint"]:
            if isinstance(store, EmbeddedStore) and store.path is not None:
                (store.path / LOADING_MARKER).write_text(f"restore of {src} (fingerprint mismatch)\n", "utf-8")
            raise StoreError(f"the restored store's fingerprint {got[:16]}… differs from the backup's "
                             f"{str(manifest['fingerprint'])[:16]}…; the store is marked incomplete and will not "
                             "be served")
        _restore_audit(src, manifest, store_path)
        return manifest
    finally:
        if isinstance(store, EmbeddedStore):
            forget(store)


def _restore_audit(src: Path, manifest: dict[str, Any], store_path: Path) -> None:
    """The backup's audit store into the (empty) audit store beside ``store_path``, its fingerprint checked."""
    meta = manifest.get("audit") or {}
    if not meta.get("dump") or not (src / str(meta["dump"])).is_file():
        return
    audit = open_store(_audit_dir(store_path), {"BACKEND": "embedded"})
    try:
        if audit.count() > 0:
            raise BackupRefused(f"the audit store beside {store_path} is not empty; restore into a new directory")
        with gzip.open(src / str(meta["dump"]), "rb") as gz:
            audit.load(gz.read(), format="nquads")
        got = fingerprint_lines(canonical_nquads(_dump_lines(audit).decode("utf-8").splitlines()))
        if got != meta["fingerprint"]:
            raise StoreError(f"the restored audit store's fingerprint {got[:16]}… differs from the backup's")
    finally:
        forget(audit)
