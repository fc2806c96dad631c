"""trustd's gRPC server: ``securityapi.SecurityService`` on TCP 50001 over TLS (Talos ``trustd/main.go``
and ``internal/reg``).

TLS presents the node's apid server certificate (from the OS CA) and asks for no client
certificate: callers are workers that do not have one yet. They authenticate with the machine token
(:mod:`.auth`), checked before the request is read. ``Certificate`` signs the CSR with the OS CA
(:mod:`.signing`) and answers ``{ca, crt}``: the issuing CA's certificate and the new certificate.

The CA and token are read on every call through :data:`SecretsSource` (Talos reads the
``OSRootSecrets`` resource per request too), so a config change needs no restart. Answers:

* token missing/wrong: ``Unauthenticated`` ``missing token``/``invalid token`` (as Talos);
* CSR malformed: ``InvalidArgument`` naming the problem (Talos lets the signing error through as
  ``Unknown``; a located, typed error is more useful and no client depends on ``Unknown``);
* no OS CA with its key yet (secrets not loaded, or this node is not a control plane):
  ``Unavailable``, so a worker retries;
* any other ``SecurityService`` method: ``Unimplemented`` (our proto has only ``Certificate``;
  grpclib answers unknown methods so).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.client import TRUSTD_PORT
from pytalos.api.gen.security import security_grpc, security_pb2
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .auth import check_token
from .signing import CSRError, sign_server_csr

log = logging.getLogger("pytalos.trustd")


@dataclass(frozen=True)
class TrustdSecrets:
    """What trustd signs with and checks against: the OS CA with its key, and the machine token."""

    issuing_ca: CertificateAndKey | None
    token: str


SecretsSource = Callable[[], Awaitable[TrustdSecrets]]


class SecurityService:
    """``securityapi.SecurityService`` (only ``Certificate``); see the module docstring."""

    def __init__(self, secrets: SecretsSource) -> None:
        self.secrets = secrets

    async def Certificate(self, stream: Stream[Any, Any]) -> None:
        current = await self.secrets()
        check_token(stream.metadata or {}, current.token)
        request = await stream.recv_message()
        assert request is not None
        if current.issuing_ca is None:
            raise GRPCError(
                Status.UNAVAILABLE, "trustd: the OS CA with its key is not available on this node"
            )
        try:
            crt = sign_server_csr(current.issuing_ca, bytes(request.csr))
        except CSRError as err:
            raise GRPCError(Status.INVALID_ARGUMENT, str(err)) from None
        peer = stream.peer.addr() if stream.peer is not None else None
        log.info("trustd: signed a certificate for %s", peer[0] if peer else "a caller")
        await stream.send_message(security_pb2.CertificateResponse(ca=current.issuing_ca.crt, crt=crt))


def trustd_server(
    secrets: SecretsSource, identity: CertificateAndKey, host: str = "0.0.0.0", port: int = TRUSTD_PORT
) -> ApiServer:
    """trustd on ``host:port`` presenting ``identity``, no client certificates asked for."""
    handler = partial_service(security_grpc.SecurityServiceBase, SecurityService(secrets))
    return ApiServer([handler], server_context(identity, None, require_client_cert=False), host, port)
