"""``LinkAliasConfig``: give a stable name (alias) to the physical link a CEL expression selects.

Aliases let other documents say ``net0`` instead of a driver-assigned name. A name with one ``%d``
verb (``net%d``) aliases every matching link in hardware-address order.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ...validation.located import located


class LinkSelector(Struct):
    match: str = yfield("match", omitempty=True, doc="CEL expression over `link` selecting the link(s).")


@register
class LinkAliasConfigV1Alpha1(Document):
    """Aliases the link(s) matched by ``selector``."""

    KIND: ClassVar[str] = "LinkAliasConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="The alias, or a pattern with %d for several links.")
    selector: LinkSelector = yfield("selector", omitempty=True, doc="Which link(s) to alias.")

    def is_pattern_alias(self) -> bool:
        """Whether the name is a ``%d`` pattern aliasing several links."""
        return "%" in self.name

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.name:
            errors.append(located("name must be specified", "name"))
        elif self.is_pattern_alias():
            prefix, _, suffix = self.name.partition("%")
            if suffix != "d" or not prefix:
                errors.append(
                    located(f'name "{self.name}" contains an invalid format verb, use %d suffix', "name")
                )
        if not self.selector.match.strip():
            errors.append(located("link selector is required", "selector.match"))
        return [], errors
