"""``DHCPv4Config`` and ``DHCPv6Config``: run a DHCP client on a link.

Both kinds share their fields (route metric, hostname handling, client identifier and raw DUID);
the DUID must be given exactly when the client identifier is ``duid``. Go keeps two structs whose
only difference is ``ignoreRoutes`` (DHCPv4 only, between the hostname and client-identifier keys),
so the shared leading fields live on a common base and the two trailing ones are declared by
factories, keeping each kind's YAML key order.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...document import Document, register
from ...schema import yfield
from ...validation.located import by_subject
from ..common.netaddr import HardwareAddr
from .enums import ClientIdentifier

_DUID = 2  # ClientIdentifier "duid"


def _client_identifier_field() -> Any:
    return yfield("clientIdentifier", omitempty=True, doc="Client identifier: none, mac (default) or duid.")


def _duid_raw_field() -> Any:
    return yfield(
        "duidRaw", omitempty=True, default_factory=HardwareAddr, doc="Raw DUID (hex bytes) for 'duid'."
    )


class DHCPConfigBase(Document):
    """The leading fields of both DHCP kinds and the validation they share."""

    name: str = yfield("name", doc="Name (or alias) of the link.")
    route_metric: int = yfield(
        "routeMetric", omitempty=True, doc="Metric of routes from DHCP (default 1024)."
    )
    ignore_hostname: bool | None = yfield(
        "ignoreHostname", omitempty=True, doc="Ignore the hostname offered by the server."
    )

    def validate_dhcp(
        self, client_id: ClientIdentifier | None, duid: HardwareAddr
    ) -> tuple[list[str], list[str]]:
        """(warnings, errors): the name is required, and ``duidRaw`` goes with a ``duid`` identifier."""
        errors = [] if self.name else ["name must be specified"]
        is_duid = client_id is not None and client_id.value == _DUID
        if duid.data and not is_duid:
            errors.append("duidRaw can only be set if clientIdentifier is 'duid'")
        if is_duid and not duid.data:
            errors.append("duidRaw must be set if clientIdentifier is 'duid'")
        return [], by_subject(errors, {"name": "name", "duidRaw": "duidRaw"})


@register
class DHCPv4ConfigV1Alpha1(DHCPConfigBase):
    """Runs a DHCPv4 client on the link ``name``."""

    KIND: ClassVar[str] = "DHCPv4Config"
    NAMED: ClassVar[bool] = True

    ignore_routes: bool | None = yfield(
        "ignoreRoutes", omitempty=True, doc="Ignore routes offered by the server."
    )
    client_identifier: ClientIdentifier | None = _client_identifier_field()
    duid_raw: HardwareAddr = _duid_raw_field()

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return self.validate_dhcp(self.client_identifier, self.duid_raw)


@register
class DHCPv6ConfigV1Alpha1(DHCPConfigBase):
    """Runs a DHCPv6 client on the link ``name``."""

    KIND: ClassVar[str] = "DHCPv6Config"
    NAMED: ClassVar[bool] = True

    client_identifier: ClientIdentifier | None = _client_identifier_field()
    duid_raw: HardwareAddr = _duid_raw_field()

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return self.validate_dhcp(self.client_identifier, self.duid_raw)
