"""Host firewall documents: ``NetworkDefaultActionConfig`` and ``NetworkRuleConfig``.

The default action (accept/block) applies to ingress traffic no rule matches; each rule opens a set
of ports/protocol to source subnets. A patch to a rule replaces its port list and ingress list
rather than appending (Talos tags both ``merge:"replace"``), so a patch can narrow a rule.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ...validation.located import located
from ..common.netaddr import Prefix
from .enums import DefaultAction, Protocol
from .port_range import PortRange, validate_port_ranges


@register
class DefaultActionConfigV1Alpha1(Document):
    """The firewall's default action for ingress traffic."""

    KIND: ClassVar[str] = "NetworkDefaultActionConfig"

    ingress: DefaultAction = yfield(
        "ingress", default_factory=DefaultAction, doc="Default ingress action: accept or block."
    )


class RulePortSelector(Struct):
    ports: list[PortRange] = yfield(
        "ports", merge="replace", doc="Ports or inclusive port ranges (e.g. 53, 8000-9000)."
    )
    protocol: Protocol = yfield("protocol", default_factory=Protocol, doc="tcp, udp, icmp or icmpv6.")


class IngressRule(Struct):
    subnet: Prefix = yfield("subnet", default_factory=Prefix, doc="Source subnet allowed in.")
    except_: Prefix = yfield(
        "except", omitempty=True, default_factory=Prefix, doc="Subnet excluded from the source subnet."
    )


@register
class RuleConfigV1Alpha1(Document):
    """A firewall rule: which sources may reach which host ports."""

    KIND: ClassVar[str] = "NetworkRuleConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the rule.")
    port_selector: RulePortSelector = yfield("portSelector", doc="Ports and protocol the rule opens.")
    ingress: list[IngressRule] = yfield("ingress", merge="replace", doc="Source subnets allowed in.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        # Talos stops at the first problem here
        if not self.name:
            return [], [located("name is required", "name")]
        if not self.port_selector.ports:
            return [], [located("portSelector.ports is required", "portSelector.ports")]
        if (err := validate_port_ranges(self.port_selector.ports)) is not None:
            return [], [located(err, "portSelector.ports")]
        for idx, rule in enumerate(self.ingress):
            if not rule.subnet.is_valid():
                return [], [located("invalid subnet: invalid Prefix", f"ingress[{idx}].subnet")]
        return [], []
