"""``WireguardConfig``: a Wireguard link with its keys and peers.

The private key and peers' preshared keys are secrets: ``redact`` replaces them (as ``talosctl get
mc`` output does) while public keys stay visible. Keys are validated as base64 of 32 bytes.
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration
from ...document import register
from ...schema import Struct, yfield
from ...validation.located import located
from ..common.gobase64 import go_base64_decode
from ..common.netaddr import AddrPort, Prefix
from .link import CommonLinkConfig, LinkDocument, link_validation


class WireguardPeer(Struct):
    """Go ``WireguardPeer``."""

    public_key: str = yfield("publicKey", omitempty=True, doc="Peer public key (base64).")
    preshared_key: str = yfield("presharedKey", omitempty=True, doc="Optional preshared key (base64).")
    endpoint: AddrPort = yfield(
        "endpoint", omitempty=True, default_factory=AddrPort, doc="Peer endpoint as ip:port."
    )
    persistent_keepalive_interval: Duration = yfield(
        "persistentKeepaliveInterval", omitempty=True, default_factory=Duration, doc="Keepalive interval."
    )
    allowed_ips: list[Prefix] = yfield("allowedIPs", omitempty=True, doc="Prefixes routed to this peer.")

    def redact(self, replacement: str) -> None:
        if self.preshared_key:
            self.preshared_key = replacement


def wireguard_key_error(key: str) -> str | None:
    """Why ``key`` is not a Wireguard key (standard base64 of 32 bytes), or None."""
    raw, err = go_base64_decode(key)
    if err is not None:
        return err
    if len(raw) != 32:
        return "invalid wireguard key length"
    return None


@register
class WireguardConfigV1Alpha1(LinkDocument):
    """Creates a Wireguard link."""

    KIND: ClassVar[str] = "WireguardConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the Wireguard link.")
    private_key: str = yfield("privateKey", omitempty=True, doc="Private key (base64, `wg genkey`).")
    listen_port: int = yfield("listenPort", omitempty=True, doc="UDP listen port (random if unset).")
    firewall_mark: int = yfield("firewallMark", omitempty=True, doc="Firewall mark for outgoing packets.")
    peers: list[WireguardPeer] = yfield("peers", omitempty=True, doc="Peers of this device.")
    common: CommonLinkConfig = yfield("", inline=True)

    def redact(self, replacement: str) -> None:
        """Replace the private key and every preshared key with ``replacement``."""
        if self.private_key:
            self.private_key = replacement
        for peer in self.peers:
            peer.redact(replacement)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.private_key:
            errors.append(located("wireguard private key must be specified", "privateKey"))
        elif (err := wireguard_key_error(self.private_key)) is not None:
            errors.append(located(f"wireguard private key is invalid: {err}", "privateKey"))
        if not 0 <= self.listen_port <= 65535:
            errors.append(located("wireguard listen port must be between 0 and 65535", "listenPort"))
        for i, peer in enumerate(self.peers):
            if not peer.public_key:
                errors.append(
                    located(
                        f"wireguard peer public key must be specified (peer index {i})",
                        f"peers[{i}].publicKey",
                    )
                )
            elif (err := wireguard_key_error(peer.public_key)) is not None:
                errors.append(
                    located(
                        f"wireguard peer public key is invalid (peer index {i}): {err}",
                        f"peers[{i}].publicKey",
                    )
                )
            if peer.preshared_key and (err := wireguard_key_error(peer.preshared_key)) is not None:
                errors.append(
                    located(
                        f"wireguard peer preshared key is invalid (peer index {i}): {err}",
                        f"peers[{i}].presharedKey",
                    )
                )
            if peer.persistent_keepalive_interval.nanoseconds < 0:
                errors.append(
                    located(
                        f"wireguard peer persistent keepalive interval cannot be negative (peer index {i})",
                        f"peers[{i}].persistentKeepaliveInterval",
                    )
                )
        return link_validation(self.name, self.common, errors)
