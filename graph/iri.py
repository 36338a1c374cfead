"""Slugs for readable, stable IRIs.

A slug is the Vietnamese name with tones removed, đ->d, lower case, words joined by hyphens:
``slug("Vụ Công tác Quốc hội, Địa phương và Đoàn thể") == "vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"``.
A unit whose bare name is ambiguous carries its parent: ``unit_slug("Vụ I", parent="vpcp") == "vpcp-vu-i"``.
"""

from __future__ import annotations

import re

from graph.namespaces import entity_iri
from graph.text import fold

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(name: str) -> str:
    s = _NON_SLUG.sub("-", fold(name)).strip("-")
    if not s:
        raise ValueError(f"no slug can be made from {name!r}")
    return s


def unit_slug(name: str, parent: str | None = None) -> str:
    """The slug of a unit; ``parent`` (a slug) is prefixed when the bare name is ambiguous."""
    return f"{parent}-{slug(name)}" if parent else slug(name)


def mint(kind: str, name: str, parent: str | None = None) -> str:
    """A new IRI for an entity of ``kind`` named ``name``."""
    return entity_iri(kind, unit_slug(name, parent))


def is_slug(s: str) -> bool:
    return bool(SLUG_RE.match(s))
