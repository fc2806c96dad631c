"""The machine configs of a new local cluster (Talos's ``clustermaker`` config part).

One secrets bundle, one control-plane and one worker config generated from it with the cluster
endpoint ``https://<first control plane>:6443`` and the talosconfig endpoints set to every control
plane (client-side load balancing, as Talos does without a load balancer); the user's patches
(``--config-patch``, ``--config-patch-control-plane``, ``--config-patch-worker``, already loaded) are
applied in Talos's order by :class:`~pytalos.machinery.config.generate.bundle.ConfigBundle`. Each node
then gets its own copy with ``machine.network.hostname`` set to the node name, so hostnames match the
node table, and points cluster discovery at the cluster's own discovery service (:mod:`.discovery`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytalos.machinery.client.config import Config as TalosConfig
from pytalos.machinery.config.contract import CURRENT, VersionContract
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.generate import Input
from pytalos.machinery.config.generate.bundle import ConfigBundle
from pytalos.machinery.config.generate.constants import DEFAULT_KUBERNETES_VERSION
from pytalos.machinery.config.patch import Patch, apply, load_patch

from . import ProvisionError
from .discovery import discovery_patch
from .state import ClusterState

KUBERNETES_API_PORT = 6443


@dataclass(frozen=True)
class ConfigOptions:
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    talos_version: str = ""
    patches: Sequence[Patch] = ()
    control_plane_patches: Sequence[Patch] = ()
    worker_patches: Sequence[Patch] = ()


@dataclass(frozen=True)
class ClusterConfigs:
    """The generated bundle, each node's config bytes and the talosconfig to merge."""

    bundle: ConfigBundle
    nodes: dict[str, bytes]
    talosconfig: TalosConfig


def version_contract(talos_version: str) -> VersionContract:
    if not talos_version or talos_version == "latest":
        return CURRENT
    try:
        return VersionContract.parse(talos_version)
    except ValueError as exc:
        raise ProvisionError(f'error parsing Talos version "{talos_version}": {exc}') from None


def hostname_patch(hostname: str) -> Patch:
    return load_patch(f"machine:\n  network:\n    hostname: {hostname}\n", f"<hostname {hostname}>")


def generate_configs(state: ClusterState, options: ConfigOptions) -> ClusterConfigs:
    """Configs for every node of ``state`` (see the module docstring)."""
    control_planes = [n.ip for n in state.control_planes]
    try:
        inp = Input(
            state.name,
            f"https://{control_planes[0]}:{KUBERNETES_API_PORT}",
            options.kubernetes_version.removeprefix("v"),
            version_contract=version_contract(options.talos_version),
            endpoint_list=control_planes,
        )
        bundle = ConfigBundle.generate(
            inp, options.patches, options.control_plane_patches, options.worker_patches
        )
        nodes = {}
        for node in state.nodes:
            base = bundle.control_plane if node.type == "controlplane" else bundle.worker
            patches = [hostname_patch(node.name)]
            if state.discovery:
                patches.append(discovery_patch(base, state.discovery))
            nodes[node.name] = apply(base, patches).bytes()
    except ConfigError as exc:
        raise ProvisionError(f"failed to generate config bundle: {exc}") from None
    talosconfig = bundle.talos_config
    context = talosconfig.get_context(state.name)
    context.nodes = [control_planes[0]]
    return ClusterConfigs(bundle, nodes, talosconfig)
