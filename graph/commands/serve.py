"""``govkg serve``: the viewer and the SPARQL endpoint on gunicorn.

gunicorn runs ``SERVING_PROCESSES`` worker processes with threads (:mod:`webui.processes`).  One of them, the
primary, owns the read-write store (RocksDB allows one writer process); queries run in its pool of killable
query-worker processes (:mod:`graph.store.workers`).  The others, readers, answer bounded lookups on the
primary's latest checkpoint and forward everything else to it over a private unix socket (:mod:`webui.readers`).
An empty store is first seeded from the checkout (ontology, shapes, ``data/``) unless ``--no-seed`` is given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graph.audit import recover
from graph.commands.options import store_option
from graph.seed import load_seed
from graph.settings import read_settings
from graph.store import default_store_path, forget, open_store
from graph.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from webui.processes import Run


def register(cli: click.Group) -> None:
    cli.add_command(serve)


def gunicorn_options(host: str, port: int, threads: int, run: Run | None = None) -> dict[str, Any]:
    return {
        "bind": run.binds(host, port) if run is not None else [f"{host}:{port}"],
        "workers": run.processes if run is not None else 1,  # one primary owns the store (webui.processes)
        "worker_class": run.worker_class if run is not None else "gthread",  # webui.balanced
        "threads": threads,
        "timeout": 120,  # heartbeat of the worker process; queries stop at QUERY_TIMEOUT_S (at most 60)
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 0,  # the app answers 414 itself above MAX_URL_BYTES (gunicorn caps at 1 MiB)
        "limit_request_field_size": 16384,
        "preload_app": False,  # the store is opened in the worker, never in the arbiter
        "proc_name": "govkg",
        "control_socket_disable": True,  # several servers may run side by side (tests)
    }


def prepare_store(path: Path, seed: bool) -> int:
    """Open the store, refuse an interrupted bulk load, seed it when empty; close it again.  Quads loaded."""
    store = open_store(path)
    try:
        if isinstance(store, EmbeddedStore):
            store.check_complete()
        settled = {k: v for k, v in recover(store).items() if v}  # pending changesets of a crash (graph.audit)
        if settled:
            click.echo("audit store: " + ", ".join(f"{v} {k}" for k, v in settled.items()), err=True)
        if seed and store.count() == 0:
            where = path if isinstance(store, EmbeddedStore) else store  # a remote engine: its URL
            click.echo(f"seeding the empty store {where} from the checkout ...", err=True)
            n = load_seed(store, progress=False)
            click.echo(f"loaded {n} quads", err=True)
            from graph import side_tables

            side_tables.ensure(store, wait=True)  # the seed is small: its tables in well under a second
            return n
        return 0
    finally:
        forget(store)  # release the RocksDB lock before the server process opens the store


def _prepare_in_child(path: Path, seed: bool) -> None:
    """:func:`prepare_store` in the spawned process: a library error is one clear line, not a traceback."""
    from graph.errors import GovkgError

    try:
        prepare_store(path, seed)
    except (GovkgError, OSError) as e:
        click.echo(f"govkg: error: {e}", err=True)
        raise SystemExit(1) from None


def first_checkpoint(app: Any) -> None:
    """Publish a checkpoint generation as the server starts (in the store-owning process), so that
    ``govkg backup`` works at once and readers have a copy even if the disk fills before the first query.
    A failure is logged, not fatal: the first query publishes again."""
    import logging

    from graph.errors import StoreError
    from graph.store.snapshots import snapshots_for
    from webui.app import get_store

    with app.app_context():
        store = get_store()
        if not store.supports_backup:  # a remote engine: no checkpoints
            return
        try:
            snapshots_for(store)
        except StoreError as e:
            logging.getLogger("govkg.serve").warning("no checkpoint at start-up: %s", e)
        from graph import side_tables

        side_tables.ensure(store)  # behind a bulk load or an outside write: rebuilt on a background thread


def run_server(host: str, port: int, store_path: Path, threads: int, processes: int = 1,
               accept_yield_ms: float = 0.0, linger_ms: float = 0.0) -> None:
    from gunicorn.app.base import BaseApplication

    from webui.app import create_app
    from webui.forwarding import trusting_readers
    from webui.lean import primary_app
    from webui.processes import Run, client_slots, post_fork, reader_app
    from webui.sparql import use_slots

    run = Run(processes, accept_yield_ms, linger_ms=linger_ms)
    role = ["primary"]

    class GovkgApplication(BaseApplication):
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for k, v in self.options.items():
                self.cfg.set(k, v)
            self.cfg.set("post_fork", lambda server, worker: role.__setitem__(0, post_fork(run, worker)))

        def load(self) -> Any:
            if role[0] == "reader":
                return reader_app(run, store_path)
            app = create_app()
            first_checkpoint(app)
            use_slots(client_slots(run))  # CLIENT_CONCURRENCY counted across the processes (webui.shared_slots)
            lean = primary_app(app)  # bounded lookups before Flask, as on the readers (webui.lean)
            return trusting_readers(lean, run.secret) if run.processes > 1 else lean

    os.environ["GOVKG_STORE"] = str(store_path)
    try:
        GovkgApplication(gunicorn_options(host, port, threads, run)).run()
    finally:
        shutil.rmtree(run.directory, ignore_errors=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-seed", is_flag=True, help="Do not seed an empty store from the checkout.")
@store_option
def serve(host: str, port: int, no_seed: bool, store_path: Path | None) -> None:
    """Serve the viewer and the SPARQL endpoint (gunicorn; one process owns the store)."""
    path = Path(store_path or default_store_path())
    # In a spawned process: RocksDB's background threads (flushes, needed by every checkpoint) do not survive
    # the fork of gunicorn's worker, so the arbiter must never have opened the store itself.
    import multiprocessing

    proc = multiprocessing.get_context("spawn").Process(target=_prepare_in_child, args=(path, not no_seed))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise click.ClickException(f"the store in {path} could not be prepared (see above)")
    from webui.processes import processes_setting

    settings = read_settings()
    threads = int(settings["THREADS"])
    backend = str(settings["BACKEND"]).strip().lower()
    # a remote engine has no checkpoints to read: one process, which sends queries to the engine
    processes = 1 if backend == "remote" else processes_setting(int(settings["SERVING_PROCESSES"]))
    what = "the remote engine " + str(settings["REMOTE_QUERY_URL"]) if backend == "remote" else str(path)
    click.echo(f"serving {what} on http://{host}:{port}/ (SPARQL at /sparql; {processes} processes)", err=True)
    run_server(host, port, path, threads, processes, float(settings["ACCEPT_YIELD_MS"]),
               float(settings["KEEPALIVE_LINGER_MS"]))
