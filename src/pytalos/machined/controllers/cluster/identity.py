"""``cluster.NodeIdentityController``: ``Identities/local``, the node's id within the cluster.

Talos generates 32 random bytes on first boot and persists them on the STATE volume (so a wipe gives
a new identity). pytalos derives the id from the platform's machine id instead — base62 of
SHA-256 of it, the same length and alphabet as Talos's ids — which is persisted by the platform
already and so survives restarts without a STATE volume; a new machine id gives a new identity.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from pytalos.machined.resources import cluster
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import put

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(data: bytes) -> str:
    value = int.from_bytes(data, "big")
    out = ""
    while value > 0:
        value, rem = divmod(value, 62)
        out = _B62[rem] + out
    return out or "0"


def node_id(machine_id: str) -> str:
    if not machine_id.strip():
        raise ValueError("node identity: the platform has an empty machine id")
    return base62(hashlib.sha256(machine_id.strip().encode()).digest())


class NodeIdentityController(Reconciler):
    name = "cluster.NodeIdentityController"

    def __init__(self, machine_id: str) -> None:
        self.machine_id = machine_id

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return [Output(cluster.IDENTITY_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        spec = cluster.IdentitySpec(node_id(self.machine_id))
        await put(rt, cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID, spec)
