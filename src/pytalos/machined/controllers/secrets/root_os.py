"""``secrets.RootOSController``: ``OSRootSecrets/os`` from the machine config.

As Talos's RootOSController: the OS CA is the issuing CA only where the config carries its key
(control planes; workers get the certificate alone), every accepted CA plus the OS CA certificate
goes to ``acceptedCAs``, ``machine.certSANs`` entries are split into IPs and DNS names, and the
join token is copied. No config, no resource.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence

from pytalos.machined.resources import secrets
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove


class RootOSController(Reconciler):
    name = "secrets.RootOSController"

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(secrets.OS_ROOT_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        if view is None or view.container.v1alpha1() is None:
            await remove(rt, secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID)
            return
        ca = view.os_ca
        accepted = [secrets.PEMCertificate(crt) for crt in view.accepted_cas]
        if ca is not None:
            accepted.append(secrets.PEMCertificate(ca.crt))
        ips: list[secrets.IP] = []
        names: list[str] = []
        for san in view.cert_sans:
            try:
                ips.append(ipaddress.ip_address(san))
            except ValueError:
                names.append(san)
        spec = secrets.OSRootSpec(
            issuing_ca=ca if ca is not None and ca.key else None,
            accepted_cas=tuple(accepted),
            cert_san_ips=tuple(ips),
            cert_san_dns_names=tuple(names),
            token=view.token,
        )
        await put(rt, secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID, spec)
