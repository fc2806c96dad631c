"""Entry point of ``talosctl``.

Commands live one module per verb group under ``pytalos.cli.commands`` and are imported lazily,
so that ``talosctl gen config`` does not pay for importing the node-side code.
"""

from __future__ import annotations

import importlib
import sys

import click

# verb -> module under pytalos.cli.commands exposing a click command/group named ``cli``
_COMMANDS: dict[str, str] = {
    "gen": "gen",
    "validate": "validate",
    "config": "config",
    "machineconfig": "machineconfig",
    "mc": "machineconfig",
    "version": "version",
}


class LazyGroup(click.Group):
    """A click group that imports a verb's module only when that verb is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(k for k in _COMMANDS if k != "mc")

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None:
            return None
        try:
            mod = importlib.import_module(f"pytalos.cli.commands.{module}")
        except ModuleNotFoundError as exc:  # a verb whose module is not part of this build
            if exc.name != f"pytalos.cli.commands.{module}":
                raise
            return None
        cmd: click.Command = mod.cli
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """A CLI for out-of-band management of Kubernetes nodes created by pytalos."""


def main() -> None:
    try:
        cli.main(prog_name="talosctl", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
