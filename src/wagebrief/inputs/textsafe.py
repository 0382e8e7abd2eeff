"""Text from hostile or careless files: invisible characters and values quoted in messages.

A zero-width space makes ``State of Vermont\u200b`` a different name from ``State of Vermont``
(so its settlements silently match no comparator), and a right-to-left override makes a title
read differently from what it holds. These characters have no place in a name, an id or a
vocabulary word, so readers strip them and warn, naming the cell.

Messages quote what a file holds; a value can be megabytes long (a cell, an expanded YAML
alias), so :func:`quote` bounds what is quoted.
"""

from __future__ import annotations

import re
import reprlib
import unicodedata

#: Zero-width and bidirectional formatting characters: ZWSP, ZWNJ, ZWJ, LRM, RLM (U+200B-U+200F),
#: the embeddings and overrides LRE, RLE, PDF, LRO, RLO (U+202A-U+202E), the isolates LRI, RLI,
#: FSI, PDI (U+2066-U+2069), the word joiner (U+2060), the Arabic letter mark (U+061C) and a
#: byte-order mark or zero-width no-break space inside text (U+FEFF).
INVISIBLE_CHARS = "\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")

#: Characters of a value quoted in a message; the rest is summarised as a count.
QUOTE_LIMIT = 200


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to about ``limit`` characters with a count of what was left out."""
    if isinstance(value, str) and len(value) > limit:
        # Cut before repr so a huge string is never copied whole into a message.
        return f"{value[:limit]!r}... ({len(value) - limit:,} more characters)"
    text = repr(value) if not isinstance(value, (list, dict, tuple, set)) else _short_repr(value, limit)
    return text if len(text) <= limit + 2 else f"{text[:limit]}... ({len(text) - limit:,} more characters)"


def _short_repr(value: object, limit: int) -> str:
    # reprlib bounds the work for nested containers (an alias-expanded YAML tree), not just the text.
    r = reprlib.Repr()
    r.maxstring = r.maxother = limit
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = 10
    r.maxlevel = 4
    return r.repr(value)


def invisible_in(text: str) -> list[str]:
    """The invisible characters ``text`` holds, each once, as ``U+200B ZERO WIDTH SPACE``."""
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}" for c in dict.fromkeys(INVISIBLE.findall(text))]


def strip_invisible(text: str) -> str:
    """``text`` without zero-width and bidirectional formatting characters."""
    return INVISIBLE.sub("", text)
