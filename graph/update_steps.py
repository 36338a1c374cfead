"""Run a SPARQL Update on the write path's scratch copy, with the failures SPARQL 1.1 Update defines.

:func:`graph.diffs.play_update` plays an update on an in-memory copy of the graphs it can touch.  An
operation that fails on the data is the client's error, answered 400 (:class:`UpdateFailed`), never a crash:

- ``DROP`` / ``CLEAR`` of a graph that does not exist, ``CREATE`` of one that does (the engine raises);
- ``MOVE`` / ``COPY`` / ``ADD`` from a named graph that does not exist.  SPARQL 1.1 Update lets a service fail
  them; Oxigraph fails ``MOVE`` but runs ``COPY``/``ADD`` (and ``MOVE SILENT``) as if the source were an empty
  graph, which *clears the destination*.  Here all three fail, and with ``SILENT`` they do nothing.  Their
  destination graph exists afterwards, even when nothing was copied into it (the spec creates it).

A request holding ``MOVE``/``COPY``/``ADD`` is played one operation at a time (each with the ``PREFIX``/``BASE``
declarations before it), so a source created or dropped by an earlier operation of the same request counts.
"""

from __future__ import annotations

from urllib.parse import urljoin

from graph.errors import GovkgError
from graph.namespaces import PREFIXES
from graph.sparql_guard import Token, tokens
from graph.store.base import Store

TRANSFERS = ("MOVE", "COPY", "ADD")


class UpdateFailed(GovkgError):
    """A well-formed update whose operation fails on the data (HTTP 400); nothing was written."""


def run(mem: Store, text: str) -> None:
    """Run ``text`` on ``mem`` (the scratch copy); :class:`UpdateFailed` when an operation fails."""
    toks = tokens(text)
    if not any(t.depth == 0 and t.upper in TRANSFERS for t in toks):
        _step(mem, text)
        return
    _syntax(text)
    prologue = ""
    prefixes, base = dict(PREFIXES), ""
    for op in _operations(text, toks):
        head = 0
        while head < len(op) and op[head].upper in ("PREFIX", "BASE"):  # the declarations before the operation
            if op[head].upper == "BASE" and head + 1 < len(op):
                base = urljoin(base, op[head + 1].text[1:-1])
                head += 2
            elif head + 2 < len(op):
                iri = op[head + 2].text[1:-1]
                prefixes[op[head + 1].text.rstrip(":")] = urljoin(base, iri) if base else iri
                head += 3
            else:
                break
        body = text[op[head].start:_end(op)] if head < len(op) else ""
        prologue += text[op[0].start:op[head].start] if head < len(op) else text[op[0].start:_end(op)]
        if not body:
            continue
        target = None
        if op[head].upper in TRANSFERS:
            silent = head + 1 < len(op) and op[head + 1].upper == "SILENT"
            rest = op[head + 1 + silent:]
            source = _graph(rest, prefixes, base)
            to = [i for i, t in enumerate(rest) if t.upper == "TO"]
            target = _graph(rest[to[0] + 1:], prefixes, base) if to else None
            if source is not None and not mem.ask(f"ASK {{ GRAPH <{source}> {{}} }}"):
                if silent:
                    continue  # SILENT: the failing operation does nothing
                raise UpdateFailed(f"{op[head].upper}: the graph <{source}> does not exist; nothing was changed "
                                   f"({op[head].upper} SILENT ignores a missing graph)")
        _step(mem, prologue + "\n" + body)
        if target is not None:  # "if the destination graph does not exist, it will be created" (even empty)
            _step(mem, f"CREATE SILENT GRAPH <{target}>")


def _step(mem: Store, text: str) -> None:
    try:
        mem.update(text)
    except RuntimeError as e:  # the engine's evaluation error: a graph that does (not) exist
        msg = str(e).rstrip(".")
        hint = " (SILENT ignores it)" if "exist" in msg else ""
        raise UpdateFailed(f"the update failed: {msg[:1].lower()}{msg[1:]}; nothing was changed{hint}") from e


def _operations(text: str, toks: list[Token]) -> list[list[Token]]:
    """The tokens of each operation (split at the ``;`` outside any bracket)."""
    out: list[list[Token]] = [[]]
    for t in toks:
        if t.depth == 0 and t.text == ";" and t.kind == "punct":
            out.append([])
        else:
            out[-1].append(t)
    return [op for op in out if op]


def _syntax(text: str) -> None:
    """Raise the parser's error (with its position in ``text``) before any operation is played alone."""
    from graph.store.embedded import EmbeddedStore

    empty = EmbeddedStore(None)
    try:
        empty.update(text)
    except RuntimeError:
        pass  # well-formed: the operations are judged on the real copy
    finally:
        empty.close()


def _end(op: list[Token]) -> int:
    last = op[-1]
    return last.start + len(last.text)


def _graph(rest: list[Token], prefixes: dict[str, str], base: str) -> str | None:
    """The named graph of ``( DEFAULT | GRAPH? iri )`` at the start of ``rest``; ``None`` for the default graph
    (which always exists) or what cannot be read (the engine then decides)."""
    if rest and rest[0].upper == "GRAPH":
        rest = rest[1:]
    if not rest or rest[0].upper == "DEFAULT":
        return None
    t = rest[0]
    if t.kind == "iri":
        return urljoin(base, t.text[1:-1]) if base else t.text[1:-1]
    if t.kind == "pname":
        p, _, local = t.text.partition(":")
        return prefixes[p] + local.replace("\\", "") if p in prefixes else None
    return None
