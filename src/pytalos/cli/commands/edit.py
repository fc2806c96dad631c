"""``talosctl edit machineconfig``: edit each node's machine config in ``$EDITOR`` and apply it.

As ``cmd/talosctl/cmd/talos/edit.go``: for each node the config is read (COSI ``Get``), written to a
temporary file under a comment header naming the resource and the node, and opened in the editor
(``$TALOS_EDITOR``, ``$EDITOR``, ``$VISUAL``, else ``vi``; the value may carry arguments). The header is
removed again; an unchanged or emptied file skips the node (``Apply was skipped: no changes
detected.``), anything else is sent with ``ApplyConfiguration`` (``-m/--mode``, ``--dry-run``,
``--timeout``) and the node's apply result is printed (:mod:`._mc_remote`). Talos reopens the editor
with the error when the apply fails; here the error ends the command (exit 1).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from pytalos.cli.nodeclient import ClientFactory, CLIError, GlobalArgs, global_options, run

from ._mc_remote import DEFAULT_ID, apply_request, change_on_nodes, mode_options


def editor_command(env: Mapping[str, str]) -> list[str]:
    for name in ("TALOS_EDITOR", "EDITOR", "VISUAL"):
        if env.get(name, "").strip():
            return shlex.split(env[name])
    return ["vi"]


def header(what: str, node: str) -> str:
    return (
        f"# Editing {what} at node {node}\n"
        "# Lines starting with '#' at the top are ignored; an empty file aborts the edit.\n"
        "#\n"
    )


def strip_header(text: str, head: str) -> str:
    return text[len(head) :] if text.startswith(head) else text


def edit_text(node: str, text: str, what: str, env: Mapping[str, str] | None = None) -> bytes | None:
    """Run the editor over ``text``; the edited config, or ``None`` when it was emptied."""
    head = header(what, node)
    with tempfile.TemporaryDirectory(prefix="talosctl-edit-") as tmp:
        path = Path(tmp) / "machineconfig.yaml"
        path.write_text(head + text)
        command = [*editor_command(os.environ if env is None else env), str(path)]
        try:
            done = subprocess.run(command, check=False)
        except OSError as exc:
            raise CLIError(f"error running editor {command[0]!r}: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            raise CLIError(f"editor {command[0]!r} exited with status {done.returncode}")
        edited = strip_header(path.read_text(), head)
    if not edited.strip():
        return None
    return edited.encode()


@click.command("edit")
@click.argument("args", nargs=-1)
@mode_options
@global_options
def cli(args: tuple[str, ...], mode: str, dry_run: bool, timeout: str, namespace: str, **flags: Any) -> None:
    """Edit Talos node machine configuration with the default editor."""
    if not 1 <= len(args) <= 2:
        raise CLIError(f"accepts between 1 and 2 arg(s), received {len(args)}")
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    resource_id = args[1] if len(args) == 2 else DEFAULT_ID
    run(
        factory,
        change_on_nodes(
            factory,
            args[0],
            resource_id,
            namespace,
            lambda node, text, what: edit_text(node, text, what),
            lambda data: apply_request(data, mode, dry_run, timeout),
            "",
        ),
    )
