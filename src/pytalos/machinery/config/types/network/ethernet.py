"""``EthernetConfig``: ethtool-style settings of an Ethernet link (features, rings, channels, WoL).

Feature names are driver specific, so they stay a free-form map (written with sorted keys); ring
and channel sizes are optional numbers left untouched when unset.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ...validation.located import located
from .enums import WOLMode


class EthernetRingsConfig(Struct):
    """Ring sizes (``ethtool -G``)."""

    rx: int | None = yfield("rx", omitempty=True, doc="RX ring size.")
    tx: int | None = yfield("tx", omitempty=True, doc="TX ring size.")
    rx_mini: int | None = yfield("rx-mini", omitempty=True, doc="RX mini ring size.")
    rx_jumbo: int | None = yfield("rx-jumbo", omitempty=True, doc="RX jumbo ring size.")
    rx_buf_len: int | None = yfield("rx-buf-len", omitempty=True, doc="RX buffer length.")
    cqe_size: int | None = yfield("cqe-size", omitempty=True, doc="Completion queue entry size.")
    tx_push: bool | None = yfield("tx-push", omitempty=True, doc="TX push.")
    rx_push: bool | None = yfield("rx-push", omitempty=True, doc="RX push.")
    tx_push_buf_len: int | None = yfield("tx-push-buf-len", omitempty=True, doc="TX push buffer length.")
    tcp_data_split: bool | None = yfield("tcp-data-split", omitempty=True, doc="TCP data split.")


class EthernetChannelsConfig(Struct):
    """Channel counts (``ethtool -L``)."""

    rx: int | None = yfield("rx", omitempty=True, doc="RX channels.")
    tx: int | None = yfield("tx", omitempty=True, doc="TX channels.")
    other: int | None = yfield("other", omitempty=True, doc="Other channels.")
    combined: int | None = yfield("combined", omitempty=True, doc="Combined channels.")


@register
class EthernetConfigV1Alpha1(Document):
    """Ethernet settings of the link ``name``."""

    KIND: ClassVar[str] = "EthernetConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the link.")
    features: dict[str, bool] = yfield("features", omitempty=True, doc="Feature name to enabled/disabled.")
    rings: EthernetRingsConfig | None = yfield("rings", omitempty=True, doc="Ring sizes.")
    channels: EthernetChannelsConfig | None = yfield("channels", omitempty=True, doc="Channel counts.")
    wake_on_lan: list[WOLMode] = yfield(
        "wakeOnLan", omitempty=True, doc="Wake-on-LAN modes to enable (empty list disables)."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], [] if self.name else [located("name is required", "name")]
