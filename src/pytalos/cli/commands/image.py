"""``talosctl image list|pull`` (alias ``images``): a node's container images (legacy ``ImageList`` /
``ImagePull``, which is what Talos's ``image`` command falls back to on nodes without ImageService).

``--namespace cri|system`` (default ``cri``, Talos's ``apiNamespace``). ``list`` (``l``, ``ls``) prints
Talos's table ``NODE IMAGE DIGEST SIZE CREATED`` (tabwriter, padding 3; size as go-humanize bytes,
creation time RFC 3339 UTC), every node's images as they stream in; a node that fails adds
``error listing images: <node>: rpc error: …`` (exit 1). ``pull <image>`` (``p``) prints nothing on
success; a node that fails adds ``error pulling image: <node>: rpc error: …`` (exit 1) -- on these
machines every pull from a registry fails, and the node says why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import ClientFactory, CLIError, GlobalArgs, global_options, raise_errors, run

from ._streaming import humanize_bytes, stream_nodes, unary_nodes

NAMESPACES: dict[str, Any] = {"cri": common_pb2.NS_CRI, "system": common_pb2.NS_SYSTEM}


def _namespace(value: str) -> Any:
    found = NAMESPACES.get(value)
    if found is None:
        raise CLIError(f"unsupported namespace {value!r}")
    return found


def _namespace_option(func: Any) -> Any:
    return click.option(
        "--namespace",
        default="cri",
        show_default=True,
        help="namespace to use: `system` (etcd and kubelet images) or `cri` for all Kubernetes workloads",
    )(func)


def image_row(node: str, image: machine_pb2.ImageListResponse) -> list[str]:
    created = datetime.fromtimestamp(image.created_at.seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [node, image.name, image.digest, humanize_bytes(image.size), created]


@click.group("image")
def cli() -> None:
    """Manage CRI container images."""


@cli.command("list")
@_namespace_option
@global_options
def list_cmd(namespace: str, **flags: Any) -> None:
    """List CRI images."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.ImageListRequest(namespace=_namespace(namespace))
    rows: list[list[str]] = [["NODE", "IMAGE", "DIGEST", "SIZE", "CREATED"]]

    def collect(node: str, image: machine_pb2.ImageListResponse) -> None:
        rows.append(image_row(node, image))

    errors = run(factory, stream_nodes(factory, "ImageList", request, collect))
    click.echo(tabwrite(rows), nl=False)
    raise_errors([f"error listing images: {e}" for e in errors])


@cli.command("pull")
@click.argument("image")
@_namespace_option
@global_options
def pull_cmd(image: str, namespace: str, **flags: Any) -> None:
    """Pull an image into CRI."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.ImagePullRequest(namespace=_namespace(namespace), reference=image)
    results = run(factory, unary_nodes(factory, "ImagePull", request))
    raise_errors([f"error pulling image: {r.error}" for r in results if r.error is not None])


cli.add_command(list_cmd, "l")
cli.add_command(list_cmd, "ls")
cli.add_command(pull_cmd, "p")
