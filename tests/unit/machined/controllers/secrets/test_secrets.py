"""secrets.RootOSController, APICertSANsController and APIController from generated configs."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machined.controllers.secrets.api import WAITING_FOR_TRUSTD, APIController
from pytalos.machined.controllers.secrets.api_cert_sans import APICertSANsController
from pytalos.machined.controllers.secrets.root_os import RootOSController
from pytalos.machined.resources import secrets
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machinery.config.loader import load
from pytalos.trustd.client import SignedCertificate, TrustdError

from .._helpers import failure_of, generated, harness, hostname, machine_config, machine_type, node_addresses

pytestmark = pytest.mark.unit

IP = ipaddress.ip_address


def _with_cert_sans(kind: str) -> bytes:
    return generated(kind).replace(
        b"certSANs: []", b"certSANs:\n        - 10.0.0.10\n        - node1.example.org"
    )


def _os_ca(kind: str) -> bytes:
    return bytes(load(generated(kind)).v1alpha1().machine_config.machine_ca.crt.data)


def test_root_os_secrets_control_plane_and_worker() -> None:
    async def body() -> None:
        async with harness(RootOSController()) as h:
            await h.assert_no_resource(secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID)
            cfg = machine_config(_with_cert_sans("controlplane"))
            await h.create(cfg)
            res = await h.assert_resource(secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID)
            spec: secrets.OSRootSpec = res.spec
            assert spec.issuing_ca is not None and spec.issuing_ca.key
            assert spec.accepted_cas == (secrets.PEMCertificate(_os_ca("controlplane")),)
            assert spec.cert_san_ips == (IP("10.0.0.10"),)
            assert spec.cert_san_dns_names == ("node1.example.org",)
            assert spec.token
            assert list(spec.to_yaml()) == [
                "issuingCA",
                "acceptedCAs",
                "certSANIPs",
                "certSANDNSNames",
                "token",
            ]

            def worker(r: Resource[Any]) -> None:
                r.spec = machine_config(generated("worker")).spec

            await h.modify(cfg.pointer, worker)
            res = await h.assert_resource(
                secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID, lambda r: r.spec.issuing_ca is None
            )
            assert res.spec.accepted_cas == (secrets.PEMCertificate(_os_ca("worker")),)

    run(body())


class _NoTrustd:
    """A signer for which no trustd answers (the worker's path is tested in test_api_worker.py)."""

    async def sign(self, endpoint: str, csr_pem: bytes, token: str, trusted_cas: bytes) -> SignedCertificate:
        raise TrustdError(f"{endpoint}:50001", "Connection refused")


def _api_controllers() -> tuple[RootOSController, APICertSANsController, APIController]:
    return RootOSController(), APICertSANsController(), APIController(_NoTrustd())


def test_control_plane_mints_server_and_client_certificates() -> None:
    async def body() -> None:
        root, sans, api = _api_controllers()
        async with harness(root, sans, api) as h:
            await h.create(machine_config(_with_cert_sans("controlplane")))
            await h.create(machine_type("controlplane"))
            await h.create(hostname("cp-1", "example.org"))
            await h.create(node_addresses("accumulative", "10.5.0.2/24", "fd00::2/64"))
            san = await h.assert_resource(secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID)
            assert san.spec.to_yaml() == {
                "ips": ["10.0.0.10", "10.5.0.2", "fd00::2"],
                "dnsNames": ["cp-1", "cp-1.example.org", "node1.example.org"],
                "fqdn": "cp-1.example.org",
            }
            res = await h.assert_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
            spec: secrets.APICertsSpec = res.spec
            assert spec.server is not None and spec.client is not None
            ca = x509.load_pem_x509_certificate(_os_ca("controlplane"))

            server = spec.server.certificate()
            server.verify_directly_issued_by(ca)
            assert server.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "cp-1.example.org"
            alt = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            assert set(alt.get_values_for_type(x509.DNSName)) == {
                "cp-1",
                "cp-1.example.org",
                "node1.example.org",
            }
            assert set(alt.get_values_for_type(x509.IPAddress)) == {
                IP("10.0.0.10"),
                IP("10.5.0.2"),
                IP("fd00::2"),
            }
            assert list(server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
                ExtendedKeyUsageOID.SERVER_AUTH
            ]

            client = spec.client.certificate()
            client.verify_directly_issued_by(ca)
            orgs = [a.value for a in client.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
            assert orgs == ["os:impersonator"]
            assert list(client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
                ExtendedKeyUsageOID.CLIENT_AUTH
            ]
            assert api.pending_reason is None

            # a new address re-issues the server certificate
            old_serial = server.serial_number

            def more(r: Resource[Any]) -> None:
                r.spec = node_addresses("accumulative", "10.5.0.2/24", "10.5.0.3/24").spec

            await h.modify(h.pointer("NodeAddresses.net.talos.dev", "accumulative"), more)
            res = await h.assert_resource(
                secrets.API_CERTIFICATES_TYPE,
                secrets.API_ID,
                lambda r: r.spec.server.certificate().serial_number != old_serial,
            )
            alt = (
                res.spec.server.certificate()
                .extensions.get_extension_for_class(x509.SubjectAlternativeName)
                .value
            )
            assert IP("10.5.0.3") in alt.get_values_for_type(x509.IPAddress)

    run(body())


def test_worker_waits_for_trustd() -> None:
    async def body() -> None:
        root, sans, api = _api_controllers()
        async with harness(root, sans, api) as h:
            await h.create(machine_config(generated("worker")))
            await h.create(machine_type("worker"))
            await h.create(hostname("w-1"))
            await h.create(node_addresses("accumulative", "10.5.0.3/24"))
            await h.assert_resource(secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID)
            await h.assert_no_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
            for _ in range(200):
                if api.pending_reason and api.pending_reason.startswith(WAITING_FOR_TRUSTD):
                    break
                await asyncio.sleep(0.01)
            assert api.pending_reason is not None and api.pending_reason.startswith(WAITING_FOR_TRUSTD)
            assert "trustd at 10.5.0.2:50001: Connection refused" in api.pending_reason

    run(body())


def test_control_plane_without_ca_key_fails_with_reason() -> None:
    async def body() -> None:
        # a worker config claiming to be a control plane: the OS CA has no key
        text = generated("worker").replace(b"type: worker", b"type: controlplane")
        root, sans, api = _api_controllers()
        async with harness(root, sans, api) as h:
            await h.create(machine_config(text))
            await h.create(machine_type("controlplane"))
            error = await failure_of(h, APIController.name)
            assert "no OS CA key (machine.ca.key)" in error
            await h.assert_no_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)

    run(body())
