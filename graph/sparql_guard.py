"""Inspect a SPARQL request before any engine sees it.

A small lexer (strings, IRIs, comments, variables and prefixed names are single tokens, so a keyword inside
them never counts) gives what the endpoint must know up front:

- the operation: a query form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``) or an update;
- what we refuse on principle (:class:`graph.errors.ForbiddenOperation`): ``SERVICE`` in any case and form
  (``SILENT``, a variable, inside ``OPTIONAL``/``FILTER EXISTS``/sub-queries), ``LOAD``, and ``FROM`` /
  ``FROM NAMED`` / ``USING`` naming a ``file:`` IRI.  Other ``FROM`` IRIs only *name* graphs of the store:
  nothing is ever fetched;
- bounds the engine needs (:class:`TooComplex`): pyoxigraph 0.5 crashes the process on about 5,000 nested
  brackets or 20,000 chained operators, so nesting and operator counts are limited here.

:func:`with_using` applies the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update, and
:func:`check_rdf_payload` refuses uploads that would make a parser fetch or expand (XML entities, JSON-LD
remote contexts).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from graph.errors import ForbiddenOperation, QuerySyntaxError


class TooComplex(ForbiddenOperation):
    """A request nested too deep or chaining too many operators for the engine to survive."""


QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
OPERATORS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "&&", "||", "!", "+", "-", "*", "/", "|", "^", "=", "!=", "<", ">", "<=", ">="}
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<bnode>_:[^\s(){}\[\];,.]+(?:\.[^\s(){}\[\];,.]+)*)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:
              (?:(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*(?:[\w\-:%\u00b7\u00c0-\uffff]|\\.))?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>&&|\|\||!=|<=|>=|\^\^|[{}()\[\];,.*/|^!=<>+\-?@$])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

OPEN = {"{": "}", "(": ")", "[": "]"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int  # bracket depth before the token

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


@dataclass(frozen=True)
class Inspection:
    """What a request is, as far as the endpoint needs to know before running it."""

    operation: str  # SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or "" when it does not say
    max_depth: int
    operators: int
    has_dataset_clause: bool  # FROM / FROM NAMED (queries) or USING / WITH (updates)

    @property
    def is_update(self) -> bool:
        return self.operation == "UPDATE"

    @property
    def is_query(self) -> bool:
        return self.operation in QUERY_FORMS


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        t = m.group()
        if kind == "punct" and t in OPEN:
            out.append(Token(kind, t, m.start(), depth))
            depth += 1
            continue
        if kind == "punct" and t in ("}", ")", "]"):
            depth = max(0, depth - 1)
        out.append(Token(kind, t, m.start(), depth))
    return out


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


def inspect(text: str, *, max_nesting: int = 100, max_operators: int = 2000) -> Inspection:
    """Classify ``text`` and refuse what must never reach the engine.

    Raises :class:`ForbiddenOperation` (SERVICE, LOAD, ``file:`` datasets) and :class:`TooComplex`.
    """
    toks = tokens(text)
    depth = 0
    operators = 0
    for t in toks:
        if t.kind == "punct" and t.text in OPEN:
            depth = max(depth, t.depth + 1)
            if depth > max_nesting:
                where = _position(text, t.start)
                raise TooComplex(f"the request nests brackets more than MAX_NESTING={max_nesting} deep (at {where})")
        if t.upper in OPERATORS:
            operators += 1
    if operators > max_operators:
        raise TooComplex(f"the request has {operators} operators; the limit is MAX_OPERATORS={max_operators}")
    operation = ""
    dataset = False
    for i, t in enumerate(toks):
        word = t.upper if t.kind == "word" else ""
        if word == "SERVICE":
            raise ForbiddenOperation(
                f"SERVICE is not allowed here (at {_position(text, t.start)}): this endpoint never sends requests"
            )
        if word == "LOAD":
            raise ForbiddenOperation(
                f"LOAD is not allowed (at {_position(text, t.start)}): this endpoint never fetches data; "
                "upload it with the Graph Store Protocol (/data)"
            )
        if word in ("FROM", "USING", "WITH"):
            dataset = True
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.upper == "NAMED":
                nxt = toks[i + 2] if i + 2 < len(toks) else None
            if nxt is not None and nxt.kind == "iri" and nxt.text[1:].lower().startswith("file:"):
                raise ForbiddenOperation(f"{word} <file:...> is not allowed: graphs are names in this store")
        if not operation and t.depth == 0:
            if word in QUERY_FORMS:
                operation = word
            elif word in UPDATE_KEYWORDS:
                operation = "UPDATE"
    return Inspection(operation, depth, operators, dataset)


CACHE_MAX_CHARS = 8192  # longer texts are inspected every time (the cache holds at most 1024 x 8 KiB)


def inspect_cached(text: str, *, max_nesting: int = 100, max_operators: int = 2000) -> Inspection:
    """:func:`inspect`, with the verdicts of texts up to :data:`CACHE_MAX_CHARS` remembered (an LRU keyed by the
    text and the limits; an :class:`Inspection` is immutable).  A refused text is inspected, and refused, every
    time: exceptions are never cached."""
    if len(text) > CACHE_MAX_CHARS:
        return inspect(text, max_nesting=max_nesting, max_operators=max_operators)
    return _inspect_lru(text, max_nesting, max_operators)


@functools.lru_cache(maxsize=1024)
def _inspect_lru(text: str, max_nesting: int, max_operators: int) -> Inspection:
    return inspect(text, max_nesting=max_nesting, max_operators=max_operators)


def with_using(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """The update ``text`` with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` applied.

    Per SPARQL 1.1 Protocol 2.2.3, they set the dataset of every ``DELETE``/``INSERT ... WHERE`` operation; an
    operation that has its own ``USING`` or ``WITH`` makes the request an error.
    """
    if not default_graphs and not named_graphs:
        return text
    using = "".join(f"USING {_iri(g)} " for g in default_graphs)
    using += "".join(f"USING NAMED {_iri(g)} " for g in named_graphs)
    toks = tokens(text)
    inserts: list[int] = []
    op_start = True
    op_kind = ""
    for i, t in enumerate(toks):
        word = t.upper if t.kind == "word" else ""
        if t.depth == 0 and t.text == ";":
            op_start, op_kind = True, ""
            continue
        if t.depth != 0:
            continue
        if op_start and word in UPDATE_KEYWORDS:
            op_start = False
            if word == "WITH":
                raise QuerySyntaxError(
                    f"WITH at {_position(text, t.start)} conflicts with using-graph-uri/using-named-graph-uri; "
                    "give the dataset one way only"
                )
            nxt = toks[i + 1].upper if i + 1 < len(toks) else ""
            modify = word == "WITH" or (word in ("INSERT", "DELETE") and nxt not in ("DATA", "WHERE"))
            op_kind = "modify" if modify else word
            continue
        if op_kind == "modify" and word in ("USING", "WITH"):
            raise QuerySyntaxError(
                f"{word} at {_position(text, t.start)} conflicts with using-graph-uri/using-named-graph-uri; "
                "give the dataset one way only"
            )
        if op_kind == "modify" and word == "WHERE":
            inserts.append(t.start)
            op_kind = "done"
    for pos in reversed(inserts):
        text = text[:pos] + using + text[pos:]
    return text


def _iri(value: str) -> str:
    if re.search(r'[<>"{}|^`\\\x00-\x20]', value):
        raise QuerySyntaxError(f"not an IRI: {value!r}")
    return f"<{value}>"


# --- uploads -----------------------------------------------------------------------------------------


def check_rdf_payload(data: bytes, format_name: str) -> None:
    """Refuse uploads a parser would expand or fetch from: XML DTDs and entities, JSON-LD remote contexts."""
    if format_name == "rdfxml":
        head = data[:1_000_000].upper()
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ForbiddenOperation("RDF/XML with a DOCTYPE or entity declarations is not accepted")
    elif format_name == "jsonld":
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise QuerySyntaxError(f"the JSON-LD body is not JSON: {e}") from e
        if _remote_context(doc):
            raise ForbiddenOperation("a remote JSON-LD @context is not allowed: inline the context")


def _remote_context(node: object) -> bool:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "@context" and _context_is_remote(v):
                return True
            if k == "@import":
                return True
            if _remote_context(v):
                return True
    elif isinstance(node, list):
        return any(_remote_context(v) for v in node)
    return False


def _context_is_remote(ctx: object) -> bool:
    if isinstance(ctx, str):
        return True
    if isinstance(ctx, list):
        return any(_context_is_remote(c) for c in ctx)
    if isinstance(ctx, dict):
        return "@import" in ctx or _remote_context({k: v for k, v in ctx.items() if k != "@context"}) or (
            "@context" in ctx and _context_is_remote(ctx["@context"])
        )
    return False
