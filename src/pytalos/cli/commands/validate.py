"""``talosctl validate``: check a machine config file for a runtime mode, offline.

Mirrors ``cmd/talosctl/cmd/mgmt/validate.go``: load the file (every document), validate it for
``--mode metal|cloud|container`` the way Talos's container does (client-side, so no Kubernetes
version checks), print each warning on stderr as ``WARNING: <text>``, and either print
``<file> is valid for <mode> mode`` or fail with the error list. ``--strict`` turns the v1alpha1
warnings into errors. Failures name the file (and, for load errors, the line and YAML path).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

from pytalos.machinery.config.errors import ConfigError, ValidationError
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.mode import parse_mode
from pytalos.machinery.config.validation import validate_documents


class CLIError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise CLIError(f"open {path}: {reason}") from exc


@click.command("validate", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-c", "--config", "config_path", default="", help="the path of the config file")
@click.option(
    "-m",
    "--mode",
    "mode_arg",
    default="",
    help="the mode to validate the config for (valid values are metal, cloud, and container)",
)
@click.option("--strict", is_flag=True, help="treat validation warnings as errors")
def cli(config_path: str, mode_arg: str, strict: bool) -> None:
    """Validate config"""
    if not mode_arg:
        raise CLIError('required flag(s) "mode" not set')
    raw = _read(config_path)
    try:
        container = load(raw, config_path)
    except ConfigError as exc:
        raise CLIError(exc.render()) from exc
    try:
        mode = parse_mode(mode_arg)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    warnings, errors = validate_documents(container.config_documents, mode, strict)
    for warning in warnings:
        click.echo(f"WARNING: {warning}", err=True)
    if errors:
        raise CLIError(ValidationError(errors, source=config_path).render())
    click.echo(f"{config_path} is valid for {mode_arg} mode")
