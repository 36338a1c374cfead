"""Settings as documented data.

Each :class:`Setting` has a name, a default, a type and a line of help; its value comes from the
environment variable ``GOVKG_<NAME>``.  The README's settings table is checked against :data:`SETTINGS` by
``tests/test_docs.py``, so a setting cannot exist undocumented.  Layers above add their settings here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"GOVKG_{self.name}"

    def parse(self, raw: str) -> Any:
        d = self.default
        if isinstance(d, bool):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"{self.env}={raw!r} is not a boolean (use 1/0, true/false)")
        if isinstance(d, int):
            return int(raw)
        if isinstance(d, float):
            return float(raw)
        return raw


SETTINGS: list[Setting] = [
    Setting("STORE", "", "Store directory (default ~/.local/share/govkg/store); also --store."),
    Setting("RELEASES_DIR", "", "Directory of the releases that `govkg release` writes and the server offers "
            "(default ~/.local/share/govkg/releases); also --out."),
    Setting("PUBLIC_URL", "", "Public address of the server, used in the dataset description's download links "
            "(default: the address of each request)."),
]


def setting(name: str) -> Setting:
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)


def read_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every setting's value: ``overrides``, else ``GOVKG_<NAME>``, else the default."""
    out: dict[str, Any] = {}
    for s in SETTINGS:
        if overrides and s.name in overrides:
            out[s.name] = overrides[s.name]
        elif s.env in os.environ:
            out[s.name] = s.parse(os.environ[s.env])
        else:
            out[s.name] = s.default
    return out
