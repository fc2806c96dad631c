"""``talosctl cluster create|show|destroy``: a whole local cluster on one machine.

Flags are Talos's (``cmd/talosctl/cmd/mgmt/cluster``): ``--name`` (``talos-default``) and ``--state``
(``~/.talos/clusters``) belong to the ``cluster`` group and, as cobra's persistent flags do, are
accepted after the sub-command too; ``--provisioner`` chooses ``netns`` (the only one here: nodes are
machined processes in network namespaces on a bridge, see :mod:`pytalos.provision`). ``create`` takes
Talos's ``--controlplanes``, ``--workers``, ``--cidr``, ``--kubernetes-version``, ``--talos-version``,
the three ``--config-patch*`` flags (``@file`` or inline, both spellings of the per-type ones),
``--wait`` / ``--wait-timeout``, ``--skip-injecting-config`` and ``--talosconfig-destination``.
``destroy`` does not remove the talosconfig context, as Talos does not.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pytalos.cli.flags import duration_seconds, go_bool
from pytalos.cli.nodeclient import CLIError

if TYPE_CHECKING:
    from pytalos.provision.state import ClusterState

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_NAME = "talos-default"
PROVISIONERS = ("netns",)


def default_state_root() -> Path:
    from pytalos.machinery.client.config import talos_directory

    return Path(talos_directory()) / "clusters"


def cluster_flags(func: F) -> F:
    """``--name`` and ``--state`` (on the group and on every sub-command)."""
    func = click.option(
        "--state", "state", default=None, metavar="PATH", help="directory path to store cluster state"
    )(func)
    return click.option("--name", "name", default=None, help="the name of the cluster")(func)


def provisioner_flag(func: F) -> F:
    return click.option(
        "--provisioner",
        type=click.Choice(PROVISIONERS),
        default="netns",
        show_default=True,
        help="cluster provisioner to use",
    )(func)


def resolve(params: dict[str, Any]) -> tuple[str, Path]:
    """(name, state root): the sub-command's flags, else the group's, else the defaults."""
    name, state = params.get("name"), params.get("state")
    ctx = click.get_current_context(silent=True)
    parent = ctx.parent if ctx is not None else None
    if parent is not None:
        name = name or parent.params.get("name")
        state = state or parent.params.get("state")
    return name or DEFAULT_NAME, Path(state) if state else default_state_root()


@click.group("cluster")
@cluster_flags
def cli(**_: Any) -> None:
    """A collection of commands for managing local clusters (nodes as processes in network namespaces)."""


# --- create ----------------------------------------------------------------------------------------


@cli.command("create")
@cluster_flags
@provisioner_flag
@click.option(
    "--controlplanes", type=int, default=1, show_default=True, help="the number of controlplanes to create"
)
@click.option("--workers", type=int, default=1, show_default=True, help="the number of workers to create")
@click.option("--cidr", default="10.5.0.0/24", show_default=True, help="CIDR of the cluster network")
@click.option("--kubernetes-version", default=None, help="desired kubernetes version to run")
@click.option("--talos-version", default="", help="the desired Talos version to generate config for")
@click.option(
    "--config-patch",
    "patches",
    multiple=True,
    help="patch generated machineconfigs (applied to all node types), use @file to read a patch from file",
)
@click.option(
    "--config-patch-control-plane",
    "--config-patch-controlplanes",
    "cp_patches",
    multiple=True,
    help="patch generated machineconfigs (applied to 'controlplane' type)",
)
@click.option(
    "--config-patch-worker",
    "--config-patch-workers",
    "worker_patches",
    multiple=True,
    help="patch generated machineconfigs (applied to 'worker' type)",
)
@click.option(
    "--wait",
    default="true",
    is_flag=False,
    flag_value="true",
    show_default=True,
    metavar="BOOL",
    help="wait for the cluster to be ready before returning",
)
@click.option(
    "--wait-timeout", default="20m0s", show_default=True, help="timeout to wait for the cluster to be ready"
)
@click.option(
    "--skip-injecting-config",
    is_flag=True,
    help="start the nodes in maintenance mode and only write their configs to the state directory",
)
@click.option(
    "--talosconfig-destination",
    default=None,
    metavar="PATH",
    help="The location to save the generated Talos configuration file to (default: --talosconfig, "
    "$TALOSCONFIG, ~/.talos/config)",
)
@click.option("--talosconfig", default=None, metavar="PATH", help="The path to the Talos configuration file.")
def create(**params: Any) -> None:
    """Creates a local cluster: each node a machined process in its own network namespace."""
    from pytalos.machinery.config.generate.constants import DEFAULT_KUBERNETES_VERSION
    from pytalos.provision import ProvisionError
    from pytalos.provision.configs import ConfigOptions, version_contract
    from pytalos.provision.provisioner import NetnsProvisioner

    from .cluster_create import CreateOptions, PartialCluster, apply_hint, create_cluster, destroy_hint
    from .cluster_progress import Progress

    name, state_root = resolve(params)
    try:
        version_contract(params["talos_version"])  # checked first, as Talos does
    except ProvisionError as exc:
        raise CLIError(str(exc)) from None
    talosconfig = params["talosconfig_destination"] or params["talosconfig"] or _root_talosconfig()
    opts = CreateOptions(
        name=name,
        state_root=state_root,
        cidr=params["cidr"],
        controlplanes=params["controlplanes"],
        workers=params["workers"],
        config=ConfigOptions(
            kubernetes_version=params["kubernetes_version"] or DEFAULT_KUBERNETES_VERSION,
            talos_version=params["talos_version"],
            patches=_patches(params["patches"]),
            control_plane_patches=_patches(params["cp_patches"]),
            worker_patches=_patches(params["worker_patches"]),
        ),
        wait=go_bool(params["wait"], "'--wait'"),
        wait_timeout=duration_seconds(params["wait_timeout"], "--wait-timeout"),
        skip_injecting_config=params["skip_injecting_config"],
        talosconfig=talosconfig,
    )
    try:
        with Progress() as progress:
            state = create_cluster(opts, progress, NetnsProvisioner())
    except ProvisionError as exc:
        raise CLIError(str(exc)) from None
    except PartialCluster as exc:
        interrupted = isinstance(exc.cause, KeyboardInterrupt)
        click.echo(
            "error: interrupted" if interrupted else f"error: {exc.cause or type(exc.cause).__name__}",
            err=True,
        )
        click.echo(
            f"the cluster is partly created; remove it with: {destroy_hint(exc.state, default_state_root())}",
            err=True,
        )
        sys.exit(130 if interrupted else 1)
    _show(state)
    from .cluster_create import usage_lines

    click.echo()
    lines = apply_hint(state) if opts.skip_injecting_config else usage_lines(state)
    for line in lines:
        click.echo(line)


def _root_talosconfig() -> str | None:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("talosconfig"):
            return str(ctx.params["talosconfig"])
        ctx = ctx.parent
    return None


def _patches(items: tuple[str, ...]) -> list[Any]:
    from .gen_config import _load_patches

    try:
        return _load_patches(list(items))
    except ValueError as exc:
        raise CLIError(str(exc)) from None


# --- show ------------------------------------------------------------------------------------------


@cli.command("show")
@cluster_flags
@provisioner_flag
def show(**params: Any) -> None:
    """Shows info about a local provisioned cluster."""
    from pytalos.provision import ProvisionError
    from pytalos.provision.provisioner import NetnsProvisioner

    name, state_root = resolve(params)
    try:
        state = NetnsProvisioner().reflect(state_root, name)
    except ProvisionError as exc:
        raise CLIError(str(exc)) from None
    _show(state)


def _show(state: ClusterState) -> None:
    from pytalos.provision.provisioner import NetnsProvisioner

    provisioner = NetnsProvisioner()
    head = [
        ("PROVISIONER", state.provisioner),
        ("NAME", state.name),
        ("NETWORK NAME", state.bridge),
        ("NETWORK CIDR", state.cidr),
        ("NETWORK GATEWAY", state.gateway),
        ("STATE DIRECTORY", state.directory),
    ]
    for line in _columns(head):
        click.echo(line)
    click.echo("\nNODES:\n")
    rows = [("NAME", "TYPE", "IP", "PID", "STATE")]
    for node in sorted(state.nodes, key=lambda n: n.name):
        up = provisioner.running(state, node)
        rows.append((node.name, node.type, node.ip, str(node.pid or "-"), "running" if up else "stopped"))
    for line in _columns(rows):
        click.echo(line)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Go's tabwriter with padding 3."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


# --- destroy ---------------------------------------------------------------------------------------


@cli.command("destroy")
@cluster_flags
@provisioner_flag
@click.option("-f", "--force", is_flag=True, help="force deletion of cluster directory if there were errors")
def destroy(force: bool, **params: Any) -> None:
    """Destroys a local cluster: stops its nodes, removes namespaces, bridge and state directory."""
    from pytalos.provision import ProvisionError
    from pytalos.provision.provisioner import NetnsProvisioner

    name, state_root = resolve(params)

    def log(line: str) -> None:
        click.echo(line, err=True)

    provisioner = NetnsProvisioner(log=log)
    try:
        state = provisioner.reflect(state_root, name)
    except ProvisionError as exc:
        raise CLIError(str(exc)) from None
    survivors = provisioner.destroy(state, force=force)
    if survivors:
        kept = "" if force else f"; state kept in {state.directory} (retry, or use --force)"
        raise CLIError("destroy left things behind:\n" + "\n".join(f"  {s}" for s in survivors) + kept)
