"""Which services a config asks for, built as supervisor definitions (Talos ``StartAllServices``).

* ``machined``: always (the normal-mode Machine API);
* ``etcd``: on control planes (``controlplane``/``init``) whose config has the etcd CA with its key;
* ``kubelet``: always (ends Skipped while no kubelet image is present, see
  :mod:`pytalos.machined.services.kubelet`).

containerd is started earlier, by the Initialize sequence, and is not part of this plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytalos.api.server import ApiServer
from pytalos.machined.etcd.layout import CLIENT_PORT, PEER_PORT
from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.services.kubelet import KubeletService
from pytalos.machined.services.machined import MachinedService
from pytalos.machined.system.logs import ServiceLogs
from pytalos.machined.system.service import Service
from pytalos.machinery.config.container import Container
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .layout import NodeLayout

#: Talos's default kubelet image repository (``constants.KubeletImage``).
DEFAULT_KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet"


@dataclass(frozen=True)
class PlanInputs:
    layout: NodeLayout
    logs: ServiceLogs
    identity: NodeIdentity
    make_api_server: Callable[[], ApiServer]
    api_probe_host: str = "127.0.0.1"
    etcd_client_port: int = CLIENT_PORT
    etcd_peer_port: int = PEER_PORT


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


def kubelet_image(config: Container) -> str:
    doc = config.get("KubeletConfig")
    image = getattr(doc, "image", "") if doc is not None else ""
    if not image:
        kubelet = getattr(getattr(config.v1alpha1(), "machine_config", None), "machine_kubelet", None)
        image = getattr(kubelet, "kubelet_image", "") or ""
    return str(image) or f"{DEFAULT_KUBELET_IMAGE}:latest"


def plan_services(config: Container, inputs: PlanInputs) -> list[Service]:
    services: list[Service] = [
        MachinedService(inputs.make_api_server, inputs.api_probe_host, inputs.logs.get("machined"))
    ]
    kind = machine_type(config)
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
        )
        services.append(EtcdService(params, inputs.layout.etcd, inputs.logs.get("etcd")))
    services.append(KubeletService(kubelet_image(config), inputs.layout.containerd.address))
    return services
