"""The README's researcher questions give the answers printed there, on the seed graph in a fresh store on disk.

The section "## Researcher questions" holds, per question, a ``sparql`` code block and the answer as a Markdown
table.  This test loads the seed (``govkg load --seed``'s plan) into a new store under ``tmp_path``, runs every
query shown there and compares the rows, in order, with the table.  Each query is also the file it names in
``docs/queries/`` (minus its comment lines and the predeclared prefixes), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.namespaces import PREFIXES
from graph.seed import load_seed
from graph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
QUERIES = ROOT / "docs" / "queries"
SECTION = "## Researcher questions"
_PREFIX_LINE = re.compile(r"^PREFIX\s+([A-Za-z][\w-]*):\s*<([^>]*)>\s*$")


def readme_query(path: Path) -> str:
    """A query file as the README shows it: no comment lines, no PREFIX lines the store predeclares."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        m = _PREFIX_LINE.match(line)
        if m and PREFIXES.get(m.group(1)) == m.group(2):
            continue
        out.append(line)
    return "\n".join(out).strip()


def cell(v: Node | None) -> str:
    """How an answer is printed in the README: prefixed names for IRIs, the lexical form for literals."""
    if v is None:
        return ""
    if isinstance(v, URIRef):
        s = str(v)
        for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            rest = s[len(ns):]
            if s.startswith(ns) and rest and "/" not in rest and "#" not in rest:
                return f"{p}:{rest}"
        return f"<{s}>"
    if isinstance(v, Literal):
        return str(v)
    return str(v)


def run(store: EmbeddedStore, sparql: str) -> tuple[list[str], list[list[str]]]:
    res = store.query(sparql, union_default_graph=True)
    return list(res.variables), [[cell(r.get(v)) for v in res.variables] for r in res.rows()]


def readme_examples(text: str) -> list[tuple[str, str, str, list[str], list[list[str]]]]:
    """(title, query file, sparql, header, rows) for each question of the section."""
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end != -1 else len(text)]
    out = []
    for block in re.split(r"\n### ", section)[1:]:
        title = block.splitlines()[0].strip()
        qfile = re.search(r"`(docs/queries/[\w.-]+\.rq)`", block)
        sparql = re.search(r"```sparql\n(.*?)\n```", block, re.S)
        assert qfile and sparql, f"question {title!r} lacks its query file or SPARQL block"
        table = [ln for ln in block[sparql.end():].splitlines() if ln.startswith("|")]
        assert len(table) >= 2, f"question {title!r} lacks its answer table"
        split = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in table]
        header, rows = split[0], [r for r in split[2:]]
        rows = [["" if c == "–" else c.replace("\\|", "|").strip("`") for c in r] for r in rows]
        out.append((title, qfile.group(1), sparql.group(1).strip(), header, rows))
    return out


EXAMPLES = readme_examples(README.read_text(encoding="utf-8")) if SECTION in README.read_text(encoding="utf-8") \
    else []


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("readme-store"))
    load_seed(store)
    return store


def test_the_readme_has_the_researcher_questions() -> None:
    assert len(EXAMPLES) >= 8
    titles = " ".join(t for t, *_ in EXAMPLES)
    for asked in ("held", "belong to Emulation Block 3", "cite", "Lê Tuấn Dũng", "article"):
        assert asked in titles, f"no README question about {asked!r}"


def test_every_query_file_is_bilingual_and_parses(seeded: EmbeddedStore) -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 10
    for f in files:
        head = f.read_text(encoding="utf-8").splitlines()[:2]
        assert head[0].startswith("# vi: ") and head[1].startswith("# en: "), f.name
        seeded.query(f.read_text(encoding="utf-8"), union_default_graph=True)


@pytest.mark.parametrize(("title", "qfile", "sparql", "header", "rows"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_readme_answer_matches_the_data(seeded: EmbeddedStore, title: str, qfile: str, sparql: str,
                                        header: list[str], rows: list[list[str]]) -> None:
    assert sparql == readme_query(ROOT / qfile), f"the README's query differs from {qfile}"
    got_header, got_rows = run(seeded, sparql)
    assert got_header == header, title
    assert got_rows == rows, f"{title}: the README's table and the data disagree"
    assert rows, f"{title}: an example with no answer shows nothing"
