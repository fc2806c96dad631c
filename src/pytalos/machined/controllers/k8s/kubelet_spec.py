"""``k8s.KubeletSpecController``: ``KubeletSpecs/kubelet``, what the kubelet service would run.

From ``KubeletConfigs/kubelet``, the node name (``Nodenames/nodename``), the machine type and the
node's routed addresses (first IPv4 and IPv6 within the configured subnets, Talos's ``NodeIP``): the
image, the command line (:func:`~pytalos.machinery.kubernetes.kubelet.kubelet_args`) and the
``KubeletConfiguration`` with Talos's defaults (``protectKernelDefaults`` off in container mode, as
Talos). The configuration is also written to ``etc/kubernetes/kubelet.yaml`` below the node root
(atomically), where ``--config`` points. ``extraArgs``/``extraConfig`` overriding a field Talos
manages fails the reconcile naming every such field.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pytalos.machined.resources import k8s, k8s_pods, network
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime
from pytalos.machinery.kubernetes import k8syaml
from pytalos.machinery.kubernetes.kubelet import (
    KubeletConfigError,
    kubelet_args,
    kubelet_configuration,
    pick_node_ips,
)

from .._common import MACHINE_TYPE_INPUT, machine_type, put, remove
from ._files import write_files

CONFIG_FILE = "etc/kubernetes/kubelet.yaml"


class KubeletSpecController(Reconciler):
    name = "k8s.KubeletSpecController"

    def __init__(self, root: Path | None = None, mode: str = "metal") -> None:
        self.root = root
        self.mode = mode
        self._written: bytes | None = None

    def inputs(self) -> Sequence[Input]:
        weak = InputKind.WEAK
        return [
            Input(k8s_pods.NAMESPACE, k8s_pods.KUBELET_CONFIG_TYPE, k8s_pods.KUBELET_ID, weak),
            Input(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, weak),
            Input(network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID, weak),
            MACHINE_TYPE_INPUT,
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_pods.KUBELET_SPEC_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        cfg = await rt.get_or_none(
            Pointer(k8s_pods.NAMESPACE, k8s_pods.KUBELET_CONFIG_TYPE, k8s_pods.KUBELET_ID)
        )
        nodename = await rt.get_or_none(Pointer(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID))
        target = (k8s_pods.NAMESPACE, k8s_pods.KUBELET_SPEC_TYPE, k8s_pods.KUBELET_ID)
        if cfg is None or nodename is None:
            await remove(rt, *target)
            return
        settings: k8s_pods.KubeletConfigSpec = cfg.spec
        node_ips: list[str] = []
        if "node-ip" not in settings.extra_args:
            addresses = await rt.get_or_none(
                Pointer(network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID)
            )
            if addresses is None:
                return  # Talos waits for the NodeIP resource
            node_ips = pick_node_ips([str(a) for a in addresses.spec.addresses], settings.valid_subnets)
        kind = await machine_type(rt)
        if kind == "unknown":
            return
        name = nodename.spec.nodename
        try:
            args = kubelet_args(settings, name, node_ips)
            configuration = kubelet_configuration(settings, kind, container_mode=self.mode == "container")
        except (KubeletConfigError, ValueError) as err:
            raise ValueError(f"kubelet spec: {err}") from None
        spec = k8s_pods.KubeletSpecSpec(
            image=settings.image,
            args=tuple(args),
            expected_nodename="" if "hostname-override" in settings.extra_args else name,
            config=configuration,
        )
        await put(rt, *target, spec)
        rendered = k8syaml.marshal(configuration).encode()
        if self.root is not None and rendered != self._written:
            await write_files(self.root, {CONFIG_FILE: (rendered, 0o644)})
            self._written = rendered
