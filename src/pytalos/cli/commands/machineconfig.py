"""``talosctl machineconfig``: patch machine config files offline, and show the patch between two.

``machineconfig patch FILE -p PATCH...`` mirrors ``cmd/talosctl/cmd/mgmt/machineconfig/patch.go``:
patches are inline YAML/JSON, ``@file``, a bare file name or an http(s) URL, applied in order; the
result goes to stdout or ``-o FILE``. ``machineconfig diff A B`` prints the strategic patch turning A
into B (a pytalos addition). The library does the work; this module reads files and reports errors
as ``error: <file>:<line>: <path>: <message>``.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO, Any

import click

REMOTE_TIMEOUT = 30.0
REMOTE_SIZE_LIMIT = 1 << 20


class MachineConfigError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr, exit code 1 (talosctl's format)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _is_remote(source: str) -> bool:
    parsed = urllib.parse.urlparse(source)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=REMOTE_TIMEOUT) as response:
            data: bytes = response.read(REMOTE_SIZE_LIMIT + 1)
    except OSError as exc:
        raise MachineConfigError(f"error fetching patch {url!r}: {exc}") from None
    if len(data) > REMOTE_SIZE_LIMIT:
        raise MachineConfigError(f"error reading patch {url!r}: response exceeds {REMOTE_SIZE_LIMIT} bytes")
    return data


def read_patch_source(source: str) -> bytes:
    """Contents of a patch file or URL (the ``read`` callback of ``load_patches``)."""
    if _is_remote(source):
        return _fetch(source)
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise MachineConfigError(f"open {source}: {exc.strerror or exc}") from None


def _read_config(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise MachineConfigError(f"open {path}: {exc.strerror or exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Machine config related commands."""


@cli.command("patch")
@click.argument("machineconfig_file", metavar="<machineconfig-file>")
@click.option(
    "--patch",
    "-p",
    "patches",
    multiple=True,
    metavar="PATCH",
    help="patch generated machineconfigs (applied to all node types), use @file to read a patch from file",
)
@click.option(
    "--output",
    "-o",
    default="",
    metavar="PATH",
    help="output destination. if not specified, output will be printed to stdout",
)
def patch_command(machineconfig_file: str, patches: tuple[str, ...], output: str) -> None:
    """Patch a machine config."""
    from pytalos.machinery.config.errors import ConfigError
    from pytalos.machinery.config.loader import load
    from pytalos.machinery.config.patch import apply, load_patches

    data = _read_config(machineconfig_file)
    try:
        loaded = load_patches(list(patches), read_patch_source)
        if loaded:
            patched = apply(data, loaded, machineconfig_file).encode().encode()
        else:
            patched = load(data, machineconfig_file).bytes()
    except ConfigError as exc:
        raise MachineConfigError(str(exc)) from None
    if not output:
        click.echo(patched.decode(), nl=True)
        return
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(patched)
        target.chmod(0o644)
    except OSError as exc:
        raise MachineConfigError(f"failed to write {output}: {exc.strerror or exc}") from None


@cli.command("diff")
@click.argument("original", metavar="<original-file>")
@click.argument("modified", metavar="<modified-file>")
def diff_command(original: str, modified: str) -> None:
    """Print the strategic merge patch that turns the original machine config into the modified one."""
    from pytalos.machinery.config.diff import diff
    from pytalos.machinery.config.errors import ConfigError
    from pytalos.machinery.config.loader import load

    try:
        patch = diff(load(_read_config(original), original), load(_read_config(modified), modified))
    except ConfigError as exc:
        raise MachineConfigError(str(exc)) from None
    click.echo(patch, nl=False)
