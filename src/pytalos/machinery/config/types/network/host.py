"""Host identity and name resolution: ``HostnameConfig``, ``ResolverConfig``, ``StaticHostConfig``.

These replace ``machine.network.hostname``/``nameservers``/``searchDomains``/``extraHostEntries``
of the v1alpha1 document (and ``machine.features.hostDNS``); generated configs contain the first
two, so they must round-trip exactly.
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, is_zero, yfield
from ...validation.located import located
from ..common.netaddr import Addr
from .enums import AutoHostnameKind, DNSProtocol

_AUTO_OFF, _AUTO_STABLE = 0, 2


@register
class HostnameConfigV1Alpha1(Document):
    """Sets a static hostname or chooses how one is generated."""

    KIND: ClassVar[str] = "HostnameConfig"

    auto: AutoHostnameKind | None = yfield("auto", omitempty=True, doc="Automatic hostname: stable or off.")
    hostname: str = yfield("hostname", omitempty=True, doc="Static hostname (conflicts with auto).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        auto = self.auto.value if self.auto is not None else _AUTO_OFF
        if self.auto is None and not self.hostname:
            errors.append(located("either 'auto' or 'hostname' must be set", "hostname"))
        if auto != _AUTO_OFF and self.hostname:
            errors.append(located("'auto' and 'hostname' cannot be set at the same time", "hostname"))
        if auto not in (_AUTO_OFF, _AUTO_STABLE):
            errors.append(located(f"invalid value for 'auto': {self.auto}", "auto"))
        if self.hostname:
            if len(self.hostname) > 253:
                errors.append(located(f"fqdn is too long: {len(self.hostname)}", "hostname"))
            host = self.hostname.split(".", 1)[0]
            if not host or len(host) > 63:
                errors.append(located(f'invalid hostname "{host}"', "hostname"))
        return [], errors


class NameserverConfig(Struct):
    address: Addr = yfield("address", default_factory=Addr, doc="Nameserver IP address.")
    protocol: DNSProtocol = yfield(
        "protocol", omitempty=True, default_factory=DNSProtocol, doc="Do53 (default), DoT or DoH."
    )
    tls_server_name: str = yfield("tlsServerName", omitempty=True, doc="TLS name for DoT/DoH.")


class SearchDomainsConfig(Struct):
    domains: list[str] = yfield("domains", omitempty=True, doc="Search domains for resolv.conf.")
    disable_default: bool | None = yfield(
        "disableDefault", omitempty=True, doc="Do not derive a search domain from the FQDN."
    )


class HostDNSConfig(Struct):
    enabled: bool | None = yfield("enabled", omitempty=True, doc="Run the host DNS caching resolver.")
    forward_kube_dns_to_host: bool | None = yfield(
        "forwardKubeDNSToHost", omitempty=True, doc="Use host DNS as CoreDNS upstream."
    )
    resolve_member_names: bool | None = yfield(
        "resolveMemberNames", omitempty=True, doc="Resolve cluster member names via host DNS."
    )


_ALL_ENCRYPTED_WARNING = (
    "all configured nameservers use encrypted DNS (DoT or DoH): validating certificates requires a correct "
    "system clock, so boot may stall when NTP servers are configured by hostname; consider keeping at least "
    "one plain-DNS fallback or configuring NTP servers by IP address"
)


@register
class ResolverConfigV1Alpha1(Document):
    """Nameservers, search domains and the host DNS resolver."""

    KIND: ClassVar[str] = "ResolverConfig"

    nameservers: list[NameserverConfig] = yfield("nameservers", omitempty=True, doc="DNS servers to use.")
    search_domains: SearchDomainsConfig = yfield("searchDomains", omitempty=True, doc="Search domains.")
    host_dns: HostDNSConfig = yfield("hostDNS", omitempty=True, doc="Host DNS caching resolver.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings: list[str] = []
        errors: list[str] = []
        if not is_zero(self.host_dns) and not self.host_dns.enabled:
            if self.host_dns.forward_kube_dns_to_host:
                errors.append(
                    located(
                        "hostDNS.forwardKubeDNSToHost cannot be enabled when hostDNS.enabled is false",
                        "hostDNS.forwardKubeDNSToHost",
                    )
                )
            if self.host_dns.resolve_member_names:
                errors.append(
                    located(
                        "hostDNS.resolveMemberNames cannot be enabled when hostDNS.enabled is false",
                        "hostDNS.resolveMemberNames",
                    )
                )
        encrypted = 0
        for idx, ns in enumerate(self.nameservers):
            proto = str(ns.protocol)
            if proto in ("DoT", "DoH"):
                encrypted += 1
                if not ns.tls_server_name:
                    errors.append(
                        located(
                            f"tlsServerName must be set when protocol is {proto}: entry {idx}",
                            f"nameservers[{idx}]",
                        )
                    )
            elif proto == "Do53":
                if ns.tls_server_name:
                    errors.append(
                        located(
                            f"tlsServerName must be empty when protocol is Do53: entry {idx}",
                            f"nameservers[{idx}].tlsServerName",
                        )
                    )
            else:
                errors.append(
                    located(f"unsupported DNS protocol: entry {idx}", f"nameservers[{idx}].protocol")
                )
            if not ns.address.is_valid():
                errors.append(
                    located(
                        f"nameserver address must be a valid IP: entry {idx}", f"nameservers[{idx}].address"
                    )
                )
        if encrypted and encrypted == len(self.nameservers):
            warnings.append(located(_ALL_ENCRYPTED_WARNING, "nameservers"))
        return warnings, errors


@register
class StaticHostConfigV1Alpha1(Document):
    """An ``/etc/hosts`` entry: the IP address ``name`` maps to ``hostnames``."""

    KIND: ClassVar[str] = "StaticHostConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="IP address the hostnames resolve to.")
    hostnames: list[str] = yfield("hostnames", doc="Hostnames for the address.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = [] if self.name else [located("name is required", "name")]
        try:
            ipaddress.ip_address(self.name)
        except ValueError:
            errors.append(located("name must be a valid IP address", "name"))
        if not self.hostnames:
            errors.append(located("at least one hostname is required", "hostnames"))
        return [], errors
