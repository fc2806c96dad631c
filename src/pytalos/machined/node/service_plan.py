"""Which services a config asks for, built as supervisor definitions (Talos ``StartAllServices``).

* ``machined``: always (the normal-mode Machine API on machined's unix socket);
* ``apid``: always, after ``machined`` (:mod:`pytalos.machined.services.apid`);
* ``trustd``: on control planes (``controlplane``/``init``), signing workers' certificates;
* ``etcd``: on control planes (``controlplane``/``init``) whose config has the etcd CA with its key;
* ``kubelet``: always (ends Skipped while no kubelet image is present, see
  :mod:`pytalos.machined.services.kubelet`).

containerd is started earlier, by the Initialize sequence, and is not part of this plan.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from pytalos.api.server import ApiServer
from pytalos.apid.server import Apid
from pytalos.machined.etcd.layout import CLIENT_PORT, PEER_PORT
from pytalos.machined.etcd.pki import IP, NodeIdentity
from pytalos.machined.server.unix import UnixApiServer
from pytalos.machined.services.apid import ApidService
from pytalos.machined.services.kubelet import KubeletService
from pytalos.machined.services.machined import MachinedService
from pytalos.machined.services.trustd import TrustdService
from pytalos.machined.system.conditions import Condition
from pytalos.machined.system.logs import ServiceLogs
from pytalos.machined.system.service import Service
from pytalos.machinery.config.container import Container
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .layout import NodeLayout

#: Talos's default kubelet image repository (``constants.KubeletImage``).
DEFAULT_KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet"


class NodeApiServers(Protocol):
    """The node's API servers (:class:`pytalos.machined.node.api.NodeApi`): a fresh, unstarted server
    per call, and the certificates condition apid and trustd wait for."""

    async def machined(self) -> UnixApiServer: ...

    async def apid(self) -> Apid: ...

    async def trustd(self) -> ApiServer: ...

    def certificates(self) -> Condition: ...


@dataclass(frozen=True)
class PlanInputs:
    layout: NodeLayout
    logs: ServiceLogs
    identity: NodeIdentity
    #: the node's API servers with the active config, called at each service start (not at plan time)
    make_api_server: Callable[[], NodeApiServers]
    api_probe_host: str = "127.0.0.1"
    etcd_client_port: int = CLIENT_PORT
    etcd_peer_port: int = PEER_PORT
    #: addresses of the other control planes known from ``Members`` (where a joining etcd looks)
    control_plane_peers: Callable[[], Awaitable[list[IP]]] | None = None


def machine_type(config: Container) -> str:
    v1 = config.v1alpha1()
    return str(getattr(getattr(v1, "machine_config", None), "machine_type", "") or "")


def etcd_ca(config: Container) -> CertificateAndKey | None:
    """The etcd CA with its key, ``None`` when the config has none (workers)."""
    v1 = config.v1alpha1()
    etcd = getattr(getattr(v1, "cluster_config", None), "etcd_config", None)
    ca = getattr(etcd, "root_ca", None)
    if ca is None or not ca.crt.data or not ca.key.data:
        return None
    return CertificateAndKey(ca.crt.data, ca.key.data)


def control_plane_endpoint(config: Container) -> str:
    """``KubeClusterConfig.endpoint`` or ``cluster.controlPlane.endpoint`` as a URL (``""`` when absent)."""
    doc = config.get("KubeClusterConfig")
    text = str(getattr(getattr(doc, "endpoint", None), "text", "") or "") if doc is not None else ""
    if text:
        return text
    cluster = getattr(config.v1alpha1(), "cluster_config", None)
    endpoint = getattr(getattr(cluster, "control_plane", None), "endpoint", None)
    return str(endpoint) if endpoint is not None else ""


def kubelet_image(config: Container) -> str:
    doc = config.get("KubeletConfig")
    image = getattr(doc, "image", "") if doc is not None else ""
    if not image:
        kubelet = getattr(getattr(config.v1alpha1(), "machine_config", None), "machine_kubelet", None)
        image = getattr(kubelet, "kubelet_image", "") or ""
    return str(image) or f"{DEFAULT_KUBELET_IMAGE}:latest"


def plan_services(config: Container, inputs: PlanInputs) -> list[Service]:
    api = inputs.make_api_server
    services: list[Service] = [
        MachinedService(lambda: api().machined(), inputs.logs.get("machined")),
        ApidService(lambda: api().apid(), inputs.logs.get("apid"), condition=lambda: api().certificates()),
    ]
    kind = machine_type(config)
    if kind in ("controlplane", "init"):
        services.append(
            TrustdService(
                lambda: api().trustd(),
                inputs.logs.get("trustd"),
                probe_host=inputs.api_probe_host,
                condition=lambda: api().certificates(),
            )
        )
    ca = etcd_ca(config)
    if kind in ("controlplane", "init") and ca is not None:
        # imported here: the etcd client pulls in grpcio (~20 MB), which workers never need
        from pytalos.machined.services.etcd import EtcdParams, EtcdService

        etcd = config.v1alpha1().cluster_config.etcd_config
        params = EtcdParams(
            machine_type=kind,
            etcd=etcd,
            ca=ca,
            identity=inputs.identity,
            client_port=inputs.etcd_client_port,
            peer_port=inputs.etcd_peer_port,
            endpoint=control_plane_endpoint(config),
            peers=inputs.control_plane_peers,
        )
        services.append(EtcdService(params, inputs.layout.etcd, inputs.logs.get("etcd")))
    services.append(KubeletService(kubelet_image(config), inputs.layout.containerd.address))
    return services
