"""Tell a *bounded lookup* from the query text: a query whose work is bounded by the rows its pattern matches.

The endpoint answers a bounded lookup in the server process (after a cheap probe that the pattern matches few
rows, :mod:`graph.store.inprocess`); every other query goes to the killable query workers.  The rule, on the
tokens of :mod:`graph.sparql_guard` (so a keyword or brace inside a string, an IRI or a comment never counts):

- the form is ``SELECT`` (``DISTINCT``/``REDUCED`` allowed; variables or ``*``, no expressions), ``ASK`` or
  ``CONSTRUCT`` (a template without braces, or ``CONSTRUCT WHERE``), after any ``PREFIX``/``BASE``;
- no ``FROM``/``FROM NAMED`` (nor the protocol's ``default-graph-uri``/``named-graph-uri``: the caller checks);
- the ``WHERE`` is one basic graph pattern, optionally the only thing inside one ``GRAPH <iri>``/``GRAPH ?g``;
- in it, every triple pattern has the same constant subject, or there is one triple pattern with a constant
  subject or object; predicates are an IRI, a prefixed name, ``a`` or a variable (no property path);
- after it only ``ORDER BY`` variables (or ``ASC(?v)``/``DESC(?v)``), ``LIMIT n`` and ``OFFSET n``.

| query | bounded? | why |
|---|---|---|
| ``SELECT ?p ?o WHERE { <s> ?p ?o }`` | yes | one pattern, constant subject |
| ``SELECT ?s WHERE { ?s rdfs:label "Hà Nội"@vi }`` | yes | one pattern, constant object |
| ``SELECT * { <s> a ?t ; rdfs:label ?l }`` | yes | every pattern has subject ``<s>`` |
| ``ASK { GRAPH ?g { <s> ?p ?o } }`` | yes | one ``GRAPH`` around the pattern |
| ``CONSTRUCT WHERE { <s> ?p ?o }`` | yes | |
| ``SELECT DISTINCT ?o { <s> ?p ?o } ORDER BY ?o LIMIT 5 OFFSET 5`` | yes | modifiers allowed |
| ``SELECT * { ?s ?p ?o }`` | no | nothing constant |
| ``SELECT * { <s> ?p ?o . ?o ?q ?r }`` | no | two subjects |
| ``SELECT * { <s> ?p ?o FILTER(?o != 1) }`` | no | ``FILTER`` (likewise BIND, VALUES, OPTIONAL, UNION, MINUS) |
| ``SELECT * { <s> <p>/<q> ?o }``, ``{ <s> <p>* ?o }``, ``{ <s> ^<p> ?o }`` | no | property paths |
| ``SELECT * { { <s> ?p ?o } }`` | no | a nested group |
| ``SELECT (COUNT(*) AS ?n) { <s> ?p ?o }`` | no | an expression in the projection |
| ``SELECT ?o { <s> ?p ?o } GROUP BY ?o`` | no | aggregation |
| ``SELECT * FROM <g> { <s> ?p ?o }`` | no | a dataset clause |
| ``DESCRIBE <s>`` | no | not a lookup form |

:func:`lookup` answers the pattern (the constant terms, expanded) or ``None``; verdicts are remembered per text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from graph.namespaces import PREFIXES
from graph.sparql_guard import CACHE_MAX_CHARS, Token, tokens

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MODIFIERS = ("ORDER", "LIMIT", "OFFSET")
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Term:
    """A term of a triple pattern: ``var`` (value: the name), ``iri`` (value: absolute, prefixed names expanded),
    ``literal`` or ``other`` (a relative IRI, a prefixed name not known here); ``text`` is as the query wrote it."""

    kind: str
    value: str
    text: str

    @property
    def constant(self) -> bool:
        return self.kind != "var"


@dataclass(frozen=True)
class Lookup:
    operation: str
    prologue: str  # the query's text before its form: PREFIX and BASE
    patterns: tuple[tuple[Term, Term, Term], ...]
    graph: Term | None  # the GRAPH term around the pattern (None: none)

    def pattern_text(self, i: int) -> str:
        """Triple pattern ``i`` as SPARQL, inside its ``GRAPH`` if it has one."""
        s, p, o = self.patterns[i]
        body = f"{s.text} {p.text} {o.text}"
        return body if self.graph is None else f"GRAPH {self.graph.text} {{ {body} }}"


class _Refused(Exception):
    pass


class _Reader:
    def __init__(self, source: str, prefixes: Mapping[str, str]) -> None:
        self.source = source
        self.toks = tokens(source)
        self.i = 0
        self.prefixes = dict(prefixes)

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def word(self) -> str:
        t = self.peek()
        return t.upper if t is not None and t.kind == "word" else ""

    def take(self, kind: str | None = None, text: str | None = None) -> Token:
        t = self.peek()
        if t is None or (kind is not None and t.kind != kind) or (text is not None and t.upper != text):
            raise _Refused
        self.i += 1
        return t

    def accept(self, text: str) -> bool:
        t = self.peek()
        if t is not None and t.upper == text and t.kind in ("word", "punct"):
            self.i += 1
            return True
        return False


def lookup(text: str) -> Lookup | None:
    """The bounded lookup ``text`` is, or ``None`` (see the module's table)."""
    if len(text) > CACHE_MAX_CHARS:
        return None  # a lookup is short; a long text is not worth reading twice
    return _lookup_lru(text)


@functools.lru_cache(maxsize=1024)
def _lookup_lru(text: str) -> Lookup | None:
    try:
        return _read(_Reader(text, PREFIXES))
    except _Refused:
        return None


def _read(r: _Reader) -> Lookup:
    while r.word() in ("PREFIX", "BASE"):
        if r.take().upper == "PREFIX":
            name = r.take("pname").text
            if not name.endswith(":"):
                raise _Refused
            r.prefixes[name[:-1]] = r.take("iri").text[1:-1]
        else:
            r.take("iri")
    prologue = r.source[: r.peek().start] if r.peek() is not None else ""  # type: ignore[union-attr]
    form = r.take("word").upper
    if form == "SELECT":
        if r.word() in ("DISTINCT", "REDUCED"):
            r.take()
        if not r.accept("*"):
            r.take("var")
            while r.peek() is not None and r.peek().kind == "var":  # type: ignore[union-attr]
                r.take()
        r.accept("WHERE")
        graph, patterns = _group(r)
    elif form == "ASK":
        r.accept("WHERE")
        graph, patterns = _group(r)
    elif form == "CONSTRUCT":
        if r.accept("WHERE"):
            graph, patterns = _group(r)
            if graph is not None:
                raise _Refused  # CONSTRUCT WHERE takes triples only
        else:
            _template(r)
            r.accept("WHERE")
            graph, patterns = _group(r)
    else:
        raise _Refused
    _modifiers(r)
    if r.peek() is not None:
        raise _Refused
    _check_shape(patterns)
    return Lookup(form, prologue, tuple(patterns), graph)


def _template(r: _Reader) -> None:
    r.take("punct", "{")
    while (t := r.take()).text != "}":
        if t.text == "{" or t.upper == "GRAPH":
            raise _Refused


def _group(r: _Reader) -> tuple[Term | None, list[tuple[Term, Term, Term]]]:
    r.take("punct", "{")
    graph = None
    if r.word() == "GRAPH":
        r.take()
        g = r.take()
        if g.kind not in ("iri", "pname", "var"):
            raise _Refused
        graph = _term(r, g)
        r.take("punct", "{")
        patterns = _triples(r)
        r.take("punct", "}")
        r.accept(".")
    else:
        patterns = _triples(r)
    r.take("punct", "}")
    return graph, patterns


def _triples(r: _Reader) -> list[tuple[Term, Term, Term]]:
    out: list[tuple[Term, Term, Term]] = []
    while (t := r.peek()) is not None and t.text != "}":
        subject = _node(r, subject=True)
        while True:
            p = r.take()
            if p.kind == "word" and p.text == "a":
                predicate = Term("iri", RDF_TYPE, "a")
            elif p.kind in ("iri", "pname", "var"):
                predicate = _term(r, p)
            else:
                raise _Refused  # ^<p>, a bracket ...
            while True:
                out.append((subject, predicate, _node(r, subject=False)))
                if not r.accept(","):
                    break
            if not r.accept(";"):
                break
            while r.accept(";"):
                pass
            nxt = r.peek()
            if nxt is None or nxt.text in (".", "}"):
                break
        if not r.accept("."):
            break
    return out


def _node(r: _Reader, *, subject: bool) -> Term:
    t = r.take()
    if t.kind in ("iri", "pname", "var"):
        return _term(r, t)
    if subject:
        raise _Refused
    if t.kind == "string":
        return _literal(r, t)
    if t.kind == "number" or (t.kind == "word" and t.text in ("true", "false")):
        return Term("literal", t.text, t.text)
    raise _Refused  # a path operator, a blank node, a collection, a signed number ...


def _term(r: _Reader, t: Token) -> Term:
    if t.kind == "var":
        return Term("var", t.text[1:], t.text)
    if t.kind == "iri":
        iri = t.text[1:-1]
        return Term("iri" if ABSOLUTE.match(iri) else "other", iri, t.text)  # relative: the engine resolves it
    prefix, _, local = t.text.partition(":")
    ns = r.prefixes.get(prefix)
    if ns is None or "\\" in local or not ABSOLUTE.match(ns + local):
        return Term("other", t.text, t.text)
    return Term("iri", ns + local, t.text)


def _literal(r: _Reader, t: Token) -> Term:
    """A string with its language tag or datatype, which must follow it at once (``"x"@vi``, ``"1"^^xsd:int``)."""
    end = t.start + len(t.text)
    nxt = r.peek()
    if nxt is not None and nxt.text == "@" and nxt.start == end:
        r.take()
        last = r.take("word")
        while (d := r.peek()) is not None and d.text == "-" and d.start == last.start + len(last.text):
            r.take()
            last = r.take()
            if last.kind not in ("word", "number") or last.start != d.start + 1:
                raise _Refused
        end = last.start + len(last.text)
    elif nxt is not None and nxt.text == "^^" and nxt.start == end:
        r.take()
        dt = r.take()
        if dt.kind not in ("iri", "pname") or dt.start != end + 2:
            raise _Refused
        end = dt.start + len(dt.text)
    return Term("literal", t.text, r.source[t.start:end])


def _modifiers(r: _Reader) -> None:
    seen: set[str] = set()
    while (w := r.word()) in MODIFIERS and w not in seen:
        seen.add(w)
        r.take()
        if w == "ORDER":
            r.take("word", "BY")
            _order_key(r)
            while r.peek() is not None and (r.peek().kind == "var" or r.word() in ("ASC", "DESC")):  # type: ignore[union-attr]
                _order_key(r)
        else:
            r.take("number")


def _order_key(r: _Reader) -> None:
    if r.word() in ("ASC", "DESC"):
        r.take()
        r.take("punct", "(")
        r.take("var")
        r.take("punct", ")")
    else:
        r.take("var")


def _check_shape(patterns: list[tuple[Term, Term, Term]]) -> None:
    if not patterns:
        raise _Refused
    if len(patterns) == 1:
        s, _, o = patterns[0]
        if not (s.constant or o.constant):
            raise _Refused
        return
    first = patterns[0][0]
    if first.kind != "iri" or any(s != first for s, _, _ in patterns):
        raise _Refused


