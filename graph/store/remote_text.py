"""Reading SPARQL text without a full parser: what the remote store needs to know before sending a request.

:func:`mask` blanks out strings, IRIs and comments (keeping every offset), so that keyword searches on the
masked text cannot be fooled by a literal that says ``SERVICE`` and positions found there are valid in the
original.  The remote backend uses these to tell the query form, to predeclare only the prefixes a query
does not declare itself, to refuse ``SERVICE``/``LOAD``/engine pragmas, and to map graph management
operations onto engines without a real default graph.
"""

from __future__ import annotations

import re

from graph.errors import ForbiddenOperation
from graph.namespaces import PREFIXES
from graph.store.base import ResultKind

_NOT_NAME = r"(?<![\w:?$.-])"  # a keyword, not part of a prefixed name or a variable
_FORM = re.compile(_NOT_NAME + r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_FROM = re.compile(_NOT_NAME + r"FROM\b(\s+NAMED\b)?", re.IGNORECASE)
_GRAPH_MGMT = re.compile(_NOT_NAME + r"(CLEAR|DROP)(\s+SILENT)?\s+(DEFAULT|ALL|NAMED|GRAPH)\b", re.IGNORECASE)


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n]|\\.)*"?'
    r"|'(?:[^'\\\n]|\\.)*'?"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)


def _blank(m: re.Match[str]) -> str:
    tok = m.group(0)
    if tok[0] == "#":
        return " " * len(tok)
    q = 3 if tok[:3] in ('"""', "'''") else 1
    close = ">" if tok[0] == "<" else tok[:q]
    inner = tok[q:-q] if len(tok) >= 2 * q and tok[-q:] == close else tok[q:]
    blanked = "".join("\n" if c == "\n" else " " for c in inner)
    return tok[:q] + blanked + tok[q + len(inner) :]


def mask(text: str) -> str:
    """``text`` with the insides of strings, IRIs and comments replaced by spaces (same length)."""
    return _TOKEN.sub(_blank, text)


def query_form(masked: str) -> ResultKind:
    """``solutions``, ``boolean`` or ``graph``: what the query will answer."""
    m = _FORM.search(masked)
    if m is None:
        return "solutions"  # let the engine report the syntax error
    word = m.group(1).upper()
    return {"SELECT": "solutions", "ASK": "boolean"}.get(word, "graph")  # type: ignore[return-value]


def prologue_for(masked: str) -> str:
    """The project's PREFIX declarations that ``masked`` does not make itself, on one line.

    One line, so that the engine's line numbers in error messages still match the caller's text.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(masked)}
    return "".join(f"PREFIX {p}: <{iri}> " for p, iri in PREFIXES.items() if p not in declared)


def dataset_clauses(masked: str) -> tuple[bool, bool]:
    """Whether the query has ``FROM`` and ``FROM NAMED`` clauses of its own."""
    has_from = has_named = False
    for m in _FROM.finditer(masked):
        if m.group(1):
            has_named = True
        else:
            has_from = True
    return has_from, has_named


def refuse_unsafe(masked: str, *, update: bool, engine_pragmas: bool) -> None:
    """Raise :class:`ForbiddenOperation` for ``SERVICE``, ``LOAD`` and (where the engine has them) pragmas.

    A remote engine would fetch from the network on govkg's behalf; the embedded store never does either.
    """
    if re.search(_NOT_NAME + r"SERVICE\b", masked, re.IGNORECASE):
        raise ForbiddenOperation("SERVICE (federated query) is not allowed")
    if update and re.search(_NOT_NAME + r"LOAD\b", masked, re.IGNORECASE):
        raise ForbiddenOperation("LOAD is not allowed; load files with `govkg load`")
    if engine_pragmas and re.search(_NOT_NAME + r"DEFINE\s+[a-z-]+:", masked, re.IGNORECASE):
        raise ForbiddenOperation("engine pragmas (DEFINE ...) are not allowed")


def rewrite_graph_management(text: str, default_graph: str, user_graphs: list[str] | None) -> str:
    """Map ``CLEAR``/``DROP`` onto an engine whose default graph is the named graph ``default_graph``.

    ``DEFAULT`` becomes that graph, ``NAMED``/``ALL`` become the listed ``user_graphs`` (so that the
    engine's own graphs are never touched), and ``DROP`` becomes ``CLEAR SILENT`` (Virtuoso refuses to drop
    a graph that was never explicitly created, though it holds triples).
    """
    masked = mask(text)
    out: list[str] = []
    pos = 0
    for m in _GRAPH_MGMT.finditer(masked):
        target = m.group(3).upper()
        out.append(text[pos : m.start()])
        if target == "GRAPH":
            out.append("CLEAR SILENT GRAPH")
        else:
            graphs = [] if target == "DEFAULT" else list(user_graphs or [])
            if target in ("DEFAULT", "ALL"):
                graphs.append(default_graph)
            if not graphs:
                graphs = [default_graph + "-none"]
            out.append(" ; ".join(f"CLEAR SILENT GRAPH <{g}>" for g in graphs))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def needs_graph_list(text: str) -> bool:
    """Whether :func:`rewrite_graph_management` will need the list of user graphs."""
    return any(m.group(3).upper() in ("ALL", "NAMED") for m in _GRAPH_MGMT.finditer(mask(text)))


_GRAPH_REF = re.compile(_NOT_NAME + r"GRAPH\s+(<|[?$]|([A-Za-z][\w.-]*)?:([\w.:%-]*))", re.IGNORECASE)
_PREFIX_IRI = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def graph_refs(text: str, masked: str) -> tuple[set[str], bool]:
    """The graph IRIs named after ``GRAPH`` in ``text`` (prefixed names expanded), and whether a variable
    stands there too."""
    prefixes = dict(PREFIXES)
    prefixes.update({m.group(1) or "": m.group(2) for m in _PREFIX_IRI.finditer(text)})
    consts: set[str] = set()
    has_var = False
    for m in _GRAPH_REF.finditer(masked):
        lead = m.group(1)
        if lead == "<":
            end = masked.find(">", m.start(1))
            consts.add(text[m.start(1) + 1 : end])
        elif lead in ("?", "$"):
            has_var = True
        else:
            ns = prefixes.get(m.group(2) or "")
            if ns is not None:
                consts.add(ns + text[m.start(3) : m.end(3)])
    return consts, has_var


_EMPTY_GRAPH = re.compile(_NOT_NAME + r"GRAPH\s*(<[^<>]*>)\s*\{\s*\}", re.IGNORECASE)


def empty_graph_patterns_as_exists(text: str) -> str:
    """``GRAPH <g> {}`` as a sub-select of at most one triple of ``<g>`` (the same solutions).

    On an engine without empty graphs (Virtuoso keeps none) a graph exists when it holds a triple, but
    Virtuoso answers ``GRAPH <g> {}`` with one solution for *any* IRI.  Joining with that pattern keeps the
    group's solutions when the graph exists and none otherwise, which is what joining with the sub-select
    does (it projects only ``?_govkg_graph``, never bound).  ``FILTER EXISTS`` would say the same, but
    Virtuoso 7 answers it true for a graph it does not have.
    """
    masked = mask(text)
    out, last = [], 0
    for m in _EMPTY_GRAPH.finditer(masked):
        iri = text[m.start(1) : m.end(1)]
        out += [text[last : m.start()],
                f"{{ SELECT ?_govkg_graph WHERE {{ GRAPH {iri} {{ ?_govkg_s ?_govkg_p ?_govkg_o }} }} LIMIT 1 }}"]
        last = m.end()
    return "".join(out) + text[last:] if out else text


_INSERT_DATA = re.compile(_NOT_NAME + r"INSERT\s+DATA\s*\{", re.IGNORECASE)
_NOTHING = "<urn:govkg:nothing>"


def insert_data_with_blank_nodes_as_template(text: str) -> str:
    """``INSERT DATA { ... }`` blocks that hold blank nodes, as template inserts (``... WHERE {}``).

    Virtuoso refuses blank nodes in ``INSERT DATA``; a template insert with an empty pattern means the same
    (one fresh node per label).  The delete of a quad that cannot exist works around Virtuoso's failure to
    report a template insert into several graphs.
    """
    masked = mask(text)
    edits: list[tuple[int, int, str]] = []
    for m in _INSERT_DATA.finditer(masked):
        depth, i = 0, m.end() - 1
        while i < len(masked):
            depth += {"{": 1, "}": -1}.get(masked[i], 0)
            if depth == 0:
                break
            i += 1
        body = masked[m.end() : i]
        if "_:" in body or "[" in body:
            head = f"DELETE {{ GRAPH {_NOTHING} {{ {_NOTHING} {_NOTHING} {_NOTHING} }} }} INSERT {{"
            edits.append((m.start(), m.end(), head))
            edits.append((i + 1, i + 1, " WHERE {}"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
