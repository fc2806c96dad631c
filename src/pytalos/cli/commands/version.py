"""``talosctl version``: the client's version (the server half arrives with the Machine API)."""

from __future__ import annotations

import platform
import sys

import click

import pytalos


def client_version_text() -> str:
    """The ``Client:`` block in Talos's layout."""
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return (
        "Client:\n"
        f"\tTag:         v{pytalos.__version__}\n"
        f"\tPython:      {sys.version.split()[0]}\n"
        f"\tOS/Arch:     {platform.system().lower()}/{arch}\n"
    )


@click.command("version")
@click.option("--client", is_flag=True, help="Print client version only")
@click.option("--short", is_flag=True, help="Print the short version")
def cli(client: bool, short: bool) -> None:
    """Prints the version."""
    if short:
        click.echo(f"Client v{pytalos.__version__}")
    else:
        click.echo(client_version_text(), nl=False)
    if not client:
        raise click.ClickException(
            "the server version needs the Machine API, which this build does not serve yet"
        )
