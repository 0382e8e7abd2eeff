"""Building blocks for the pydantic models of wagebrief's YAML input files.

The unit and proposals files are described by pydantic models, so that one definition both
validates a file and yields its JSON Schema (which ``docs/inputs.md`` is generated from). The
validators here keep wagebrief's messages ("expected a whole number, got 'x'", "13 is outside
1..12") instead of pydantic's generic ones, and :func:`problems` turns a
:class:`pydantic.ValidationError` into ``field: message`` lines an analyst can act on.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Collection, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from wagebrief.inputs.textsafe import quote

#: Every input model refuses keys it does not know: a typo must never be silently ignored.
STRICT = ConfigDict(extra="forbid", frozen=True)


def fail(message: str) -> PydanticCustomError:
    """An error whose message is shown exactly as written."""
    # A custom error type keeps the message verbatim (a ValueError would gain "Value error, ").
    return PydanticCustomError("wagebrief", message)


def suggest(value: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` (case-insensitive), else ``""``."""
    match = closest(value, choices)
    return f" (did you mean {match!r}?)" if match else ""


def closest(value: str, choices: Collection[str]) -> str | None:
    """The choice ``value`` was most likely meant to be, or None."""
    by_fold = {str(c).casefold(): str(c) for c in choices}
    match = difflib.get_close_matches(str(value).casefold(), list(by_fold), n=1, cutoff=0.6)
    return by_fold[match[0]] if match else None


def text_value(value: Any) -> str:
    """``value`` stripped, when it is a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise fail(f"expected a non-empty string, got {quote(value)}")
    return value.strip()


def _bool(value: Any) -> bool:
    # YAML reads yes/no/on/off as booleans already; a quoted "true" is a typo worth reporting.
    if not isinstance(value, bool):
        raise fail(f"expected true or false, got {quote(value)}")
    return value


def _digits(value: Any) -> str | None:
    if value is None:
        return None
    if not (isinstance(value, str) and value.isdigit()):
        # Unquoted YAML numbers lose leading zeros ("09" -> 9), so codes must be quoted.
        raise fail(f"expected a quoted string of digits, got {quote(value)}")
    return value


#: A non-empty string, stripped.
Text = Annotated[str, BeforeValidator(text_value)]
#: ``true`` or ``false``, nothing else.
Bool = Annotated[bool, BeforeValidator(_bool)]
#: A code of digits written as a quoted string (FIPS codes keep their leading zeros).
Digits = Annotated[str | None, Field(pattern=r"^[0-9]+$"), BeforeValidator(_digits)]


def whole(lo: int, hi: int) -> Any:
    """A whole number from ``lo`` to ``hi``; ``true`` is not 1 and ``3.0`` is not 3."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"expected a whole number, got {quote(value)}")
        if not lo <= value <= hi:
            raise fail(f"{value} is outside {lo}..{hi}")
        return value

    return Annotated[int, Field(ge=lo, le=hi), BeforeValidator(check)]


def choice(allowed: Sequence[str]) -> Any:
    """One word of a vocabulary; a near miss gets a suggestion."""
    allowed = tuple(allowed)

    def check(value: Any) -> str:
        text = text_value(value)
        if text not in allowed:
            raise fail(f"{text!r} is not one of {', '.join(allowed)}{suggest(text, allowed)}")
        return text

    return Annotated[Literal[allowed], BeforeValidator(check)]  # type: ignore[valid-type]


def non_empty_list(what: str) -> BeforeValidator:
    """A validator refusing anything but a non-empty list, saying what the list holds."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise fail(f"expected a non-empty list of {what}")
        return value

    return BeforeValidator(check)


# --------------------------------------------------------------------------- error messages

def field_name(loc: Sequence[str | int]) -> str:
    """``('comparators', 0, 'state')`` -> ``comparators[0].state``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for the keys it allows)."""
    current: Any = model
    named = False  # the field before maps names to models (proposals' scenarios): this part is a name
    for part in loc:
        if isinstance(part, int) or named:
            named = False
            continue  # a list item or a name: the item type was found on the field before it
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        annotation = current.model_fields[part].annotation
        current = _inner_model(annotation, typing)
        named = current is not None and _is_mapping(annotation, typing)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _is_mapping(annotation: Any, typing: Any) -> bool:
    # dict[K, M], also inside Annotated[...] or M | None.
    if typing.get_origin(annotation) is dict:
        return True
    return any(_is_mapping(arg, typing) for arg in typing.get_args(annotation))


def _inner_model(annotation: Any, typing: Any) -> Any:
    # Unwrap list[M], dict[str, M], M | None and Annotated[...] down to a model class.
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg, typing)
        if found is not None:
            return found
    return None


def problems(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """Each error of ``exc`` as ``field: message``; unknown keys first, each with a suggestion.

    A key that is unknown because it is misspelt makes the key it was meant to be "missing"
    too; that second report is left out, since fixing the spelling fixes both.
    """
    unknown: list[str] = []
    meant: set[tuple] = set()
    rest: list[tuple[tuple, str]] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind in ("extra_forbidden", "invalid_key"):
            parent = loc[:-1]
            sub = _model_at(model, parent)
            allowed = list(sub.model_fields) if sub is not None else []
            key = str(loc[-1]) if kind == "extra_forbidden" else str(err["input"])
            hit = closest(key, allowed)
            if hit is not None:
                meant.add(parent + (hit,))
            hint = f" (did you mean {hit!r}?)" if hit else ""
            listed = f"; allowed: {', '.join(allowed)}" if allowed else ""
            unknown.append(f"{field_name(parent + (key,))}: unknown key{hint}{listed}")
        elif kind == "missing":
            rest.append((loc, f"{field_name(loc)}: required field is missing"))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            rest.append((loc, f"{field_name(loc)}: expected a mapping, got {type(err['input']).__name__}"))
        else:
            rest.append((loc, f"{field_name(loc)}: {err['msg']}"))
    return unknown + [msg for loc, msg in rest if loc not in meant]
