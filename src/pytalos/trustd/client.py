"""The worker's side of trustd: send one CSR to one control plane, get ``{ca, crt}`` back.

Talos's ``gen.RemoteGenerator``: TLS to ``endpoint:50001`` verifying trustd's certificate against the
CAs the worker trusts (``machine.ca.crt`` plus ``machine.acceptedCAs``; chain and IP/DNS SAN), no
client certificate, the machine token in metadata ``token``. Every failure is a :class:`TrustdError`
naming the endpoint and the cause (refused, TLS, timeout, gRPC status and message), because the
controller that calls this puts it in its pending reason as is.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass

from grpclib.client import Channel
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.client import TRUSTD_PORT
from pytalos.api.gen.security import security_grpc, security_pb2
from pytalos.api.tls import TLSConfigError, client_context

from .auth import TOKEN_METADATA

#: how long one signing call may take (connect, TLS, answer)
CALL_TIMEOUT = 10.0


class TrustdError(Exception):
    """A signing call failed; ``str()`` is ``trustd at HOST:PORT: cause``."""

    def __init__(self, endpoint: str, cause: str) -> None:
        super().__init__(f"trustd at {endpoint}: {cause}")
        self.endpoint, self.cause = endpoint, cause


@dataclass(frozen=True)
class SignedCertificate:
    """trustd's answer: the issuing CA's certificate and the signed certificate (both PEM)."""

    ca: bytes
    crt: bytes


def host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class TrustdClient:
    """:class:`~pytalos.machined.controllers.secrets.trustd_join.CertificateSigner` over the network."""

    def __init__(self, port: int = TRUSTD_PORT, timeout: float = CALL_TIMEOUT) -> None:
        self.port, self.timeout = port, timeout

    async def sign(self, endpoint: str, csr_pem: bytes, token: str, trusted_cas: bytes) -> SignedCertificate:
        where = host_port(endpoint, self.port)
        try:
            ctx = client_context(trusted_cas, None)
        except TLSConfigError as err:
            raise TrustdError(where, str(err)) from None
        channel = Channel(endpoint, self.port, ssl=ctx)
        try:
            reply = await security_grpc.SecurityServiceStub(channel).Certificate(
                security_pb2.CertificateRequest(csr=csr_pem),
                metadata={TOKEN_METADATA: token},
                timeout=self.timeout,
            )
        except GRPCError as err:
            raise TrustdError(where, f"{err.status.name}: {err.message}") from None
        except ssl.SSLError as err:
            raise TrustdError(where, f"TLS: {err.reason or err}") from None
        except TimeoutError:
            raise TrustdError(where, f"no answer within {self.timeout:g}s") from None
        except OSError as err:  # refused, unreachable, reset: the errno's text, not asyncio's wording
            raise TrustdError(where, os.strerror(err.errno) if err.errno else str(err)) from None
        except StreamTerminatedError as err:
            raise TrustdError(where, f"connection closed: {err}") from None
        finally:
            channel.close()
        return SignedCertificate(bytes(reply.ca), bytes(reply.crt))
