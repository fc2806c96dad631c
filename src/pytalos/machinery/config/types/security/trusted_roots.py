"""TrustedRootsConfig: extra CA certificates added to the node's trust bundle.

Each document contributes its PEM blob under a small header naming the document, exactly as Talos
assembles the bundle, so generated trust stores compare byte for byte.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class TrustedRootsConfigV1Alpha1(Document):
    """Go ``security.TrustedRootsConfigV1Alpha1`` (kind TrustedRootsConfig)."""

    KIND: ClassVar[str] = "TrustedRootsConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the config document.")
    certificates: str = yfield("certificates", doc="PEM-encoded CA certificates, newline separated.")

    def extra_trusted_root_certificates(self) -> list[str]:
        """The bundle fragment: a header with the document name, then the certificates."""
        header = "\n" + self.name + ":\n" + "=" * (len(self.name) + 1) + "\n"
        return [header + self.certificates]
