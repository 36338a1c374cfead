"""``govkg serve``: the viewer and the SPARQL endpoint on gunicorn.

One gunicorn worker process with threads owns the read-write store (RocksDB allows one writer process);
queries run in its pool of killable query-worker processes (:mod:`graph.store.workers`).  An empty store
is first seeded from the checkout (ontology, shapes, ``data/``) unless ``--no-seed`` is given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from graph.audit import recover
from graph.commands.options import store_option
from graph.seed import load_seed
from graph.settings import read_settings
from graph.store import default_store_path, forget, open_store
from graph.store.embedded import EmbeddedStore


def register(cli: click.Group) -> None:
    cli.add_command(serve)


def gunicorn_options(host: str, port: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process owns the store; queries fan out to the worker pool
        "worker_class": "gthread",
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


def run_server(host: str, port: int, store_path: Path, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from webui.app import create_app

    class GovkgApplication(BaseApplication):
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for k, v in self.options.items():
                self.cfg.set(k, v)

        def load(self) -> Any:
            app = create_app()
            first_checkpoint(app)
            return app

    os.environ["GOVKG_STORE"] = str(store_path)
    GovkgApplication(gunicorn_options(host, port, threads)).run()


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
    threads = int(read_settings()["THREADS"])
    backend = str(read_settings()["BACKEND"]).strip().lower()
    what = "the remote engine " + str(read_settings()["REMOTE_QUERY_URL"]) if backend == "remote" else str(path)
    click.echo(f"serving {what} on http://{host}:{port}/ (SPARQL at /sparql)", err=True)
    run_server(host, port, path, threads)
