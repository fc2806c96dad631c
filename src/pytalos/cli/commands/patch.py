"""``talosctl patch machineconfig -p @patch.yaml``: patch each node's machine config in place.

As ``cmd/talosctl/cmd/talos/patch.go``: the node's config is read (COSI ``Get``), the patches
(``-p/--patch``, repeatable, inline or ``@file``; ``--patch-file FILE``) are applied locally with
Talos's rules (:mod:`pytalos.machinery.config.patch`: strategic merge or RFC 6902), and the result is
sent with ``ApplyConfiguration`` (``-m/--mode``, ``--dry-run``, ``--timeout``); the command prints
``patched MachineConfigs.config.talos.dev/v1alpha1 at the node <node>`` and the node's apply result
(:mod:`._mc_remote`).
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.cli.nodeclient import ClientFactory, CLIError, GlobalArgs, global_options, run

from ._mc_remote import DEFAULT_ID, apply_request, change_on_nodes, mode_options


def patch_text(text: str, patches: list[str], what: str) -> bytes:
    """``text`` with ``patches`` (``-p`` values) applied; errors as Talos words them."""
    from pytalos.cli.commands.machineconfig import read_patch_source
    from pytalos.machinery.config.errors import ConfigError
    from pytalos.machinery.config.patch import apply, load_patches

    try:
        loaded = load_patches(patches, read_patch_source)
        return apply(text, loaded, what).encode().encode()
    except (ConfigError, ValueError, OSError) as exc:
        raise CLIError(f"error patching {what}: {exc}") from exc


@click.command("patch")
@click.argument("args", nargs=-1)
@click.option(
    "-p",
    "--patch",
    "patches",
    multiple=True,
    help="the patch to be applied to the resource file, use @file to read a patch from file.",
)
@click.option("--patch-file", default="", help="a file containing a patch to be applied to the resource.")
@mode_options
@global_options
def cli(
    args: tuple[str, ...],
    patches: tuple[str, ...],
    patch_file: str,
    mode: str,
    dry_run: bool,
    timeout: str,
    namespace: str,
    **flags: Any,
) -> None:
    """Patch machine configuration of a Talos node with a local patch."""
    if not 1 <= len(args) <= 2:
        raise CLIError(f"accepts between 1 and 2 arg(s), received {len(args)}")
    items = list(patches) + ([f"@{patch_file}"] if patch_file else [])
    if not items:
        raise CLIError("either --patch or --patch-file should be defined")
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    resource_id = args[1] if len(args) == 2 else DEFAULT_ID
    run(
        factory,
        change_on_nodes(
            factory,
            args[0],
            resource_id,
            namespace,
            lambda node, text, what: patch_text(text, items, what),
            lambda data: apply_request(data, mode, dry_run, timeout),
            "patched",
        ),
    )
