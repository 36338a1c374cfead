"""One query worker process: run read-only SPARQL queries on a store checkpoint, answer over a pipe.

Started by :class:`graph.store.workers.QueryPool` as ``python query_worker.py`` (by path, so that it imports
only the standard library and pyoxigraph and starts fast).  It reads framed requests on standard input and
writes framed answers on standard output; the pool kills it (SIGKILL) when a query runs past the time limit,
so nothing here watches the clock.

Frame: 4 bytes big-endian length, then that many bytes of JSON; an answer's JSON may announce ``size``
bytes of payload that follow it, or a ``path`` of a spill file holding them.

An answer's frame is binary: ``A``, kind (1 byte), truncated (1 byte), payload size (8 bytes), the payload.

Row cap without per-row Python: the answer is serialised by Oxigraph, once, in the requested format, into a
writer that counts a marker found once per row and stops the serialisation, and so the evaluation, once it holds
``max_rows + 1`` rows; the answer is cut at ``max_rows``.  The markers: ``,{"`` between two rows of SPARQL
JSON (a ``"`` inside a value is always escaped, so it cannot occur there; an answer holding an empty row ``{}``
is run again the XML way), ``<result>`` in SPARQL XML (``<`` in values is escaped), a line in TSV and
N-Triples (they escape line breaks).  CSV (quoted line breaks) is capped as XML, then parsed and serialised
again by Oxigraph; other RDF formats likewise through N-Triples.
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import sys
import tempfile
from typing import Any

import pyoxigraph as ox

INLINE_MAX = 1 << 20  # larger answers go through a spill file
KINDS = ("solutions", "boolean", "graph")


class RowCap(io.RawIOBase):
    """A binary sink that stops the serialisation once it holds ``limit`` occurrences of ``marker``."""

    class Full(Exception):
        pass

    def __init__(self, marker: bytes, limit: int) -> None:
        self.buf = bytearray()
        self.marker = marker
        self.limit = limit
        self.seen = 0
        self._scanned = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.buf += bytes(b)
        start = max(0, self._scanned - len(self.marker) + 1)
        self.seen += self.buf.count(self.marker, start)
        self._scanned = len(self.buf)
        if self.seen >= self.limit:
            raise RowCap.Full
        return len(b)


def _capped(result: Any, fmt: Any, marker: bytes, header: int, max_rows: int) -> tuple[bytes, bool]:
    """Serialise ``result`` as ``fmt`` up to ``max_rows`` rows (each row holds ``marker`` once, the header
    ``header`` times); stop the evaluation at the row after.  Returns (bytes up to the cut, truncated).
    """
    sink = RowCap(marker, header + max_rows + 1)
    try:
        result.serialize(sink, fmt)
    except RowCap.Full:
        pass
    buf = sink.buf
    if sink.seen <= header + max_rows:
        return bytes(buf), False
    ends_rows = marker == b"\n"  # a line ends its row; "<result>" starts one
    pos = -1
    for _ in range(header + max_rows + (0 if ends_rows else 1)):
        pos = buf.find(marker, pos + 1)
    return bytes(buf[: pos + 1] if ends_rows else buf[:pos]), True


def run(store: Any, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    kw: dict[str, Any] = {"prefixes": job.get("prefixes") or None, "base_iri": job.get("base_iri")}
    if job.get("default_graphs"):
        kw["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
    elif job.get("union"):
        kw["use_default_graph_as_union"] = True
    if job.get("named_graphs"):
        kw["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    result = store.query(job["query"], **kw)
    max_rows = int(job["max_rows"])
    if isinstance(result, ox.QueryBoolean):
        fmt = getattr(ox.QueryResultsFormat, job["results_format"])
        return {"kind": "boolean", "truncated": False}, result.serialize(format=fmt) or b""
    if isinstance(result, ox.QuerySolutions):
        if job.get("fits") and job["results_format"] in ("JSON", "TSV", "XML"):  # a probed lookup: within max_rows
            fmt = getattr(ox.QueryResultsFormat, job["results_format"])
            return {"kind": "solutions", "truncated": False}, result.serialize(format=fmt) or b""
        if job["results_format"] == "JSON" and max_rows > 0:  # count ',{"' between rows
            body, truncated = _capped(result, ox.QueryResultsFormat.JSON, b',{"', 0, max_rows - 1)
            if b"{}" not in body:  # no empty row (which the marker would not count)
                if truncated:
                    body += b"]}}"
                return {"kind": "solutions", "truncated": truncated}, body
            result = store.query(job["query"], **kw)  # rare: an empty row; count the exact XML way
        if job["results_format"] == "TSV":  # one row per line: cut and send as it is
            tsv, truncated = _capped(result, ox.QueryResultsFormat.TSV, b"\n", 1, max_rows)
            return {"kind": "solutions", "truncated": truncated}, tsv
        # XML is lossless and escapes "<" in values, so each row starts with exactly one "<result>".
        xml, truncated = _capped(result, ox.QueryResultsFormat.XML, b"<result>", 0, max_rows)
        if truncated:
            xml += b"</results></sparql>"
        elif job["results_format"] == "XML":
            return {"kind": "solutions", "truncated": False}, xml
        fmt = getattr(ox.QueryResultsFormat, job["results_format"])
        parsed = ox.parse_query_results(xml, ox.QueryResultsFormat.XML)
        return {"kind": "solutions", "truncated": truncated}, parsed.serialize(format=fmt) or b""
    nt, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, b"\n", 0, max_rows)
    if job["rdf_format"] == "N_TRIPLES":
        return {"kind": "graph", "truncated": truncated}, nt
    fmt = getattr(ox.RdfFormat, job["rdf_format"])
    out = ox.serialize(ox.parse(nt, ox.RdfFormat.N_TRIPLES), format=fmt, prefixes=job.get("prefixes") or None)
    return {"kind": "graph", "truncated": truncated}, out or b""


def _read_exact(f: Any, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = f.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send_answer(out: Any, header: dict[str, Any], payload: bytes) -> None:
    head = b"A" + struct.pack(">BBQ", KINDS.index(header["kind"]), bool(header["truncated"]), len(payload))
    out.write(head + payload)  # one write: the server wakes once, with the whole answer
    out.flush()


def _send(out: Any, header: dict[str, Any], payload: bytes = b"") -> None:
    raw = json.dumps(header).encode("utf-8")
    out.write(b"J" + struct.pack(">I", len(raw)) + raw)
    if payload:
        out.write(payload)
    out.flush()


def main() -> None:
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if memory_mb > 0:
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The protocol owns the original standard output; anything printed goes to standard error.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    store: Any = None
    opened: str | None = None
    prefixes: dict[str, str] | None = None
    _send(out, {"ready": True})
    while True:
        size_raw = _read_exact(inp, 4)
        if size_raw is None:
            return
        body = _read_exact(inp, struct.unpack(">I", size_raw)[0])
        if body is None:
            return
        job = json.loads(body)
        if "prefixes" in job:  # sent once per worker, then kept
            prefixes = job["prefixes"]
        job["prefixes"] = prefixes
        try:
            if job["snapshot"] != opened:
                store = None
                store = ox.Store.read_only(job["snapshot"])
                opened = job["snapshot"]
            header, payload = run(store, job)
        except SyntaxError as e:
            _send(out, {"error": "syntax", "message": str(e)})
            continue
        except MemoryError:
            _send(out, {"error": "memory", "message": "the query needed more memory than its worker may use"})
            continue
        except (OSError, ValueError, TypeError) as e:
            _send(out, {"error": "store", "message": str(e)})
            continue
        if len(payload) > INLINE_MAX and job.get("spill_dir"):
            fd, path = tempfile.mkstemp(dir=job["spill_dir"], prefix="answer-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            _send(out, {**header, "size": len(payload), "path": path})
        else:
            _send_answer(out, header, payload)


if __name__ == "__main__":
    main()
