"""The resource definitions: Talos's types, namespaces, aliases, sensitivity and YAML keys."""

from __future__ import annotations

import ipaddress

import pytest

from pytalos.machined.resources import NAMESPACES, all_definitions, default_registry, network, secrets
from pytalos.machined.resources._spec import encode
from pytalos.machinery.crypto.x509 import CertificateAndKey

pytestmark = pytest.mark.unit

# (alias as typed after `talosctl get`, type, namespace, sensitive) from spec §5.4 / Appendix B
CASES = [
    ("mc", "MachineConfigs.config.talos.dev", "config", True),
    ("machinetype", "MachineTypes.config.talos.dev", "config", False),
    ("hostname", "HostnameStatuses.net.talos.dev", "network", False),
    ("links", "LinkStatuses.net.talos.dev", "network", False),
    ("address", "AddressStatuses.net.talos.dev", "network", False),
    ("nodeaddresses", "NodeAddresses.net.talos.dev", "network", False),
    ("nodename", "Nodenames.kubernetes.talos.dev", "k8s", False),
    ("timestatus", "TimeStatuses.v1alpha1.talos.dev", "runtime", False),
    ("osrootsecret", "OSRootSecrets.secrets.talos.dev", "secrets", True),
    ("apicertificates", "ApiCertificates.secrets.talos.dev", "secrets", True),
    ("certsans", "CertSANs.secrets.talos.dev", "secrets", True),
    ("etcdspec", "EtcdSpecs.etcd.talos.dev", "etcd", False),
    ("svc", "Services.v1alpha1.talos.dev", "runtime", False),
    ("machinestatus", "MachineStatuses.runtime.talos.dev", "runtime", False),
    ("identities", "Identities.cluster.talos.dev", "cluster", False),
    ("affiliates", "Affiliates.cluster.talos.dev", "cluster", False),
    ("members", "Members.cluster.talos.dev", "cluster", False),
    ("info", "Infos.cluster.talos.dev", "cluster", False),
    ("version", "Versions.runtime.talos.dev", "runtime", False),
    ("rd", "ResourceDefinitions.meta.cosi.dev", "meta", False),
]


@pytest.mark.parametrize(("alias", "type", "namespace", "sensitive"), CASES)
def test_alias_resolves_to_talos_type(alias: str, type: str, namespace: str, sensitive: bool) -> None:
    d = default_registry().resolve(alias)
    assert (d.type, d.default_namespace, d.sensitive) == (type, namespace, sensitive)


def test_every_namespace_is_listed() -> None:
    assert {d.default_namespace for d in all_definitions()} == {name for name, _ in NAMESPACES}


def test_yaml_encoding_of_values() -> None:
    spec = network.AddressStatusSpec(
        address=ipaddress.ip_interface("fd00::1/64"), link_name="eth0", family="inet6"
    )
    out = encode(spec)
    assert out["address"] == "fd00::1/64" and "local" not in out and out["linkName"] == "eth0"
    api = secrets.APICertsSpec(
        accepted_cas=(secrets.PEMCertificate(b"CA"),), server=CertificateAndKey(b"C", b"K"), client=None
    )
    assert api.to_yaml() == {
        "acceptedCAs": [{"crt": "Q0E="}],
        "client": None,
        "server": {"crt": "Qw==", "key": "Sw=="},
    }
    assert spec.deep_copy() is spec
