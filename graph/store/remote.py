"""The remote store: the same seam over any SPARQL 1.1 Query, Update and Graph Store endpoint.

Engines differ where the standard leaves room; a :class:`Dialect` holds what govkg must know, picked from
the ``Server`` header on first use (or named with ``dialect=``):

* ``standard`` (Apache Jena Fuseki, GraphDB, Amazon Neptune, ...): requests as the protocol says.  The
  union default graph is asked for by naming every named graph as a ``default-graph-uri`` (and again as a
  ``named-graph-uri``, so ``GRAPH ?g`` still works), or by the engine's name for the union where it has one
  (Fuseki's ``urn:x-arq:UnionGraph``).
* ``virtuoso``: Virtuoso has no default graph of its own (a query without a dataset sees *every* graph)
  and no blank nodes in ``INSERT DATA``.  govkg keeps the default graph in the named graph
  :data:`VIRTUOSO_DEFAULT_GRAPH`, sets each request's dataset with Virtuoso's ``define input:`` pragmas (and
  lists the graphs a request names, which Virtuoso otherwise drops once a dataset is set), maps
  ``CLEAR``/``DROP DEFAULT|NAMED|ALL`` onto the user's graphs, writes blank nodes with template inserts, and
  cuts large writes under its compiler's limits.  Virtuoso's own graphs must be hidden from govkg's user
  (its private-graphs group, as ``.ci/virtuoso.sh`` does); :func:`is_virtuoso_system_graph` keeps them out
  of :meth:`RemoteStore.named_graphs` and ``CLEAR ALL`` in any case.

Answers are fetched as SPARQL JSON (solutions, booleans) or N-Triples (graphs); those bytes are handed on
as they are, other formats are converted by pyoxigraph, and rdflib terms are made only when a result is
iterated.  Every write govkg makes is one request of one operation, which every engine applies atomically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import pyoxigraph as ox

from graph.errors import ParseError, QuerySyntaxError, QueryTimeout, StoreError
from graph.formats import UnknownFormat, rdf_format
from graph.namespaces import PREFIXES
from graph.store.base import Store
from graph.store.remote_http import HttpClient, HttpFailure, Response
from graph.store.remote_results import RemoteResult
from graph.store.remote_text import (
    dataset_clauses,
    empty_graph_patterns_as_exists,
    graph_refs,
    insert_data_with_blank_nodes_as_template,
    mask,
    needs_graph_list,
    prologue_for,
    query_form,
    refuse_unsafe,
    rewrite_graph_management,
)
from graph.store.remote_writes import (
    MAX_UPDATE_BYTES,
    VIRTUOSO_UPDATE_BYTES,
    Q,
    RemoteTx,
    bnode_groups,
    chunks,
    has_bnode,
    ox_quads,
    parts,
)

#: On Virtuoso, the named graph that holds what the standard puts in the default graph.
VIRTUOSO_DEFAULT_GRAPH = "urn:govkg:default-graph"
#: Graphs Virtuoso creates for itself; never shown, never cleared.
VIRTUOSO_SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                          "http://www.w3.org/2002/07/owl#", "virtrdf-label")
_VIRTUOSO_SYSTEM_RE = re.compile(r"^(https?://www\.openlinksw\.com/|https?://[^/]+/(DAV/|sparql$))")
#: Virtuoso's SPARQL compiler runs out of parser stack at about 5,000 triples in one operation.
VIRTUOSO_OP_QUADS = 2000
#: ... and at 10,000 lines of generated SQL, about 1,000 triples in a template insert (used for blank nodes).
VIRTUOSO_TEMPLATE_QUADS = 400
JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
_NOTHING = "<urn:govkg:nothing>"
_LEADING_BASE = re.compile(r"\s*BASE\s*<[^<>]*>", re.IGNORECASE)
#: Seconds to wait for an answer beyond the engine's own time limit (it needs a moment to stop and answer).
TIMEOUT_GRACE_S = 3.0


@dataclass(frozen=True)
class Dialect:
    name: str
    #: Where the default graph lives when the engine has none of its own (a named graph).
    default_graph: str | None = None
    #: An IRI the engine understands as "the union of all graphs" in ``default-graph-uri``.
    union_graph: str | None = None
    #: Whether ``define input:...`` pragmas set the dataset (Virtuoso).
    pragmas: bool = False


DIALECTS = {
    "standard": Dialect("standard"),
    "fuseki": Dialect("fuseki", union_graph="urn:x-arq:UnionGraph"),
    "virtuoso": Dialect("virtuoso", default_graph=VIRTUOSO_DEFAULT_GRAPH, pragmas=True),
}


def engine_timeout(d: Dialect, seconds: float) -> list[tuple[str, str]]:
    """The request parameter that sets the engine's own time limit: Virtuoso's ``timeout`` (milliseconds,
    at least 1000; it then answers with ``X-SQL-State: S1TAT``, which is a :class:`QueryTimeout`), Fuseki's
    ``timeout`` (seconds).  Other engines get none; the HTTP wait still ends at the limit."""
    if d.name == "virtuoso":
        return [("timeout", str(max(1000, int(seconds * 1000))))]
    if d.name == "fuseki":
        return [("timeout", f"{seconds:g}")]
    return []


def is_virtuoso_system_graph(iri: str) -> bool:
    return iri in VIRTUOSO_SYSTEM_GRAPHS or bool(_VIRTUOSO_SYSTEM_RE.match(iri))


# --- the store ------------------------------------------------------------------------------------------


class RemoteStore(Store):
    """A :class:`Store` on a SPARQL 1.1 endpoint (Query, Update and, optionally, the Graph Store protocol)."""

    supports_backup = False
    sees_every_write = False  # other clients of the engine write too: caches also poll (graph.viewcache)

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "basic",
        timeout: float = 60.0,
        dialect: str = "auto",
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url or None
        if dialect != "auto" and dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; expected auto or one of {', '.join(DIALECTS)}")
        self._dialect_name = dialect
        self._dialect: Dialect | None = None if dialect == "auto" else DIALECTS[dialect]
        self._system_graphs: list[str] | None = None
        urls = [u for u in (query_url, self.update_url, self.gsp_url) if u]
        self.http = HttpClient(user=user, password=password, auth=auth, timeout=timeout, urls=urls)
        self._closed = False

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # --- plumbing ---------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    @property
    def dialect(self) -> Dialect:
        """The engine's dialect, told by its ``Server`` header on first use unless named."""
        if self._dialect is None:
            resp = self._send(self.query_url, [("query", "ASK {}")], JSON_RESULTS)
            server = (resp.headers.get("Server") or "").lower()
            name = "virtuoso" if "virtuoso" in server else "fuseki" if "fuseki" in server else "standard"
            self._dialect = DIALECTS[name]
        return self._dialect

    def _send(self, url: str, form: Sequence[tuple[str, str]], accept: str, *, syntax: bool = True,
              timeout: float | None = None) -> Response:
        self._check_open()
        body = urlencode(list(form)).encode("ascii")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return self._call("POST", url, body=body, headers=headers, syntax=syntax, timeout=timeout)

    def _call(self, method: str, url: str, *, syntax: bool = True, missing_ok: bool = False, **kw: Any) -> Response:
        try:
            resp = self.http.request(method, url, **kw)
        except HttpFailure as e:
            if missing_ok and e.status == 404:
                raise _Missing() from None
            raise _typed(e, syntax) from None
        state = resp.headers.get("X-SQL-State") or ""
        if state.startswith("S1T"):
            raise QueryTimeout(f"the engine stopped the query at its time limit: {resp.headers.get('X-SQL-Message')}")
        if resp.headers.get("X-SPARQL-MaxRows"):
            raise StoreError(f"the engine cut the answer at {resp.headers['X-SPARQL-MaxRows']} rows "
                             "(Virtuoso's [SPARQL] ResultSetMaxRows); raise that limit or page with LIMIT/OFFSET")
        return resp

    def _pragmas(
        self, text: str, masked: str, *, default: list[str] | None, union: bool, named: list[str] | None,
        own_named: bool,
    ) -> str:
        """Virtuoso's ``define input:`` lines for a dataset.

        The default graph: ``default``, else every graph when ``union``, else the query's own ``FROM``.
        The named graphs: ``named``, else (unless the query has ``FROM NAMED``) every graph.  Virtuoso drops
        ``GRAPH <iri>`` patterns whose IRI is not listed once any dataset pragma is given, so a request that
        names graphs lists them; one that also has ``GRAPH ?g`` lists every graph but the stand-in default
        graph.  (Virtuoso's ``named-graph-exclude`` would hide the stand-in from ``GRAPH ?g`` everywhere, but
        it also breaks the default graph, so a bare ``GRAPH ?g`` still sees the stand-in.)
        """
        out: list[str] = []
        if default is not None:
            out += [f"define input:default-graph-uri <{g}>" for g in default]
        elif union:
            out.append(f"define input:default-graph-exclude {_NOTHING}")
        if named is not None:
            out += [f"define input:named-graph-uri <{g}>" for g in named]
        elif not own_named:
            consts, has_var = graph_refs(text, masked)
            if consts:
                listed = consts | set(self.named_graphs()) if has_var else consts
                out += [f"define input:named-graph-uri <{g}>" for g in sorted(listed)]
        return " ".join(out) + " " if out else ""

    def _graph_name(self, g: str) -> str:
        if g == "":
            if self.dialect.default_graph is None:
                raise StoreError("this engine cannot name its default graph in a dataset")
            return self.dialect.default_graph
        return g

    # --- the seam ---------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> RemoteResult:
        """As :meth:`Store.query`; ``timeout`` (seconds) is passed to the engine as its own time limit
        (:func:`engine_timeout`) and bounds the wait for its answer (plus :data:`TIMEOUT_GRACE_S`);
        ``base_iri`` resolves relative IRIs of a query without a ``BASE`` of its own."""
        d = self.dialect
        if d.default_graph is not None:
            sparql = empty_graph_patterns_as_exists(sparql)
        masked = mask(sparql)
        refuse_unsafe(masked, update=False, engine_pragmas=d.pragmas)
        kind = query_form(masked)
        has_from, has_named = dataset_clauses(masked)
        defaults = [self._graph_name(g) for g in default_graphs] if default_graphs else None
        named = list(named_graphs) if named_graphs else None
        params: list[tuple[str, str]] = []
        head = ""
        if d.pragmas:
            if defaults is None and not union_default_graph and not has_from:
                defaults = [d.default_graph or ""]
            head = self._pragmas(sparql, masked, default=defaults, union=union_default_graph and not has_from,
                                 named=named, own_named=has_named)
        else:
            if defaults is None and union_default_graph and not has_from:
                if d.union_graph:
                    defaults = [d.union_graph]
                else:
                    every = self.named_graphs()
                    defaults = every or [_NOTHING[1:-1]]
                    named = named if named is not None else (every or None)
            params += [("default-graph-uri", g) for g in defaults or []]
            params += [("named-graph-uri", g) for g in named or []]
        # BASE must open the prologue (Virtuoso refuses it after a PREFIX): the query's own, else base_iri.
        own = _LEADING_BASE.match(masked)
        cut = own.end() if own else 0
        base = "" if own or not base_iri else f"BASE <{base_iri}> "
        text = head + base + sparql[:cut] + " " + prologue_for(masked) + sparql[cut:]
        accept = NTRIPLES if kind == "graph" else JSON_RESULTS
        if timeout is not None:
            params += engine_timeout(d, timeout)
        wait = None if timeout is None else timeout + TIMEOUT_GRACE_S
        resp = self._send(self.query_url, [("query", text), *params], accept, timeout=wait)
        if kind == "graph" and resp.content_type not in (NTRIPLES, "text/plain"):
            return RemoteResult(kind, _to_ntriples(resp))
        if kind != "graph" and "json" not in resp.content_type:
            raise StoreError(f"the endpoint answered {resp.content_type or 'no type'}, not SPARQL JSON results")
        return RemoteResult(kind, resp.body)

    def _prepare_update(self, sparql: str) -> tuple[str, bool]:
        """The request text for ``sparql`` (checked, prefixes added, graph management mapped) and whether it
        names its own graphs with ``WITH``/``USING``."""
        d = self.dialect
        masked = mask(sparql)
        refuse_unsafe(masked, update=True, engine_pragmas=d.pragmas)
        scoped = bool(re.search(r"(?<![\w:?$])(WITH|USING)\b", masked, re.IGNORECASE))
        if d.default_graph is not None:
            graphs = self.named_graphs() if needs_graph_list(sparql) else None
            sparql = rewrite_graph_management(sparql, d.default_graph, graphs)
            sparql = insert_data_with_blank_nodes_as_template(sparql)
        return prologue_for(masked) + sparql, scoped

    def _update_pragmas(self, text: str, scoped: bool) -> str:
        d = self.dialect
        if not d.pragmas or d.default_graph is None:
            return ""
        return self._pragmas(text, mask(text), default=None if scoped else [d.default_graph], union=False,
                             named=None, own_named=False)

    def update(self, sparql: str) -> None:
        text, scoped = self._prepare_update(sparql)
        self._send_update(self._update_pragmas(text, scoped) + text)

    def named_graphs(self) -> list[str]:
        graphs = super().named_graphs()
        dg = self.dialect.default_graph
        if dg is not None:
            graphs = [g for g in graphs if g != dg and not is_virtuoso_system_graph(g)]
        return graphs

    def _default_stand_in(self) -> str | None:
        return self.dialect.default_graph

    def count(self, graph: str | None = None) -> int:
        dg = self.dialect.default_graph
        if graph is not None or dg is None:
            return super().count(graph)
        q = ("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
             f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{dg}>) }} }}")
        return int(next(iter(self.query(q)))["n"])

    def _send_update(self, text: str) -> None:
        self._check_open()
        try:
            self._call("POST", self.update_url, body=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"})
        finally:
            self.advance_generation()

    def _data_ops(self, adds: list[Q], removes: list[Q]) -> tuple[list[str], list[str]]:
        """The update operations that remove ``removes`` and then add ``adds``, for one request, and any
        requests that must follow.  One operation, except on Virtuoso beyond its compiler's limits
        (:data:`VIRTUOSO_OP_QUADS` per operation; :data:`VIRTUOSO_TEMPLATE_QUADS` of template per request),
        where they are cut into several operations, and blank nodes (template inserts) into several requests
        (quads that share a blank node stay together)."""
        if not self.dialect.pragmas:
            return [self._data_operation(adds, removes)], []
        blank = [q for q in adds if has_bnode(q)]
        templated = bool(blank) or (bool(adds) and bool(removes))
        limit = VIRTUOSO_TEMPLATE_QUADS if templated else VIRTUOSO_OP_QUADS
        if len(adds) + len(removes) <= limit:
            return [self._data_operation(adds, removes)], []
        ground = [q for q in adds if not has_bnode(q)]
        ops = [self._data_operation([], c) for c in chunks(removes, VIRTUOSO_OP_QUADS)]
        ops += [self._data_operation(c, []) for c in chunks(ground, VIRTUOSO_OP_QUADS)]
        later = [self._data_operation(c, []) for c in bnode_groups(blank, VIRTUOSO_TEMPLATE_QUADS)]
        if not ops and later:
            ops.append(later.pop(0))
        return ops, later

    def _data_operation(
        self, adds: list[Q], removes: list[Q]
    ) -> str:
        """One update operation that removes ``removes`` and then adds ``adds`` (terms in N-Triples form)."""
        d = self.dialect
        ins, dele = self._block(adds), self._block(removes)
        if not removes and (d.default_graph is None or not any(has_bnode(q) for q in adds)):
            return f"INSERT DATA {{ {ins} }}"
        if not adds:
            return f"DELETE DATA {{ {dele} }}"
        if d.pragmas and not removes:
            # Virtuoso fails to report a template insert into several graphs unless it also deletes.
            dele = f"GRAPH {_NOTHING} {{ {_NOTHING} {_NOTHING} {_NOTHING} }}"
        return f"DELETE {{ {dele} }} INSERT {{ {ins} }} WHERE {{}}"

    def _block(self, quads: list[Q]) -> str:
        by_graph: dict[str | None, list[str]] = {}
        for s, p, o, g in quads:
            by_graph.setdefault(g if g is not None else self.dialect.default_graph, []).append(f"{s} {p} {o} .")
        parts = []
        for g, triples in by_graph.items():
            body = "\n".join(triples)
            parts.append(body if g is None else f"GRAPH <{g}> {{\n{body}\n}}")
        return "\n".join(parts)

    def load(
        self,
        source: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        base_iri: str | None = None,
        progress: bool = False,
    ) -> int:
        """Parse all of ``source`` here first (a syntax error writes nothing), then send it in one request.

        Triples bound for one graph go as one Graph Store ``POST`` when a GSP URL is set; anything else as
        one update operation.  A write above :data:`MAX_UPDATE_BYTES` is split into several requests: a
        syntax error still writes nothing, but a failure between requests leaves the earlier ones applied
        (and blank nodes shared across parts become distinct).  On Virtuoso a large write is several
        operations (Virtuoso commits each on its own) and its blank nodes go in template inserts of a few
        hundred triples per request; prefer a GSP URL there, whose loads of one graph stay one request.
        """
        try:
            f = rdf_format(format)
        except UnknownFormat as e:
            raise ParseError(str(e)) from e
        data = _read(source)
        to_graph = None if f.quads or graph in (None, "") else graph
        try:
            parsed = list(ox.parse(data, f.ox, base_iri=base_iri))
        except (SyntaxError, ValueError) as e:
            raise ParseError(str(e)) from e
        quads = ox_quads(parsed, to_graph)
        if not quads:
            return 0
        targets = sorted({q[3] or "" for q in quads})
        before = self._count_in(targets)
        if self.gsp_url and len(targets) == 1:
            nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in parsed), None,
                              ox.RdfFormat.N_TRIPLES) or b""
            self._gsp_post(targets[0], nt)
        else:
            for part in parts(quads, VIRTUOSO_UPDATE_BYTES if self.dialect.pragmas else MAX_UPDATE_BYTES):
                ops, later = self._data_ops(part, [])
                for request in [" ;\n".join(ops), *later]:
                    self._send_update(request)
        return self._count_in(targets) - before

    def _gsp_post(self, g: str, ntriples: bytes) -> None:
        self._check_open()
        assert self.gsp_url is not None
        name = self._gsp_graph_param(g)
        try:
            self._call("POST", self.gsp_url, params=[name], body=ntriples, syntax=False,
                       headers={"Content-Type": NTRIPLES})
        finally:
            self.advance_generation()

    def _gsp_graph_param(self, g: str) -> tuple[str, str]:
        if g == "" and self.dialect.default_graph is None:
            return ("default", "")
        return ("graph", self._graph_name(g))

    def _count_in(self, graphs: list[str]) -> int:
        parts = []
        named = [g for g in graphs if g]
        if named:
            values = " ".join(f"<{g}>" for g in named)
            parts.append(f"{{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {values} }} }}")
        if "" in graphs:
            parts.append("{ ?s ?p ?o }")
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ {' UNION '.join(parts)} }}"
        row = next(iter(self.query(q)))
        return int(row["n"])

    def dump(self, output: IO[bytes], *, format: str, graph: str | None = None) -> None:
        f = rdf_format(format)
        if graph is None:
            if not f.quads:
                raise ValueError(f"{f.name} holds one graph; name a graph or use trig or nquads")
            graphs = ["", *self.named_graphs()]
        else:
            graphs = [graph]
        prefixes = PREFIXES if f.name in ("turtle", "trig") else None
        if f.quads:
            quads = (q for g in graphs for q in self._graph_quads(g))
            ox.serialize(quads, output, f.ox, prefixes=prefixes)
        else:
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self._graph_quads(graphs[0]))
            ox.serialize(triples, output, f.ox, prefixes=prefixes)

    def _graph_quads(self, g: str) -> Iterator[ox.Quad]:
        if self.gsp_url:
            try:
                resp = self._call("GET", self.gsp_url, params=[self._gsp_graph_param(g)],
                                  headers={"Accept": NTRIPLES}, syntax=False, missing_ok=True)
            except _Missing:
                return
            body = resp.body if resp.content_type in (NTRIPLES, "text/plain") else _to_ntriples(resp)
        elif g:
            body = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").body
        else:
            body = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").body
        name: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(g) if g else ox.DefaultGraph()
        for t in ox.parse(body, ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(t.subject, t.predicate, t.object, name)

    @contextmanager
    def transaction(self) -> Iterator[RemoteTx]:
        self._check_open()
        tx = RemoteTx(self)
        yield tx
        req = tx.request()
        if req:
            self._send_update(req)
        for later in tx.later:
            self._send_update(later)

    def close(self) -> None:
        self._closed = True


# --- helpers --------------------------------------------------------------------------------------------


class _Missing(Exception):
    """A Graph Store GET for a graph the engine does not have."""


def _typed(e: HttpFailure, syntax: bool) -> Exception:
    msg = e.message
    if e.status in (401, 403):
        return StoreError(f"the endpoint {e.url} refused the credentials ({e.status}): {msg}")
    # Virtuoso stops a query at its time limit with S1T00, or (the limit reached while the statement runs
    # asynchronously) with HY008 SR203 "Async statement killed by SQLCancel"
    if "S1T00" in msg or "SR203" in msg or e.status in (408, 504):
        return QueryTimeout(f"the engine stopped the request at its time limit: {msg}")
    if syntax and (e.status == 400 or "SP030" in msg or "SP031" in msg or "37000 Error" in msg):
        return QuerySyntaxError(msg)  # 37000: Virtuoso's compiler refused the request (syntax or a limit of its own)
    return StoreError(f"the endpoint {e.url} failed ({e.status}): {msg}")


def _to_ntriples(resp: Response) -> bytes:
    try:
        f = rdf_format(resp.content_type)
    except UnknownFormat as e:
        raise StoreError(f"the endpoint answered {resp.content_type or 'no type'}, not RDF") from e
    return ox.serialize(ox.parse(resp.body, f.ox), None, ox.RdfFormat.N_TRIPLES) or b""


def _read(source: bytes | str | Path | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as e:
            raise StoreError(f"cannot read {source}: {e.strerror}") from e
    return source.read()
