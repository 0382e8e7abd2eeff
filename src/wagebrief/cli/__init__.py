"""The ``wagebrief`` command.

Each sub-command lives in ``wagebrief/commands/<name>.py`` and exposes ``register(app)``; this
module only assembles them, so the modules stay small and independent.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="wagebrief: comparator settlements, wage trends, market position and costing for bargaining.",
    no_args_is_help=True,
    add_completion=False,
)

COMMAND_MODULES = [
    "wagebrief.cli.data",
    "wagebrief.cli.render",
    "wagebrief.cli.export",
    "wagebrief.cli.exhibits",
    "wagebrief.cli.pull",
    "wagebrief.cli.cost",
    "wagebrief.cli.solve",
    "wagebrief.cli.market",
    "wagebrief.cli.profiles",
    "wagebrief.cli.setup",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console-script entry point."""
    app()
