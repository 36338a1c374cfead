"""Vietnamese text at the boundaries: NFC, look-alikes, invisible characters, and search folding.

Every string that enters the graph goes through :func:`clean`; every string compared in search goes through
:func:`fold`.  ``fold`` removes case and tones and maps đ/Đ to d (U+0111 has no decomposition, so stripping
combining marks alone would miss it).  Because tones are removed, both tone placements ("hoà"/"hòa",
"thuỷ"/"thủy") fold to the same key.
"""

from __future__ import annotations

import re
import unicodedata

#: Look-alike letters seen in Vietnamese text, mapped to the letter meant.
LOOKALIKES = str.maketrans({
    "\u00d0": "\u0110",  # Ð (Icelandic eth) -> Đ
    "\u0189": "\u0110",  # Ɖ (African D) -> Đ
    "\u00f0": "\u0111",  # ð -> đ
})

#: Zero-width and bidi control characters, removed on input.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def clean(s: str) -> str:
    """NFC, look-alike letters mapped, invisible characters removed, runs of white space folded."""
    s = unicodedata.normalize("NFC", s).translate(LOOKALIKES)
    s = INVISIBLE.sub("", s)
    return _SPACES.sub(" ", s).strip()


def fold(s: str) -> str:
    """The search key of ``s``: lower case, no tones or other marks, đ->d, single spaces."""
    s = clean(s).translate(LOOKALIKES).lower()
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u0111", "d")
    return _SPACES.sub(" ", s).strip()
