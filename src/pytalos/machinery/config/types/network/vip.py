"""Virtual IPs: ``Layer2VIPConfig`` (announced with gratuitous ARP/NDP) and ``HCloudVIPConfig``.

Both are named by the VIP address itself and conflict with each other (one VIP, one mechanism).
Like Talos, the Hetzner Cloud API token is not treated as a redactable secret.
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ...validation.located import at, located


def _vip_name_errors(name: str) -> list[str]:
    if not name:
        return ["name must be specified"]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return [f'name must be a valid IP address: ParseAddr("{name}"): unable to parse IP']
    return []


@register
class Layer2VIPConfigV1Alpha1(Document):
    """A shared IP announced on ``link`` by one control plane node at a time."""

    KIND: ClassVar[str] = "Layer2VIPConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="The virtual IP address.")
    link: str = yfield("link", doc="Link (or alias) the VIP is assigned to.")

    def conflicts_with_kinds(self) -> list[str]:
        return ["HCloudVIPConfig"]

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = at("name", _vip_name_errors(self.name))
        if not self.link:
            errors.append(located("link must be specified", "link"))
        return [], errors


@register
class HCloudVIPConfigV1Alpha1(Document):
    """A shared IP moved between nodes through the Hetzner Cloud API."""

    KIND: ClassVar[str] = "HCloudVIPConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="The virtual IP address.")
    link: str = yfield("link", doc="Link (or alias) the VIP is assigned to.")
    api_token: str = yfield("apiToken", doc="Hetzner Cloud API token.")

    def conflicts_with_kinds(self) -> list[str]:
        return ["Layer2VIPConfig"]

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = at("name", _vip_name_errors(self.name))
        if not self.link:
            errors.append(located("link must be specified", "link"))
        if not self.api_token:
            errors.append(located("apiToken must be specified", "apiToken"))
        return [], errors
