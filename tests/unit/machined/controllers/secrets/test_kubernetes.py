"""The Kubernetes PKI controllers (root secrets, cert SANs, dynamic certs, kubeconfigs) together."""

from __future__ import annotations

import base64
import ipaddress
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.x509.oid import NameOID

from pytalos.machined.controllers.secrets.api_cert_sans import APICertSANsController
from pytalos.machined.controllers.secrets.kubernetes import KubernetesController
from pytalos.machined.controllers.secrets.kubernetes_cert_sans import KubernetesCertSANsController
from pytalos.machined.controllers.secrets.kubernetes_dynamic_certs import KubernetesDynamicCertsController
from pytalos.machined.controllers.secrets.root_kubernetes import RootKubernetesController
from pytalos.machined.controllers.secrets.root_os import RootOSController
from pytalos.machined.resources import k8s_secrets, secrets, time
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machinery.crypto.x509 import parse_certificate

from .._helpers import failure_of, generated, harness, hostname, machine_config, machine_type, node_addresses

pytestmark = pytest.mark.unit

IP = ipaddress.ip_address


def _synced(synced: bool = True) -> Resource[Any]:
    return Resource.new(
        time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, time.TimeStatusSpec(synced)
    )


def _controllers() -> list[Any]:
    return [
        RootKubernetesController(),
        KubernetesCertSANsController(),
        KubernetesDynamicCertsController(),
        KubernetesController(),
        # the API SANs share the CertSANs type: both controllers must be able to run together
        RootOSController(),
        APICertSANsController(),
    ]


async def _inputs(h: Any, kind: str = "controlplane") -> None:
    await h.create(machine_config(generated(kind)))
    await h.create(machine_type(kind))
    await h.create(hostname("cp-1", "example.org"))
    await h.create(node_addresses("accumulative", "10.5.0.2/24"))


def test_control_plane_pki() -> None:
    async def body() -> None:
        async with harness(*_controllers()) as h:
            await _inputs(h)
            root = (
                await h.assert_resource(k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID)
            ).spec
            assert isinstance(root, k8s_secrets.KubernetesRootSpec)
            assert (root.name, root.endpoint, root.dns_domain) == (
                "demo",
                "https://10.5.0.2:6443",
                "cluster.local",
            )
            assert root.local_endpoint == "https://127.0.0.1:7445"
            assert root.api_server_ips == (IP("10.96.0.1"),)
            assert root.issuing_ca is not None and root.aggregator_ca is not None
            assert root.service_account is not None and root.bootstrap_token_id
            assert list(root.to_yaml())[:3] == ["name", "endpoint", "local_endpoint"]

            sans = (await h.assert_resource(secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID)).spec
            assert sans.ips == (IP("10.5.0.2"), IP("10.96.0.1"), IP("127.0.0.1"))
            assert "kubernetes.default.svc.cluster.local" in sans.dns_names
            assert {"cp-1", "cp-1.example.org", "localhost"} <= set(sans.dns_names)
            await h.assert_resource(secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID)

            # no certificates before the clock is synced
            await h.create(_synced(False))
            await h.assert_no_resource(
                k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE,
                k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID,
                timeout=0.3,
            )

            def synced(r: Resource[Any]) -> None:
                r.spec = time.TimeStatusSpec(True)

            await h.modify(h.pointer(time.TIME_STATUS_TYPE, time.TIME_STATUS_ID), synced)
            dyn = (
                await h.assert_resource(
                    k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID
                )
            ).spec
            ca = parse_certificate(root.issuing_ca.crt)
            api = dyn.api_server.certificate()
            api.verify_directly_issued_by(ca)
            san = api.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            assert san.get_values_for_type(x509.IPAddress) == list(sans.ips)
            dyn.api_server_kubelet_client.certificate().verify_directly_issued_by(ca)
            dyn.front_proxy.certificate().verify_directly_issued_by(parse_certificate(root.aggregator_ca.crt))

            k8s = (await h.assert_resource(k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID)).spec
            cm = yaml.safe_load(k8s.controller_manager_kubeconfig)
            assert cm["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:7445"
            admin = yaml.safe_load(k8s.admin_kubeconfig)
            assert admin["clusters"][0]["cluster"]["server"] == "https://10.5.0.2:6443"
            crt = parse_certificate(base64.b64decode(admin["users"][0]["user"]["client-certificate-data"]))
            crt.verify_directly_issued_by(ca)
            assert crt.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "talos:admin"
            local = yaml.safe_load(k8s.localhost_admin_kubeconfig)
            assert local["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:7445"

            # a new address re-issues the serving certificate with it
            def more(r: Resource[Any]) -> None:
                r.spec = node_addresses("accumulative", "10.5.0.2/24", "10.5.0.9/24").spec

            await h.modify(h.pointer("NodeAddresses.net.talos.dev", "accumulative"), more)

            def has_new_ip(r: Resource[Any]) -> bool:
                cert = r.spec.api_server.certificate()
                ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                return IP("10.5.0.9") in ext.get_values_for_type(x509.IPAddress)

            await h.assert_resource(
                k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID, has_new_ip
            )

    run(body())


def test_worker_has_no_kubernetes_secrets() -> None:
    async def body() -> None:
        async with harness(*_controllers()) as h:
            await _inputs(h, "worker")
            await h.create(_synced())
            await h.assert_resource(secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID)
            for type_, id_ in (
                (k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID),
                (secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID),
                (k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID),
                (k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID),
            ):
                await h.assert_no_resource(type_, id_, timeout=0.3)

    run(body())


def test_switch_to_worker_tears_everything_down() -> None:
    async def body() -> None:
        async with harness(*_controllers()) as h:
            await _inputs(h)
            await h.create(_synced())
            await h.assert_resource(k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID)

            def worker(r: Resource[Any]) -> None:
                r.spec = machine_config(generated("worker")).spec

            await h.modify(h.pointer("MachineConfigs.config.talos.dev", "v1alpha1"), worker)
            await h.assert_no_resource(k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID)
            await h.assert_no_resource(secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID)
            await h.assert_no_resource(
                k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID
            )
            await h.assert_no_resource(k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID)

    run(body())


def test_missing_aggregator_ca_fails_with_the_field() -> None:
    async def body() -> None:
        text = generated("controlplane")
        start = text.index(b"kind: KubeAggregatorCAConfig")
        doc_start = text.rindex(b"\n---\n", 0, start) + 1
        doc_end = text.index(b"\n---\n", start) + 1
        async with harness(RootKubernetesController()) as h:
            await h.create(machine_config(text[:doc_start] + text[doc_end:]))
            err = await failure_of(h, "secrets.RootKubernetesController")
            assert "missing cluster.aggregatorCA secret" in err

    run(body())


def test_kubernetes_secrets_are_sensitive() -> None:
    from .._helpers import REGISTRY

    for type_ in (
        k8s_secrets.KUBERNETES_ROOT_TYPE,
        k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE,
        k8s_secrets.KUBERNETES_TYPE,
    ):
        definition = REGISTRY.find(type_)
        assert definition is not None and definition.sensitive and definition.default_namespace == "secrets"
