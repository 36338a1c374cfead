"""The W3C SPARQL 1.1 protocol and query-evaluation suites, run over HTTP against the real server.

A fresh empty store (``--no-seed``, ``UNION_DEFAULT_GRAPH=0``: the standard dataset rules), data loaded
through the Graph Store Protocol with a token, the runners of ``../shared/conformance/tools``.  Targets:
more protocol checks than Oxigraph's own server (54 of 59), and no query-evaluation test lost against raw
pyoxigraph (226 of 238).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http_server import live_server

pytestmark = [pytest.mark.conformance, pytest.mark.slow]

OXIGRAPH_SERVER_PROTOCOL = 54
PYOXIGRAPH_QUERY_EVAL = 226


def passed(output: str) -> tuple[int, int]:
    m = re.search(r"^(\d+) passed, (\d+) failed$", output, re.MULTILINE)
    assert m, output[-2000:]
    return int(m.group(1)), int(m.group(2))


@pytest.fixture(scope="module")
def tools(shared_dir: Path) -> Path:
    d = shared_dir / "conformance" / "tools"
    if not (d / "sparql_protocol_check.py").is_file():
        pytest.skip("the conformance runners are not in ../shared/conformance/tools")
    return d


def test_protocol_checks(tools: Path, tmp_path: Path) -> None:
    with live_server(tmp_path / "store", seed=False, env={"UNION_DEFAULT_GRAPH": "0"}) as srv:
        out = subprocess.run(
            [sys.executable, str(tools / "sparql_protocol_check.py"), "--endpoint", srv.url + "/sparql",
             "--update-endpoint", srv.url + "/update", "--fixtures", "gsp", "--gsp-url", srv.url + "/data",
             "--header", f"Authorization: Bearer {srv.token('admin')}",
             # the manifest's updates run CLEAR ALL / DROP ALL, which need an admin's confirmation here
             "--header", "X-Govkg-Confirm: drop-all", "--timeout", "30", "-q"],
            capture_output=True, text=True, timeout=600)
    ok, failed = passed(out.stdout)
    print(out.stdout)
    assert ok > OXIGRAPH_SERVER_PROTOCOL, out.stdout
    assert ok + failed == 59


def test_query_evaluation(tools: Path, tmp_path: Path) -> None:
    with live_server(tmp_path / "store", seed=False, env={"UNION_DEFAULT_GRAPH": "0"}) as srv:
        out = subprocess.run(
            [sys.executable, str(tools / "sparql_conformance.py"), "--endpoint", srv.url + "/sparql",
             "--load", "gsp", "--gsp-url", srv.url + "/data",
             "--header", f"Authorization: Bearer {srv.token('steward')}", "--timeout", "30"],
            capture_output=True, text=True, timeout=900)
    ok, failed = passed(out.stdout)
    print(out.stdout[-4000:])
    assert ok + failed == 238
    assert ok >= PYOXIGRAPH_QUERY_EVAL, out.stdout[-4000:]
