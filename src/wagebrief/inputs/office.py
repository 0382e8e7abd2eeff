"""The office overview's settings: ``comparators/office/settings.yml``.

One small file for the whole office (every unit of ``comparators/``): the statewide guideline
the overview costs for every unit, and the percentile of the comparators a unit should not fall
below under it. Both may be given on the command line instead (``wagebrief render --all
--guideline 2.5 --target-percentile 50``), which wins over the file. Without either, the
overview costs no guideline. The file lives in a folder of its own so it is never read as a unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, Field, ValidationError

from wagebrief.config import paths
from wagebrief.inputs import safeyaml
from wagebrief.inputs.yamlschema import STRICT, Bool, Text, problems, whole

DEFAULT_TARGET_PERCENTILE = 50


class OfficeFile(BaseModel):
    """``comparators/office/settings.yml``: what the office overview (``reports/<cycle>/office.html``) assumes."""

    model_config = STRICT
    guideline_pct: Annotated[float, Field(ge=0, le=15)] | None = Field(None, description=(
        "A statewide guideline: a GWI of this percent at each fiscal-year start of every unit's proposal term, "
        "costed for every unit with the costing engine (no step movements)."), examples=[2.5])
    target_percentile: whole(1, 99) = Field(DEFAULT_TARGET_PERCENTILE, description=(
        "The percentile of the comparators' pay a unit should not fall below at the end of its term under the "
        "guideline (the headline benchmark title, as the market section compares it)."))
    synthetic: Bool = Field(False, description="true when the settings are invented for a demo: the overview says SYNTHETIC.")
    notes: Text | None = Field(None, description="Where the guideline comes from (a budget office memo, a governor's message).")


class OfficeError(ValueError):
    """The settings file is unreadable or invalid; the message names the file and field."""


def settings_path(root: str | Path | None = None) -> Path:
    """``comparators/office/settings.yml`` under the project root."""
    return paths(root).comparators / "office" / "settings.yml"


def load(root: str | Path | None = None) -> OfficeFile:
    """The office settings (the defaults when there is no file); OfficeError for a bad file."""
    path = settings_path(root)
    if not path.is_file():
        return OfficeFile()
    where = "comparators/office/settings.yml"
    try:
        with path.open(encoding="utf-8") as fh:
            data = safeyaml.safe_load(fh)
    except (yaml.YAMLError, ValueError, OSError) as exc:
        raise OfficeError(f"{where}: not valid YAML: {exc}") from exc
    if data is None:
        return OfficeFile()
    if not isinstance(data, dict):
        raise OfficeError(f"{where}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        return OfficeFile.model_validate(data)
    except ValidationError as exc:
        raise OfficeError("\n".join(f"{where}: {p}" for p in problems(exc, OfficeFile))) from None
