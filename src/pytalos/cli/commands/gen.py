"""``talosctl gen``: generate machine configs (``gen config``) and mount the PKI/secrets subcommands.

``gen config NAME ENDPOINT`` mirrors ``cmd/talosctl/cmd/mgmt/gen/config.go``: the endpoint is checked
first (with a "try: …" suggestion), then flags, then a config bundle is generated — optionally from a
secrets bundle and for an older Talos version contract — patched, and written as ``controlplane.yaml``,
``worker.yaml`` and ``talosconfig`` (mode 0644) to the working directory, a directory, a single file
or stdout.  Existing files are kept unless ``-f/--force``.  ``talosctl gen config`` is run often by
scripts, so heavy modules (the config machinery, ``cryptography``) are imported only when it runs,
and the ``gen ca|key|csr|crt|keypair|secrets`` commands (``gen_pki``) only when one of them is used.
``--with-docs`` and ``--with-examples`` (both on by default) add field descriptions and commented-out
examples of empty fields.
"""

from __future__ import annotations

import importlib
from typing import IO, Any

import click

_PKI_COMMANDS = ("ca", "crt", "csr", "key", "keypair", "secrets")

ALL_OUTPUT_TYPES = ("controlplane", "worker", "talosconfig")

# kept literal (not imported) so that building the command does not import the machinery;
# tests check they equal pytalos.machinery.config.generate.constants
_DEFAULT_KUBERNETES_VERSION = "1.36.0"
_DEFAULT_INSTALL_IMAGE = (
    "factory.talos.dev/metal-installer/"
    "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:latest"
)


class GenError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr, exit code 1 (talosctl's format)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _GenGroup(click.Group):
    """``gen`` with the PKI subcommands loaded from ``gen_pki`` only when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        if _pki_module() is not None:
            names.update(_PKI_COMMANDS)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None or cmd_name not in _PKI_COMMANDS:
            return cmd
        module = _pki_module()
        found = getattr(module, cmd_name, None) if module is not None else None
        if isinstance(found, click.Command):
            self.add_command(found, cmd_name)
            return found
        return None


def _pki_module() -> Any:
    try:
        return importlib.import_module("pytalos.cli.commands.gen_pki")
    except ModuleNotFoundError as exc:
        if exc.name != "pytalos.cli.commands.gen_pki":
            raise
        return None


@click.group(cls=_GenGroup)
@click.option("-f", "--force", is_flag=True, help="will overwrite existing files")
def cli(force: bool) -> None:
    """Generate base secrets, machine configuration, and other files."""


def _forced(force: bool) -> bool:
    ctx: click.Context | None = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("force"):
            return True
        ctx = ctx.parent
    return force


def _flag_value(flag: str) -> bool:
    """``--with-docs=false`` style values (cobra booleans) are accepted as well as ``--without-docs``."""
    return flag.lower() in ("1", "t", "true", "y", "yes")


_BOOL_FLAGS = ("--with-cluster-discovery", "--with-docs", "--with-examples", "--with-kubespan")


def _rewrite_bool_flags(argv: list[str]) -> list[str]:
    """Translate ``--with-docs=false`` (cobra syntax) into click's ``--without-docs``."""
    out: list[str] = []
    for arg in argv:
        name, eq, value = arg.partition("=")
        if eq and name in _BOOL_FLAGS:
            if _flag_value(value):
                out.append(name)
            elif name != "--with-kubespan":
                out.append(name.replace("--with-", "--without-"))
            continue
        out.append(arg)
    return out


class _CobraBoolCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _rewrite_bool_flags(args))


@cli.command("config", cls=_CobraBoolCommand, context_settings={"show_default": True})
@click.argument("args", nargs=-1, metavar="<cluster name> <cluster endpoint>")
@click.option(
    "--additional-sans", multiple=True, help="additional Subject-Alt-Names for the APIServer certificate"
)
@click.option(
    "--config-patch",
    multiple=True,
    help="patch generated machineconfigs (applied to all node types), use @file to read a patch from file",
)
@click.option(
    "--config-patch-control-plane",
    multiple=True,
    help="patch generated machineconfigs (applied to 'init' and 'controlplane' types)",
)
@click.option(
    "--config-patch-worker", multiple=True, help="patch generated machineconfigs (applied to 'worker' type)"
)
@click.option("--dns-domain", default="cluster.local", help="the dns domain to use for cluster")
@click.option("--install-disk", default="/dev/sda", help="the disk to install to")
@click.option(
    "--install-image", default=_DEFAULT_INSTALL_IMAGE, help="the image used to perform an installation"
)
@click.option(
    "--kubernetes-version", default=_DEFAULT_KUBERNETES_VERSION, help="desired kubernetes version to run"
)
@click.option(
    "-o",
    "--output",
    default="",
    help="destination to output generated files. when multiple output types are specified, it must be a "
    'directory. for a single output type, it must either be a file path, or "-" for stdout',
)
@click.option("--output-dir", default="", hidden=True, help="destination to output generated files")
@click.option(
    "-t",
    "--output-types",
    multiple=True,
    default=[",".join(ALL_OUTPUT_TYPES)],
    help='types of outputs to be generated. valid types are: ["controlplane" "worker" "talosconfig"]',
)
@click.option(
    "--registry-mirror",
    multiple=True,
    help="list of registry mirrors to use in format: <registry host>=<mirror URL>",
)
@click.option(
    "--talos-version",
    default="",
    help="the desired Talos version to generate config for (backwards compatibility, e.g. v0.8)",
)
@click.option(
    "--version", "config_version", default="v1alpha1", help="the desired machine config version to generate"
)
@click.option(
    "--with-cluster-discovery/--without-cluster-discovery",
    default=True,
    help="enable cluster discovery feature",
)
@click.option(
    "--with-docs/--without-docs",
    default=True,
    help="renders all machine configs adding the documentation for each field",
)
@click.option(
    "--with-examples/--without-examples",
    default=True,
    help="renders all machine configs with the commented examples",
)
@click.option("--with-kubespan", is_flag=True, default=False, help="enable KubeSpan feature")
@click.option("--with-secrets", default="", help="use a secrets file generated using 'gen secrets'")
@click.option("-f", "--force", is_flag=True, help="will overwrite existing files")
def config_cmd(args: tuple[str, ...], **flags: Any) -> None:
    """Generates a set of configuration files for Talos cluster

    The cluster endpoint is the URL for the Kubernetes API. If you decide to use a control plane node,
    common in a single node control plane setup, use port 6443 as this is the port that the API server
    binds to on every control plane node. For an HA setup, usually involving a load balancer, use the
    IP and port of the load balancer.
    """
    if len(args) != 2:
        raise GenError(f"accepts 2 arg(s), received {len(args)}")
    from pytalos.cli.keygen import ServiceAccountKeygen

    keygen = None if flags["with_secrets"] else ServiceAccountKeygen.start(flags["talos_version"])
    from pytalos.cli.commands.gen_config import run_gen_config

    try:
        run_gen_config(args[0], args[1], flags, forced=_forced(bool(flags.get("force"))), keygen=keygen)
    except (ValueError, OSError) as exc:
        raise GenError(str(exc)) from None
