"""Start the real server (``govkg serve``: gunicorn, one worker, the query pool) on 127.0.0.1 at a free port.

    with live_server(tmp_path / "store", seed=True, env={"QUERY_TIMEOUT_S": "2"}) as srv:
        requests.get(srv.url + "/sparql", params={"query": "ASK {}"})
        token = srv.token("steward")          # a bearer token made with `govkg token create`

``env`` keys are setting names (``QUERY_TIMEOUT_S``) or full variables (``GOVKG_QUERY_TIMEOUT_S``).  The
``live_server`` fixture in ``tests/conftest.py`` gives a seeded server per test module.

``remote=`` (the ``virtuoso`` fixture's settings) serves a remote engine instead (``GOVKG_BACKEND=remote``):
every user graph there is cleared first, so that the server seeds it as it would an empty store on disk.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOVKG = [sys.executable, "-c", "from graph.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    store: Path
    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str = "steward", name: str | None = None) -> str:
        """A bearer token with ``role`` (made once per role and server, through the CLI)."""
        key = name or f"test-{role}"
        if key not in self._tokens:
            out = subprocess.run([*GOVKG, "token", "create", "--name", key, "--role", role, "--store",
                                  str(self.store)], env=self.env, capture_output=True, check=True, cwd=ROOT)
            self._tokens[key] = out.stdout.decode().strip()
        return self._tokens[key]

    def auth(self, role: str = "steward") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for k, v in (extra or {}).items():
        env[k if k.startswith("GOVKG_") else f"GOVKG_{k}"] = str(v)
    return env


@contextmanager
def live_server(store: Path, *, seed: bool = True, env: dict[str, str] | None = None,
                startup_timeout: float = 120.0, remote: dict[str, str] | None = None,
                tokens: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """The real server on a free port of 127.0.0.1 against the store directory ``store`` (or, with ``remote``,
    the emptied remote engine of those settings; ``store`` then holds only the tokens); stopped afterwards.

    ``tokens``: the secrets of the tokens made for this store by an earlier server on it, shared (and filled in)
    by this one.  A restart on the same store must pass them on: the tokens file keeps only hashes, and a name
    that exists cannot be created again (``govkg token create`` exits 1)."""
    store = Path(store)
    store.parent.mkdir(parents=True, exist_ok=True)
    # a remote store keeps its audit store beside the *default* store path, one per machine: a test server gets
    # its own, so that two runs at once (or a server and an in-process test) never fight over its lock
    own_audit = {"AUDIT_STORE": str(store.parent / f"{store.name}.audit")} if remote is not None else {}
    full_env = _env({**_remote_env(remote), **own_audit, **(env or {})})
    port = free_port()
    log = store.parent / f"{store.name}.server.log"
    cmd = [*GOVKG, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    if not seed:
        cmd.append("--no-seed")
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=full_env, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    srv = LiveServer(f"http://127.0.0.1:{port}", store, proc, full_env, log, {} if tokens is None else tokens)
    try:
        _wait_ready(srv, startup_timeout)
        yield srv
    finally:
        _stop(proc)


def _remote_env(remote: dict[str, str] | None) -> dict[str, str]:
    """The ``GOVKG_*`` settings of a remote engine, after emptying it (every user graph cleared)."""
    if remote is None:
        return {}
    from tests.remote_fixtures import open_remote

    engine = open_remote(remote)
    try:
        engine.update("CLEAR ALL")
    finally:
        engine.close()
    return {k: v for k, v in remote.items() if k.startswith("GOVKG_")}


def _wait_ready(srv: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.proc.poll() is not None:
            raise RuntimeError(f"the server exited with {srv.proc.returncode}:\n{srv.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(srv.url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout} s:\n{srv.log_text()[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own session: gunicorn, its worker, the query workers
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything of ours left in the session
    except ProcessLookupError:
        pass
