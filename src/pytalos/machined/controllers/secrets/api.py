"""``secrets.APIController``: apid's certificates, ``ApiCertificates/api``.

Control planes mint both locally from the OS CA (Talos ``controllers/secrets/api.go``):

* server: CN = FQDN, SANs = ``CertSANs/api`` (hostname, node addresses, ``machine.certSANs``),
  KeyUsage digitalSignature, ExtKeyUsage serverAuth;
* client: CN = FQDN, O = ``os:impersonator`` (apid forwards requests to other nodes with it),
  ExtKeyUsage clientAuth;

both valid one year (``x509.DefaultCertificateValidityDuration``) and re-issued whenever the SANs,
the CA or the time status change.

Workers have no OS CA key: they generate a key and CSR for the same names and ask trustd on a
control plane to sign it with the machine token (:mod:`.trustd_join`: which endpoints, the check
of the answer). They get a server certificate only, **no** client certificate, so a worker's apid
cannot forward requests (as in Talos). While no trustd answers, the controller retries with an
exponential back-off (:data:`RETRY_INITIAL` doubling up to :data:`RETRY_MAX`, or at once when an
input changes) and :attr:`APIController.pending_reason` says which endpoints failed and why
(``waiting for trustd: trustd at 10.5.0.2:50001: Connection refused (retrying in 4s)``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from pytalos.machined.resources import cluster, secrets, time
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime
from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import CLIENT_AUTH, SERVER_AUTH, KeyUsage, issue_certificate

from .._common import (
    MACHINE_CONFIG_INPUT,
    MACHINE_TYPE_INPUT,
    TIME_STATUS_INPUT,
    config_view,
    get_spec,
    machine_type,
    put,
    remove,
)
from .trustd_join import (
    CertificateSigner,
    JoinError,
    members_of,
    request_server_certificate,
    trustd_endpoints,
)

#: ``x509.DefaultCertificateValidityDuration`` (one year).
API_CERT_VALIDITY = timedelta(hours=24 * 365)
#: the prefix of a worker's pending reason while trustd has not signed its certificate
WAITING_FOR_TRUSTD = "waiting for trustd"
#: first retry delay after every trustd endpoint failed, doubled per failure up to RETRY_MAX
RETRY_INITIAL = 1.0
RETRY_MAX = 30.0


class APIController(Reconciler):
    name = "secrets.APIController"

    def __init__(
        self,
        signer: CertificateSigner | None = None,
        *,
        retry_initial: float = RETRY_INITIAL,
        retry_max: float = RETRY_MAX,
    ) -> None:
        self.pending_reason: str | None = None
        self._issued_for: tuple[object, ...] | None = None
        self._signer = signer
        self._retry_initial, self._retry_max = retry_initial, retry_max
        self._failures = 0
        self._retry: asyncio.TimerHandle | None = None
        self._logged_failure = ""

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_TYPE_INPUT,
            Input(secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID, InputKind.WEAK),
            Input(secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID, InputKind.WEAK),
            # not read: being an input re-issues the certificates after a time sync or clock jump
            TIME_STATUS_INPUT,
            # workers: the cluster endpoint and the control-plane members are where trustd runs
            MACHINE_CONFIG_INPUT,
            Input(cluster.NAMESPACE, cluster.MEMBER_TYPE, None, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(secrets.API_CERTIFICATES_TYPE)]

    @property
    def signer(self) -> CertificateSigner:
        if self._signer is None:
            from pytalos.trustd.client import TrustdClient

            self._signer = TrustdClient()
        return self._signer

    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    async def _clear(self, rt: Runtime, reason: str | None) -> None:
        self._cancel_retry()
        self.pending_reason = reason
        self._issued_for = None
        await remove(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        self._cancel_retry()
        kind = await machine_type(rt)
        if kind == "unknown":
            await self._clear(rt, "waiting for the machine config")
            return
        root: secrets.OSRootSpec | None = await get_spec(
            rt, secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID
        )
        if root is None:
            await self._clear(rt, "waiting for the OS root secrets")
            return
        sans: secrets.CertSANSpec | None = await get_spec(
            rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID
        )
        if kind == "worker":
            await self._worker(rt, log, root, sans)
            return
        if root.issuing_ca is None:
            raise ValueError("apid certificates: the control plane config has no OS CA key (machine.ca.key)")
        if sans is None:
            self.pending_reason = "waiting for the hostname and node addresses"
            return
        time_status = await get_spec(rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID)
        issued_for = ("controlplane", root.issuing_ca, root.accepted_cas, sans, time_status)
        current = await get_spec(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
        if current is not None and issued_for == self._issued_for:
            return
        server = issue_certificate(
            root.issuing_ca,
            common_name=sans.fqdn,
            dns_names=sans.dns_names,
            ip_addresses=sans.ips,
            validity=API_CERT_VALIDITY,
            key_usage=KeyUsage.DIGITAL_SIGNATURE,
            ext_key_usage=(SERVER_AUTH,),
        )
        client = issue_certificate(
            root.issuing_ca,
            common_name=sans.fqdn,
            organizations=(role.IMPERSONATOR,),
            validity=API_CERT_VALIDITY,
            key_usage=KeyUsage.DIGITAL_SIGNATURE,
            ext_key_usage=(CLIENT_AUTH,),
        )
        spec = secrets.APICertsSpec(accepted_cas=root.accepted_cas, client=client, server=server)
        await put(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID, spec)
        self._issued_for = issued_for
        self.pending_reason = None
        log.info(
            "issued apid certificates for %s (%d IPs, %d names)",
            sans.fqdn,
            len(sans.ips),
            len(sans.dns_names),
        )

    async def _worker(
        self, rt: Runtime, log: logging.Logger, root: secrets.OSRootSpec, sans: secrets.CertSANSpec | None
    ) -> None:
        """The worker path: a trustd-signed server certificate, no client certificate."""
        if sans is None:
            self.pending_reason = "waiting for the hostname and node addresses"
            return
        time_status = await get_spec(rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID)
        issued_for = ("worker", root.accepted_cas, root.token, sans, time_status)
        current = await get_spec(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
        if current is not None and issued_for == self._issued_for:
            return
        view = await config_view(rt)
        members = members_of(await rt.list(cluster.NAMESPACE, cluster.MEMBER_TYPE))
        endpoints = trustd_endpoints(view.container if view is not None else None, members)
        if not endpoints:
            self._failed(
                rt,
                log,
                "no endpoint: cluster.controlPlane.endpoint has no host and no control-plane member is known",
            )
            return
        try:
            server, endpoint = await request_server_certificate(self.signer, endpoints, root, sans)
        except JoinError as err:
            self._failed(rt, log, str(err))
            return
        spec = secrets.APICertsSpec(accepted_cas=root.accepted_cas, client=None, server=server)
        await put(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID, spec)
        self._issued_for = issued_for
        self._failures, self._logged_failure = 0, ""
        self.pending_reason = None
        log.info(
            "apid server certificate for %s signed by trustd at %s (no client certificate)",
            sans.fqdn,
            endpoint,
        )

    def _failed(self, rt: Runtime, log: logging.Logger, why: str) -> None:
        """Record why no certificate came back and schedule the next attempt."""
        delay = min(self._retry_max, self._retry_initial * 2**self._failures)
        self._failures += 1
        self.pending_reason = f"{WAITING_FOR_TRUSTD}: {why} (retrying in {delay:g}s)"
        if why != self._logged_failure:
            log.warning("apid certificates on a worker: %s", self.pending_reason)
            self._logged_failure = why
        self._retry = asyncio.get_running_loop().call_later(delay, rt.queue_reconcile)
