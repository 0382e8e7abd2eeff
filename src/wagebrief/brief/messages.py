"""Errors as one line: how a failed unit (:mod:`wagebrief.run`) and a failed section
(:mod:`wagebrief.brief.partial`) name what stopped them, in the same words."""

from __future__ import annotations


def one_line(exc: BaseException) -> str:
    """An exception as one line: the notebook's own error name and message when it has one."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    name, text = (str(ename), str(evalue or "")) if ename else (type(exc).__name__, str(exc))
    return f"{name}: {first_line(text) or _no_message(exc)}"


def first_line(text: str) -> str:
    """The first line of ``text`` that has something on it ("" if none)."""
    return next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")


def _no_message(exc: BaseException) -> str:
    # An error without a message still says what it was, never an empty "ValueError: ".
    detail = first_line(repr(exc))
    return f"(no message) {detail}" if detail and detail != f"{type(exc).__name__}()" else "(no message)"
