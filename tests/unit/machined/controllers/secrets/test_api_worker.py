"""secrets.APIController on a worker: a trustd-signed server certificate and no client certificate.

The network call is replaced by a fake :class:`CertificateSigner` that signs with the control plane's
OS CA exactly as trustd does (:func:`pytalos.trustd.signing.sign_server_csr`), or fails the way the
real client fails (:class:`TrustdError` naming the endpoint).
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.machined.controllers.secrets.api import WAITING_FOR_TRUSTD, APIController
from pytalos.machined.controllers.secrets.api_cert_sans import APICertSANsController
from pytalos.machined.controllers.secrets.root_os import RootOSController
from pytalos.machined.controllers.secrets.trustd_join import trustd_endpoints
from pytalos.machined.resources import cluster, secrets
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run
from pytalos.machinery.config.loader import load
from pytalos.machinery.crypto.x509 import CertificateAndKey, new_self_signed_ca
from pytalos.trustd.client import SignedCertificate, TrustdError
from pytalos.trustd.signing import sign_server_csr

from .._helpers import generated, harness, hostname, machine_config, machine_type, node_addresses

pytestmark = pytest.mark.unit

IP = ipaddress.ip_address


def _os_ca() -> CertificateAndKey:
    ca = load(generated("controlplane")).v1alpha1().machine_config.machine_ca
    return CertificateAndKey(ca.crt.data, ca.key.data)


def _token() -> str:
    return str(load(generated("worker")).v1alpha1().machine_config.machine_token)


@dataclass
class FakeTrustd:
    """Signs like trustd for the endpoints in ``answering``; refuses the others."""

    ca: CertificateAndKey
    answering: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    async def sign(self, endpoint: str, csr_pem: bytes, token: str, trusted_cas: bytes) -> SignedCertificate:
        self.calls.append(endpoint)
        self.tokens.append(token)
        if endpoint not in self.answering:
            raise TrustdError(f"{endpoint}:50001", "Connection refused")
        assert self.ca.crt in trusted_cas  # the worker verifies trustd against machine.ca.crt
        return SignedCertificate(self.ca.crt, sign_server_csr(self.ca, csr_pem))


async def _until(what: str, check: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{what}: not within {timeout}s")


async def _worker_inputs(h: object) -> None:
    await h.create(machine_config(generated("worker")))  # type: ignore[attr-defined]
    await h.create(machine_type("worker"))  # type: ignore[attr-defined]
    await h.create(hostname("w-1", "example.org"))  # type: ignore[attr-defined]
    await h.create(node_addresses("accumulative", "10.5.0.3/24"))  # type: ignore[attr-defined]


def test_worker_gets_a_trustd_signed_server_certificate_and_no_client_certificate() -> None:
    trustd = FakeTrustd(_os_ca(), answering={"10.5.0.2"})
    api = APIController(trustd)

    async def body() -> None:
        async with harness(RootOSController(), APICertSANsController(), api) as h:
            await _worker_inputs(h)
            res = await h.assert_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
            spec: secrets.APICertsSpec = res.spec
            assert spec.client is None
            assert spec.server is not None
            server = spec.server.certificate()
            server.verify_directly_issued_by(x509.load_pem_x509_certificate(_os_ca().crt))
            assert server.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "w-1.example.org"
            alt = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            assert set(alt.get_values_for_type(x509.DNSName)) == {"w-1", "w-1.example.org"}
            assert alt.get_values_for_type(x509.IPAddress) == [IP("10.5.0.3")]
            assert list(server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
                ExtendedKeyUsageOID.SERVER_AUTH
            ]
            assert server.public_key() == spec.server.private_key().public_key()
            assert secrets.PEMCertificate(_os_ca().crt) in spec.accepted_cas
            assert api.pending_reason is None
            # the cluster endpoint of the generated config (https://10.5.0.2:6443), with the token
            assert trustd.calls == ["10.5.0.2"] and trustd.tokens == [_token()]

    run(body())


def test_worker_retries_with_the_failing_endpoint_in_its_reason_until_trustd_answers() -> None:
    trustd = FakeTrustd(_os_ca())
    api = APIController(trustd, retry_initial=0.05, retry_max=0.2)

    async def body() -> None:
        async with harness(RootOSController(), APICertSANsController(), api) as h:
            await _worker_inputs(h)
            await _until("a pending reason", lambda: bool(api.pending_reason))
            assert api.pending_reason is not None
            assert api.pending_reason.startswith(
                f"{WAITING_FOR_TRUSTD}: trustd at 10.5.0.2:50001: Connection refused (retrying in "
            )
            await _until("three attempts (back-off retries)", lambda: len(trustd.calls) >= 3)
            await h.assert_no_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)

            trustd.answering.add("10.5.0.2")  # trustd comes up: the next retry succeeds
            await h.assert_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
            assert api.pending_reason is None

    run(body())


def test_worker_tries_control_plane_members_after_the_endpoint() -> None:
    trustd = FakeTrustd(_os_ca(), answering={"10.5.0.7"})
    api = APIController(trustd, retry_initial=0.05)
    member = cluster.MemberSpec(
        node_id="cp-2", addresses=(IP("10.5.0.7"),), hostname="cp-2", machine_type="controlplane"
    )
    other = cluster.MemberSpec(
        node_id="w-9", addresses=(IP("10.5.0.9"),), hostname="w-9", machine_type="worker"
    )

    async def body() -> None:
        async with harness(RootOSController(), APICertSANsController(), api) as h:
            await h.create(Resource.new(cluster.NAMESPACE, cluster.MEMBER_TYPE, "cp-2", member))
            await h.create(Resource.new(cluster.NAMESPACE, cluster.MEMBER_TYPE, "w-9", other))
            await _worker_inputs(h)
            await h.assert_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
            assert trustd.calls[:2] == ["10.5.0.2", "10.5.0.7"]  # endpoint refused, member answered
            assert "10.5.0.9" not in trustd.calls

    run(body())


@dataclass
class ForeignTrustd:
    """A server answering with a certificate from a CA the worker does not trust."""

    ca: CertificateAndKey = field(default_factory=lambda: new_self_signed_ca(organizations=["talos"]))

    async def sign(self, endpoint: str, csr_pem: bytes, token: str, trusted_cas: bytes) -> SignedCertificate:
        return SignedCertificate(self.ca.crt, sign_server_csr(self.ca, csr_pem))


def test_worker_rejects_a_certificate_from_a_foreign_ca() -> None:
    api = APIController(ForeignTrustd(), retry_initial=0.05)

    async def body() -> None:
        async with harness(RootOSController(), APICertSANsController(), api) as h:
            await _worker_inputs(h)
            await _until("a pending reason", lambda: bool(api.pending_reason))
            assert api.pending_reason is not None
            assert "trustd at 10.5.0.2: the certificate (issuer" in api.pending_reason
            assert "does not chain to machine.ca.crt" in api.pending_reason
            await h.assert_no_resource(secrets.API_CERTIFICATES_TYPE, secrets.API_ID)

    run(body())


def test_trustd_endpoints_order_and_sources() -> None:
    worker = load(generated("worker"))
    cp = cluster.MemberSpec(addresses=(IP("10.5.0.2"), IP("10.5.0.4")), machine_type="controlplane")
    init = cluster.MemberSpec(addresses=(IP("fd00::5"),), machine_type="init")
    w = cluster.MemberSpec(addresses=(IP("10.5.0.9"),), machine_type="worker")
    assert trustd_endpoints(worker, [cp, w, init]) == ["10.5.0.2", "10.5.0.4", "fd00::5"]
    assert trustd_endpoints(None, [cp]) == ["10.5.0.2", "10.5.0.4"]
    named = load(generated("worker").replace(b"https://10.5.0.2:6443", b"https://cp.example.org:6443"))
    assert trustd_endpoints(named, []) == ["cp.example.org"]
