"""``DHCPv4Config`` and ``DHCPv6Config``: run a DHCP client on a link.

Both kinds share their fields (route metric, hostname handling, client identifier and raw DUID);
the DUID must be given exactly when the client identifier is ``duid``.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ...validation.located import by_subject
from ..common.netaddr import HardwareAddr
from .enums import ClientIdentifier

_DUID = 2  # ClientIdentifier "duid"


def _validate_dhcp(name: str, client_id: ClientIdentifier | None, duid: HardwareAddr) -> list[str]:
    errors = [] if name else ["name must be specified"]
    is_duid = client_id is not None and client_id.value == _DUID
    if duid.data and not is_duid:
        errors.append("duidRaw can only be set if clientIdentifier is 'duid'")
    if is_duid and not duid.data:
        errors.append("duidRaw must be set if clientIdentifier is 'duid'")
    return errors


@register
class DHCPv4ConfigV1Alpha1(Document):
    """Runs a DHCPv4 client on the link ``name``."""

    KIND: ClassVar[str] = "DHCPv4Config"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name (or alias) of the link.")
    route_metric: int = yfield(
        "routeMetric", omitempty=True, doc="Metric of routes from DHCP (default 1024)."
    )
    ignore_hostname: bool | None = yfield(
        "ignoreHostname", omitempty=True, doc="Ignore the hostname offered by the server."
    )
    ignore_routes: bool | None = yfield(
        "ignoreRoutes", omitempty=True, doc="Ignore routes offered by the server."
    )
    client_identifier: ClientIdentifier | None = yfield(
        "clientIdentifier", omitempty=True, doc="Client identifier: none, mac (default) or duid."
    )
    duid_raw: HardwareAddr = yfield(
        "duidRaw", omitempty=True, default_factory=HardwareAddr, doc="Raw DUID (hex bytes) for 'duid'."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], by_subject(
            _validate_dhcp(self.name, self.client_identifier, self.duid_raw),
            {"name": "name", "duidRaw": "duidRaw"},
        )


@register
class DHCPv6ConfigV1Alpha1(Document):
    """Runs a DHCPv6 client on the link ``name``."""

    KIND: ClassVar[str] = "DHCPv6Config"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name (or alias) of the link.")
    route_metric: int = yfield(
        "routeMetric", omitempty=True, doc="Metric of routes from DHCP (default 1024)."
    )
    ignore_hostname: bool | None = yfield(
        "ignoreHostname", omitempty=True, doc="Ignore the hostname offered by the server."
    )
    client_identifier: ClientIdentifier | None = yfield(
        "clientIdentifier", omitempty=True, doc="Client identifier: none, mac (default) or duid."
    )
    duid_raw: HardwareAddr = yfield(
        "duidRaw", omitempty=True, default_factory=HardwareAddr, doc="Raw DUID (hex bytes) for 'duid'."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], by_subject(
            _validate_dhcp(self.name, self.client_identifier, self.duid_raw),
            {"name": "name", "duidRaw": "duidRaw"},
        )
