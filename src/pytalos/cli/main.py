"""Entry point of ``talosctl``.

Commands live one module per verb group under ``pytalos.cli.commands`` and are imported lazily,
so that ``talosctl gen config`` does not pay for importing the node-side code.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from pytalos.cli.flags import global_options

# verb -> module under pytalos.cli.commands exposing a click command/group named ``cli``
_COMMANDS: dict[str, str] = {
    "gen": "gen",
    "validate": "validate",
    "config": "config",
    "machineconfig": "machineconfig",
    "mc": "machineconfig",
    "version": "version",
    "apply-config": "apply_config",
    "apply": "apply_config",
    "service": "service",
    "services": "service",
    "reboot": "reboot",
    "inspect": "inspect",
    "get": "get",
    "g": "get",
    "logs": "logs",
    "dmesg": "dmesg",
    "events": "events",
    "processes": "processes",
    "ps": "processes",
    "memory": "memory",
    "free": "memory",
    "mounts": "mounts",
    "list": "ls",
    "ls": "ls",
    "read": "read",
    "cat": "read",
    "copy": "cp",
    "cp": "cp",
    "usage": "du",
    "du": "du",
    "netstat": "netstat",
    "ss": "netstat",
    "time": "time_cmd",
    "shutdown": "shutdown",
    "reset": "reset",
    "containers": "containers",
    "c": "containers",
    "stats": "stats",
    "edit": "edit",
    "patch": "patch",
    "etcd": "etcd",
    "health": "health",
    "bootstrap": "bootstrap",
    "kubeconfig": "kubeconfig",
    "cluster": "cluster",
    "image": "image",
    "images": "image",
    "restart": "restart",
    "meta": "meta",
}

#: aliases listed in help under their main verb only
_ALIASES = frozenset(
    {"mc", "apply", "services", "g", "ps", "free", "ls", "cat", "cp", "du", "ss", "c", "images"}
)


class LazyGroup(click.Group):
    """A click group that imports a verb's module only when that verb is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(k for k in _COMMANDS if k not in _ALIASES)

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
@global_options
def cli(**flags: Any) -> None:
    """A CLI for out-of-band management of Kubernetes nodes created by pytalos."""


def main() -> None:
    try:
        cli.main(prog_name="talosctl", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
