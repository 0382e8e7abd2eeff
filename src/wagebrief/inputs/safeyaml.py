"""Loading wagebrief's YAML files without letting a file expand, nest or hide its way past checks.

``yaml.safe_load`` builds no Python objects, but it still expands aliases: nine lines of
``a: &a [x, x, ...]`` / ``b: &b [*a, *a, ...]`` ("billion laughs") become a tree of 10^9 nodes
that takes minutes and all memory to print in an error message. wagebrief's files (units,
proposals, the area mapping, the title vocabulary) are typed by hand and never need anchors, so
:class:`SafeLoader` refuses anchors and aliases outright, bounds nesting (a 10,000-deep ``[[[``
would otherwise end in a RecursionError), and refuses zero-width and bidirectional formatting
characters in values (a right-to-left override would make a brief's title read differently from
what the file holds). Each refusal is a :class:`yaml.YAMLError` naming the line and column, so
every caller's existing ``except yaml.YAMLError`` reports it as the file's error.
"""

from __future__ import annotations

from typing import IO, Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from wagebrief.inputs.textsafe import INVISIBLE, invisible_in, quote

__all__ = ["MAX_DEPTH", "SafeLoader", "UnsafeYAMLError", "quote", "safe_load"]

#: Deepest nesting of lists and mappings a file may have; wagebrief's files need about 5.
MAX_DEPTH = 50


class UnsafeYAMLError(yaml.YAMLError):
    """A YAML construct wagebrief refuses (an anchor, an alias, deep nesting, an invisible character)."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        self.message, self.mark = message, mark
        super().__init__(str(self))

    def __str__(self) -> str:
        # One line, 1-based like an editor's status bar (PyYAML's marks count from 0).
        if self.mark is None:
            return self.message
        return f"line {self.mark.line + 1}, column {self.mark.column + 1}: {self.message}"


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without anchors or aliases, with nesting bounded by :data:`MAX_DEPTH`
    and no zero-width or bidirectional formatting characters in scalars."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias or an anchor before it is resolved, and nesting past :data:`MAX_DEPTH`."""
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise UnsafeYAMLError(
                f"an alias (*{event.anchor[:40]}) is not allowed in wagebrief files: "
                "write the value out in full", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise UnsafeYAMLError(
                f"an anchor (&{event.anchor[:40]}) is not allowed in wagebrief files: "
                "write each value out in full", event.start_mark)
        if isinstance(event, ScalarEvent) and INVISIBLE.search(event.value):
            raise UnsafeYAMLError(
                f"the value {quote(event.value, 80)} holds invisible or text-direction characters "
                f"({', '.join(invisible_in(event.value))}); delete them", event.start_mark)
        if isinstance(event, CollectionStartEvent):
            if self._depth >= MAX_DEPTH:
                raise UnsafeYAMLError(f"lists and mappings are nested more than {MAX_DEPTH} deep",
                                      event.start_mark)
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def safe_load(stream: str | bytes | IO) -> Any:
    """Parse one YAML document like ``yaml.safe_load``, with :class:`SafeLoader`'s refusals."""
    loader = SafeLoader(stream)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
