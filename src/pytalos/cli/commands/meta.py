"""``talosctl meta write <key> <value>`` / ``talosctl meta delete <key>``: edit META tags (Talos's
``meta.go``).

The key is parsed as Go's ``strconv.ParseUint(key, 0, 8)`` (``0xc``, ``12``, ``014``); a bad one fails
before any connection with Go's message (``strconv.ParseUint: parsing "x": invalid syntax``). Every
node gets the call; failures read ``error writing meta to node <node>: rpc error: …`` (or ``deleting
meta from``), one per line, exit code 1. ``-i/--insecure`` talks to the maintenance service, which
answers ``Unimplemented`` as Talos's does to a caller that is not on SideroLink.
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.flags import insecure_options
from pytalos.cli.nodeclient import ClientFactory, CLIError, GlobalArgs, global_options, raise_errors, run
from pytalos.machinery.meta import KeyError_, parse_key

from ._streaming import unary_nodes


def _parse(key: str) -> int:
    try:
        return parse_key(key)
    except KeyError_ as err:
        raise CLIError(str(err)) from None


def _factory(flags: dict[str, Any], insecure: bool, fingerprints: tuple[str, ...]) -> ClientFactory:
    return ClientFactory.build(GlobalArgs.from_click(flags), insecure, fingerprints)


@click.group("meta")
def cli() -> None:
    """Write and delete keys in the META partition"""


@cli.command("write")
@click.argument("key")
@click.argument("value")
@insecure_options
@global_options
def write(key: str, value: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Write a key-value pair to the META partition."""
    tag = _parse(key)
    factory = _factory(flags, insecure, cert_fingerprints)
    request = machine_pb2.MetaWriteRequest(key=tag, value=value.encode())
    results = run(factory, unary_nodes(factory, "MetaWrite", request))
    raise_errors(
        [f"error writing meta to node {r.error.node}: {r.error.message}" for r in results if r.error]
    )


@cli.command("delete")
@click.argument("key")
@insecure_options
@global_options
def delete(key: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Delete a key from the META partition."""
    tag = _parse(key)
    factory = _factory(flags, insecure, cert_fingerprints)
    request = machine_pb2.MetaDeleteRequest(key=tag)
    results = run(factory, unary_nodes(factory, "MetaDelete", request))
    raise_errors(
        [f"error deleting meta from node {r.error.node}: {r.error.message}" for r in results if r.error]
    )
