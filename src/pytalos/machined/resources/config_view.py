"""Read-only questions controllers ask of a machine config (Talos's ``config.Config`` provider).

A Talos config answers the same question from the legacy v1alpha1 document or from a newer
multi-document kind (the hostname from ``machine.network.hostname`` or ``HostnameConfig``, the
cluster id from ``cluster.id`` or ``DiscoveryIdentityConfig`` ...). Controllers use this view so
each rule lives in one place and a config generated for any version contract reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig
from pytalos.machinery.crypto.x509 import CertificateAndKey

_AUTO_HOSTNAME_STABLE = 2


@dataclass(frozen=True)
class ConfigView:
    """Accessors over one config container (the v1alpha1 document may be absent)."""

    container: Container

    @property
    def _v1(self) -> Any:
        return self.container.v1alpha1()

    @property
    def _machine(self) -> Any:
        v1 = self._v1
        return v1.machine_config if v1 is not None else None

    @property
    def _cluster(self) -> Any:
        v1 = self._v1
        return v1.cluster_config if v1 is not None else None

    def _doc(self, kind: str) -> Any:
        return self.container.get(kind)

    # machine -----------------------------------------------------------------------------------

    @property
    def machine_type(self) -> str:
        machine = self._machine
        return (machine.machine_type if machine is not None else "") or "unknown"

    @property
    def hostname(self) -> str:
        """The static hostname (possibly an FQDN), ``""`` when none is configured."""
        doc = self._doc("HostnameConfig")
        if doc is not None and doc.hostname:
            return str(doc.hostname)
        machine = self._machine
        network = machine.machine_network if machine is not None else None
        return str(network.network_hostname) if network is not None and network.network_hostname else ""

    @property
    def stable_hostname(self) -> bool:
        """``HostnameConfig.auto: stable`` or the legacy ``machine.features.stableHostname``."""
        doc = self._doc("HostnameConfig")
        if doc is not None and doc.auto is not None:
            return bool(doc.auto.value == _AUTO_HOSTNAME_STABLE)
        machine = self._machine
        features = machine.machine_features if machine is not None else None
        return bool(features is not None and features.stable_hostname)

    @property
    def time_sync_disabled(self) -> bool:
        doc = self._doc("TimeSyncConfig")
        if doc is not None:
            return doc.enabled is False
        machine = self._machine
        time = machine.machine_time if machine is not None else None
        return bool(time is not None and time.time_disabled)

    @property
    def register_with_fqdn(self) -> bool:
        doc = self._doc("KubeNodeConfig")
        if doc is not None:
            return bool(doc.register_with_fqdn)
        kubelet = self._machine.machine_kubelet if self._machine is not None else None
        return bool(kubelet is not None and kubelet.kubelet_register_with_fqdn)

    @property
    def skip_node_registration(self) -> bool:
        doc = self._doc("KubeNodeConfig")
        if doc is not None:
            return bool(doc.skip_node_registration)
        kubelet = self._machine.machine_kubelet if self._machine is not None else None
        return bool(kubelet is not None and kubelet.kubelet_skip_node_registration)

    # security (OS CA, token, certSANs) ---------------------------------------------------------

    @property
    def os_ca(self) -> CertificateAndKey | None:
        """``machine.ca``: the key is empty on workers (they only get the certificate)."""
        machine = self._machine
        ca = machine.machine_ca if machine is not None else None
        if ca is None or not ca.crt.data:
            return None
        return CertificateAndKey(ca.crt.data, ca.key.data)

    @property
    def accepted_cas(self) -> list[bytes]:
        machine = self._machine
        return [c.crt.data for c in machine.machine_accepted_cas] if machine is not None else []

    @property
    def token(self) -> str:
        machine = self._machine
        return str(machine.machine_token) if machine is not None else ""

    @property
    def cert_sans(self) -> list[str]:
        machine = self._machine
        return list(machine.machine_cert_sans) if machine is not None else []

    # cluster -----------------------------------------------------------------------------------

    @property
    def cluster_id(self) -> str:
        doc = self._doc("DiscoveryIdentityConfig")
        if doc is not None and doc.cluster_id:
            return str(doc.cluster_id)
        cluster = self._cluster
        return str(cluster.cluster_id) if cluster is not None and cluster.cluster_id else ""

    @property
    def cluster_name(self) -> str:
        doc = self._doc("KubeClusterConfig")
        if doc is not None and doc.cluster_name:
            return str(doc.cluster_name)
        cluster = self._cluster
        return str(cluster.cluster_name) if cluster is not None and cluster.cluster_name else ""

    @property
    def discovery_enabled(self) -> bool:
        if self._doc("DiscoveryServiceConfig") is not None:
            return True
        cluster = self._cluster
        discovery = cluster.cluster_discovery_config if cluster is not None else None
        return bool(discovery is not None and discovery.discovery_enabled)

    @property
    def etcd(self) -> EtcdConfig:
        cluster = self._cluster
        etcd = cluster.etcd_config if cluster is not None else None
        return etcd if isinstance(etcd, EtcdConfig) else EtcdConfig()
