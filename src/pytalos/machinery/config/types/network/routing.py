"""Routing documents that are not tied to a link: ``BlackholeRouteConfig`` and ``RoutingRuleConfig``.

A blackhole route is named by its destination prefix; a policy routing rule is named by its
priority (a number written as a string, e.g. ``name: "1000"``), which must avoid the priorities
the kernel and KubeSpan reserve.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ...validation.located import at, by_subject
from ..common.netaddr import Prefix, parse_prefix
from .enums import RoutingRuleAction, RoutingTable

# local, KubeSpan, main, default (Talos constants)
RESERVED_RULE_PRIORITIES = (0, 32500, 32766, 32767)


@register
class BlackholeRouteConfigV1Alpha1(Document):
    """A route that silently drops traffic to ``name`` (a prefix)."""

    KIND: ClassVar[str] = "BlackholeRouteConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Destination prefix of the blackhole route.")
    metric: int = yfield("metric", omitempty=True, doc="Route metric.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [] if self.name else ["name must be specified"]
        try:
            parse_prefix(self.name)
        except ValueError as exc:
            errors.append(f"name must be a valid address prefix: {exc}")
        return [], at("name", errors)


@register
class RoutingRuleConfigV1Alpha1(Document):
    """A Linux policy routing rule; ``name`` is its priority."""

    KIND: ClassVar[str] = "RoutingRuleConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Rule priority (1-32765, unique).")
    src: Prefix = yfield("src", omitempty=True, default_factory=Prefix, doc="Source prefix to match.")
    dst: Prefix = yfield("dst", omitempty=True, default_factory=Prefix, doc="Destination prefix to match.")
    table: RoutingTable = yfield("table", default_factory=RoutingTable, doc="Routing table to look up.")
    action: RoutingRuleAction = yfield(
        "action", omitempty=True, default_factory=RoutingRuleAction, doc="Rule action (default unicast)."
    )
    iif_name: str = yfield("iifName", omitempty=True, doc="Match packets arriving on this link.")
    oif_name: str = yfield("oifName", omitempty=True, doc="Match packets leaving via this link.")
    fw_mark: int = yfield("fwMark", omitempty=True, doc="Firewall mark to match.")
    fw_mask: int = yfield("fwMask", omitempty=True, doc="Mask applied to the firewall mark.")

    @property
    def priority(self) -> int:
        """The priority parsed from ``name`` (0 when it is not a number)."""
        return int(self.name) if re.fullmatch(r"[0-9]+", self.name) and int(self.name) < 2**32 else 0

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [] if self.name else ["name must be specified"]
        if not re.fullmatch(r"[0-9]+", self.name):
            errors.append(
                "invalid name: must be priority parsable unsigned integer: "
                f'strconv.ParseUint: parsing "{self.name}": invalid syntax'
            )
        elif int(self.name) >= 2**32:
            errors.append(
                "invalid name: must be priority parsable unsigned integer: "
                f'strconv.ParseUint: parsing "{self.name}": value out of range'
            )
        if self.priority in RESERVED_RULE_PRIORITIES:
            reserved = " ".join(str(p) for p in RESERVED_RULE_PRIORITIES)
            errors.append(
                f"priority must be between 1 and 32765 (excluding reserved priorities [{reserved}])"
            )
        if self.table.value == 0 and self.action.value in (0, 1):
            errors.append("either table or a non-unicast action must be specified")
        if self.fw_mask and not self.fw_mark:
            errors.append("fwMask requires fwMark to be set")
        return [], by_subject(
            errors,
            {
                "invalid name": "name",
                "name": "name",
                "priority": "name",
                "either table": "table",
                "fwMask": "fwMask",
            },
        )
