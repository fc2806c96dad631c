"""``secrets.APIController``: apid's certificates, ``ApiCertificates/api``.

Control planes mint both locally from the OS CA (Talos ``controllers/secrets/api.go``):

* server: CN = FQDN, SANs = ``CertSANs/api`` (hostname, node addresses, ``machine.certSANs``),
  KeyUsage digitalSignature, ExtKeyUsage serverAuth;
* client: CN = FQDN, O = ``os:impersonator`` (apid forwards requests to other nodes with it),
  ExtKeyUsage clientAuth;

both valid one year (``x509.DefaultCertificateValidityDuration``) and re-issued whenever the SANs,
the CA or the time status change. Workers get their server certificate signed by trustd on a
control plane; trustd does not exist yet, so on workers the resource stays absent and
:attr:`APIController.pending_reason` says ``waiting for trustd``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from pytalos.machined.resources import secrets, time
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime
from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import CLIENT_AUTH, SERVER_AUTH, KeyUsage, issue_certificate

from .._common import MACHINE_TYPE_INPUT, get_spec, machine_type, put, remove

#: ``x509.DefaultCertificateValidityDuration`` (one year).
API_CERT_VALIDITY = timedelta(hours=24 * 365)
WAITING_FOR_TRUSTD = "waiting for trustd"


class APIController(Reconciler):
    name = "secrets.APIController"

    def __init__(self) -> None:
        self.pending_reason: str | None = None
        self._issued_for: tuple[object, ...] | None = None

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_TYPE_INPUT,
            Input(secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID, InputKind.WEAK),
            Input(secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID, InputKind.WEAK),
            # not read: being an input re-issues the certificates after a time sync or clock jump
            Input(time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(secrets.API_CERTIFICATES_TYPE)]

    async def _clear(self, rt: Runtime, reason: str | None) -> None:
        self.pending_reason = reason
        self._issued_for = None
        await remove(rt, secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        kind = await machine_type(rt)
        if kind == "unknown":
            await self._clear(rt, "waiting for the machine config")
            return
        if kind == "worker":
            if self.pending_reason != WAITING_FOR_TRUSTD:
                log.info("apid certificates on a worker: %s (no trustd yet)", WAITING_FOR_TRUSTD)
            await self._clear(rt, WAITING_FOR_TRUSTD)
            return
        root: secrets.OSRootSpec | None = await get_spec(
            rt, secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID
        )
        if root is None:
            await self._clear(rt, "waiting for the OS root secrets")
            return
        if root.issuing_ca is None:
            raise ValueError("apid certificates: the control plane config has no OS CA key (machine.ca.key)")
        sans: secrets.CertSANSpec | None = await get_spec(
            rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID
        )
        if sans is None:
            self.pending_reason = "waiting for the hostname and node addresses"
            return
        time_status = await get_spec(rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID)
        issued_for = (root.issuing_ca, root.accepted_cas, sans, time_status)
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
