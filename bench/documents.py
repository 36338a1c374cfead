"""Official documents with real-looking symbols for the generator (DOMAIN.md §1).

Non-normative symbols carry no year (``280/CĐ-TTg``, IRI ``doc:280-cd-ttg-2023``); normative ones do
(``45/2024/NĐ-CP``, IRI ``doc:45-2024-nd-cp``).  Numbers run per (type, issuer, year) with gaps, so a symbol
is never issued twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench import names
from bench import vocab as v
from bench.complete import Known
from bench.writer import Triple, concept, date, ent, lit, typed, vi
from graph.iri import slug

#: Symbols the generator writes by name (the legal bases of the 2025 changes).
RESERVED = ("176/2025/QH15", "36/2025/NĐ-CP", "280/CĐ-TTg/2023")
DOC_TYPES = {abbr: (cslug, tname, normative) for cslug, abbr, tname, normative in names.DOC_TYPES}


@dataclass
class Documents:
    rng: random.Random
    known: Known = field(default_factory=Known)  # the documents a later graph may cite (recent or named)
    _numbers: dict[tuple[str, str, str], int] = field(default_factory=dict)
    _by_symbol: dict[str, str] = field(default_factory=dict)
    recent: list[str] = field(default_factory=list)
    count: int = 0
    #: Slugs of documents written by :meth:`named`, never handed out by :meth:`symbol`.
    reserved: set[str] = field(default_factory=lambda: {slug(s) for s in RESERVED})

    def symbol(self, abbr: str, issuer: str, year: str) -> tuple[str, str, str]:
        """(symbol, number as written, IRI slug) of the next document of this type, issuer and year."""
        key = (abbr, issuer, year)
        while True:
            n = self._numbers.get(key, 0) + self.rng.randint(1, 40)
            self._numbers[key] = n
            num = f"{n:02d}"
            if DOC_TYPES[abbr][2]:
                out = f"{num}/{year}/{abbr}-{issuer}", num, slug(f"{num}-{year}-{abbr}-{issuer}")
            else:
                out = f"{num}/{abbr}-{issuer}", num, slug(f"{num}-{abbr}-{issuer}-{year}")
            if out[2] not in self.reserved:
                return out

    def issue(self, abbr: str, issuer: str, d: str, passed_by: str, signer: str | None, subject: str, src: str,
              out: list[Triple], numbered: tuple[str, str, str] | None = None) -> tuple[str, str]:
        """A new document of type ``abbr`` dated ``d`` (numbered by :meth:`symbol` unless given); returns
        (IRI, symbol)."""
        sym, num, s = numbered or self.symbol(abbr, issuer, d[:4])
        return self._write(s, sym, num, abbr, issuer, d, passed_by, signer, subject, src, out), sym

    def named(self, sym: str, abbr: str, issuer: str, d: str, passed_by: str, subject: str, src: str,
              out: list[Triple]) -> str:
        """The document with the given symbol (``176/2025/QH15``, ``280/CĐ-TTg``), written the first time."""
        if sym in self._by_symbol:
            node = self._by_symbol[sym]
            self.known.describe(node, src, out)
            return node
        num = sym.split("/")[0]
        s = slug(sym) if DOC_TYPES[abbr][2] else slug(f"{sym}-{d[:4]}")
        node = self._write(s, sym, num, abbr, issuer, d, passed_by, None, subject, src, out)
        self._by_symbol[sym] = node
        return node

    def _write(self, s: str, sym: str, num: str, abbr: str, issuer: str, d: str, passed_by: str,
               signer: str | None, subject: str, src: str, out: list[Triple]) -> str:
        cslug, tname, normative = DOC_TYPES[abbr]
        node = ent("document", s)
        props = [(v.A, v.LEGAL_RESOURCE), (v.LABEL, vi(f"{tname} {sym}")), (v.ID_LOCAL, lit(sym)),
                 (v.DOC_NUMBER, lit(num)), (v.ISSUER_CODE, lit(issuer)), (v.DOC_YEAR, typed(d[:4], "gYear")),
                 (v.TYPE_DOCUMENT, concept("document-type", cslug)), (v.DATE_DOCUMENT, date(d)),
                 (v.PASSED_BY, passed_by), (v.ELI_TITLE, vi(f"{tname} về {subject}"))]
        if signer is not None:
            props.append((v.SIGNED_BY, signer))
        if normative:
            props.append((v.IN_FORCE, date(d)))
        self.known.define(node, props)
        self.known.describe(node, src, out)
        self.count += 1
        self.recent.append(node)
        if len(self.recent) > 200:
            named = set(self._by_symbol.values())
            for old in self.recent[:100]:
                if old not in named:
                    self.known.forget(old)
            del self.recent[:100]
        return node
