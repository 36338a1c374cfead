"""A Virtuoso for ``python -m bench run --backend remote``: started with ``.ci/virtuoso.sh`` on free ports of
127.0.0.1 in a throw-away directory, stopped afterwards; :func:`virtuoso` gives the ``GOVKG_*`` settings that
make govkg's worker open it (``GOVKG_BACKEND=remote``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "virtuoso.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def virtuoso(directory: Path) -> Iterator[dict[str, str]]:
    """A running Virtuoso with its database in ``directory`` (emptied first); its ``GOVKG_*`` settings."""
    shutil.rmtree(directory, ignore_errors=True)
    port, sqlport = _free_port(), _free_port()
    print(f"bench: starting Virtuoso on 127.0.0.1:{port} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(["bash", str(SCRIPT), "start", str(directory), str(port), str(sqlport)],
                          capture_output=True, text=True, timeout=900, check=False)
    try:
        if proc.returncode != 0:
            raise SystemExit(f"bench: {SCRIPT.name} start failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
        env: dict[str, str] = {}
        for line in (directory / "govkg.env").read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.startswith("GOVKG_"):
                env[key.strip()] = value.strip()
        yield env
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(directory)], capture_output=True, timeout=120, check=False)
        shutil.rmtree(directory, ignore_errors=True)
