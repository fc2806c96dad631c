"""``talosctl validate``: check a machine config file for a runtime mode, offline.

Mirrors ``cmd/talosctl/cmd/mgmt/validate.go``: load the file (every document), validate it for
``--mode metal|cloud|container`` the way Talos's container does (client-side, so no Kubernetes
version checks), print each warning on stderr as ``WARNING: <text>``, and either print
``<file> is valid for <mode> mode`` or fail with the error list. ``--strict`` turns the v1alpha1
warnings into errors. Failures name the file (and, for load errors, the line and YAML path).

Talos's messages are printed unchanged; after them, on stderr, a ``locations:`` section lists each
error and warning that knows its YAML path as ``<file>:<line>: <path>: <message>`` (the line of the
field, or of its nearest parent when the field is missing), so editors and people can jump to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

from pytalos.machinery.config.errors import ConfigError, ValidationError, format_location
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.mode import parse_mode
from pytalos.machinery.config.validation.container import validate_documents_report


class CLIError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr (then any ``details``), exit code 1."""

    exit_code = 1

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)
        if self.details:
            click.echo(self.details, err=True)


def locations_section(
    source: str, errors: list[tuple[str, int, str]], warnings: list[tuple[str, int, str]]
) -> str:
    """``locations:`` then one ``<file>:<line>: <path>: <message>`` line per located error, then warning
    ("" when nothing is located)."""
    lines = [format_location(source, line, path, message) for path, line, message in errors]
    lines += [format_location(source, line, path, f"warning: {message}") for path, line, message in warnings]
    return "\n".join(["locations:", *lines]) if lines else ""


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
    documents = container.config_documents
    report = validate_documents_report(documents, mode, strict)
    located_errors = container.locate([loc for loc in report.locations if not loc.warning], documents)
    located_warnings = container.locate([loc for loc in report.locations if loc.warning], documents)
    for warning in report.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    section = locations_section(config_path, located_errors, located_warnings)
    if report.errors:
        failure = ValidationError(report.errors, source=config_path, locations=located_errors)
        raise CLIError(failure.render(), details=section)
    if section:
        click.echo(section, err=True)
    click.echo(f"{config_path} is valid for {mode_arg} mode")
