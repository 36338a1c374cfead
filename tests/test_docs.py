"""The README documents every setting, with its default, in the settings table (as datasette's test_docs does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.settings import SETTINGS, Setting

README = Path(__file__).resolve().parent.parent / "README.md"


def settings_table() -> dict[str, str]:
    """``GOVKG_NAME`` -> the default column of the README's "## Settings" table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for m in re.finditer(r"^\| `(GOVKG_[A-Z0-9_]+)` \| ([^|]*) \|", section, re.MULTILINE):
        rows[m.group(1)] = m.group(2).strip()
    return rows


def shown(default: object) -> str:
    if isinstance(default, bool):
        return "`1`" if default else "`0`"
    if default == "":
        return "(none)"
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return f"`{default}`"


def test_the_readme_has_the_endpoint_and_settings_sections() -> None:
    text = README.read_text(encoding="utf-8")
    assert "\n## The SPARQL endpoint\n" in text and "\n## Settings\n" in text


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_default(s: Setting) -> None:
    table = settings_table()
    assert s.env in table, f"{s.env} is missing from the README's settings table"
    assert table[s.env] == shown(s.default), f"{s.env}: the README says {table[s.env]}, the code {shown(s.default)}"


def test_the_table_documents_no_setting_that_does_not_exist() -> None:
    assert set(settings_table()) <= {s.env for s in SETTINGS}
