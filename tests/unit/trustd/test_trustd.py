"""trustd: CSR signing rules, the token check, and the server and client over real TLS on loopback."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from multidict import MultiDict

from pytalos.api.gen.security import security_grpc, security_pb2
from pytalos.api.tls import client_context
from pytalos.machinery.crypto import x509
from pytalos.trustd.auth import check_token
from pytalos.trustd.client import TrustdClient, TrustdError
from pytalos.trustd.server import TrustdSecrets, trustd_server
from pytalos.trustd.signing import SIGNED_VALIDITY, CSRError, sign_server_csr

pytestmark = pytest.mark.unit

TOKEN = "abcdef.0123456789abcdef"
CA = x509.new_self_signed_ca(organizations=["talos"])
SERVER = x509.issue_certificate(CA, ip_addresses=["127.0.0.1"], ext_key_usage=[x509.SERVER_AUTH])


def _csr(**kw: object) -> tuple[ed25519.Ed25519PrivateKey, bytes]:
    key = ed25519.Ed25519PrivateKey.generate()
    return key, x509.create_csr(key, **kw)  # type: ignore[arg-type]


def test_signed_certificate_is_a_server_certificate_with_the_csr_names() -> None:
    _, csr = _csr(
        common_name="w-1.example.org", dns_names=["w-1", "w-1.example.org"], ip_addresses=["10.5.0.3"]
    )
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    crt = cx509.load_pem_x509_certificate(sign_server_csr(CA, csr, now=now))
    crt.verify_directly_issued_by(CA.certificate())
    assert crt.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "w-1.example.org"
    alt = crt.extensions.get_extension_for_class(cx509.SubjectAlternativeName).value
    assert alt.get_values_for_type(cx509.DNSName) == ["w-1", "w-1.example.org"]
    assert alt.get_values_for_type(cx509.IPAddress) == [ipaddress.ip_address("10.5.0.3")]
    assert list(crt.extensions.get_extension_for_class(cx509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.SERVER_AUTH
    ]
    usage = crt.extensions.get_extension_for_class(cx509.KeyUsage).value
    assert usage.digital_signature and not usage.key_cert_sign
    assert not any(isinstance(e.value, cx509.BasicConstraints) and e.value.ca for e in crt.extensions)
    assert crt.not_valid_before_utc == now
    assert crt.not_valid_after_utc - crt.not_valid_before_utc == SIGNED_VALIDITY == timedelta(days=365)


@pytest.mark.parametrize(
    ("csr", "problem"),
    [
        (b"", "empty certificate signing request"),
        (b"hello", "not PEM encoded"),
        (SERVER.crt, "PEM block is 'CERTIFICATE', expected 'CERTIFICATE REQUEST'"),
        (x509.pem_encode("CERTIFICATE REQUEST", b"\x30\x03\x02\x01\x00"), "failed to parse CSR"),
    ],
)
def test_malformed_csr_is_named(csr: bytes, problem: str) -> None:
    with pytest.raises(CSRError, match=problem):
        sign_server_csr(CA, csr)


def test_tampered_csr_signature_is_refused() -> None:
    _, csr = _csr(common_name="a")
    block = x509.pem_decode(csr)
    assert block is not None
    der = bytearray(block[1])
    der[-1] ^= 0xFF  # flip a bit of the signature
    with pytest.raises(CSRError, match="failed verifying CSR signature"):
        sign_server_csr(CA, x509.pem_encode("CERTIFICATE REQUEST", bytes(der)))


def test_token_check_answers_like_talos() -> None:
    check_token(MultiDict([("token", TOKEN)]), TOKEN)
    for metadata, message in ((MultiDict(), "missing token"), (MultiDict([("token", "x")]), "invalid token")):
        with pytest.raises(GRPCError) as err:
            check_token(metadata, TOKEN)
        assert (err.value.status, err.value.message) == (Status.UNAUTHENTICATED, message)
    # the first value counts, as Talos's md["token"][0]
    with pytest.raises(GRPCError, match="invalid token"):
        check_token(MultiDict([("token", "x"), ("token", TOKEN)]), TOKEN)


async def _secrets() -> TrustdSecrets:
    return TrustdSecrets(CA, TOKEN)


async def _call(port: int, csr: bytes, metadata: dict[str, str]) -> security_pb2.CertificateResponse:
    channel = Channel("127.0.0.1", port, ssl=client_context(CA.crt, None))
    try:
        reply: security_pb2.CertificateResponse = await security_grpc.SecurityServiceStub(
            channel
        ).Certificate(security_pb2.CertificateRequest(csr=csr), metadata=metadata, timeout=10)
        return reply
    finally:
        channel.close()


def test_server_signs_with_the_token_and_refuses_without() -> None:
    key, csr = _csr(common_name="w-1", ip_addresses=["10.5.0.3"])

    async def scenario() -> None:
        async with trustd_server(_secrets, SERVER, "127.0.0.1", 0) as server:
            reply = await _call(server.port, csr, {"token": TOKEN})
            assert reply.ca == CA.crt
            crt = cx509.load_pem_x509_certificate(reply.crt)
            crt.verify_directly_issued_by(CA.certificate())
            assert crt.public_key() == key.public_key()

            for metadata, message in (({}, "missing token"), ({"token": "wrong"}, "invalid token")):
                with pytest.raises(GRPCError) as err:
                    await _call(server.port, csr, metadata)
                assert (err.value.status, err.value.message) == (Status.UNAUTHENTICATED, message)
            # the token is checked first: a bad CSR with a bad token is still Unauthenticated
            with pytest.raises(GRPCError) as err:
                await _call(server.port, b"junk", {"token": "wrong"})
            assert err.value.status is Status.UNAUTHENTICATED

            with pytest.raises(GRPCError) as err:
                await _call(server.port, b"junk", {"token": TOKEN})
            assert err.value.status is Status.INVALID_ARGUMENT
            assert err.value.message == "csr: not PEM encoded (expected a CERTIFICATE REQUEST block)"

    asyncio.run(scenario())


def test_server_without_the_ca_key_is_unavailable() -> None:
    _, csr = _csr(common_name="w-1")

    async def no_key() -> TrustdSecrets:
        return TrustdSecrets(None, TOKEN)

    async def scenario() -> None:
        async with trustd_server(no_key, SERVER, "127.0.0.1", 0) as server:
            with pytest.raises(GRPCError) as err:
                await _call(server.port, csr, {"token": TOKEN})
            assert err.value.status is Status.UNAVAILABLE

    asyncio.run(scenario())


def test_client_signs_and_names_the_endpoint_on_failure() -> None:
    _, csr = _csr(common_name="w-1")
    foreign = x509.new_self_signed_ca(organizations=["talos"])

    async def scenario() -> None:
        async with trustd_server(_secrets, SERVER, "127.0.0.1", 0) as server:
            client = TrustdClient(port=server.port)
            signed = await client.sign("127.0.0.1", csr, TOKEN, CA.crt)
            assert signed.ca == CA.crt
            cx509.load_pem_x509_certificate(signed.crt).verify_directly_issued_by(CA.certificate())

            with pytest.raises(TrustdError) as err:
                await client.sign("127.0.0.1", csr, "wrong", CA.crt)
            assert str(err.value) == f"trustd at 127.0.0.1:{server.port}: UNAUTHENTICATED: invalid token"

            with pytest.raises(TrustdError) as err:  # trustd's certificate is not from a CA we trust
                await client.sign("127.0.0.1", csr, TOKEN, foreign.crt)
            assert str(err.value).startswith(f"trustd at 127.0.0.1:{server.port}: TLS: ")
            port = server.port
        with pytest.raises(TrustdError) as err:
            await TrustdClient(port=port, timeout=5).sign("127.0.0.1", csr, TOKEN, CA.crt)
        assert str(err.value).startswith(f"trustd at 127.0.0.1:{port}: ")
        assert "refused" in str(err.value).lower()

    asyncio.run(scenario())
