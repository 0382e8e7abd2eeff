"""Vocabulary codes as words: what a sentence, caption or chart title prints for a code the data use.

The inputs keep codes such as ``public_works`` (occupation groups), ``school_district``
(jurisdiction types) and ``interest_arbitration`` (settlement types) so files stay easy to
check; a reader of the brief sees "public works". Every brief module prints codes through
:func:`vocab`, so the rule is stated once.
"""

from __future__ import annotations

from typing import Any


def vocab(code: Any) -> str:
    """A vocabulary code as the words it stands for: underscores become spaces ("public works")."""
    return str(code).replace("_", " ").strip()


def group_words(groups: Any) -> str:
    """Occupation groups as words: "clerical", "clerical and general", "police, fire and general"."""
    words = [vocab(g) for g in groups]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
