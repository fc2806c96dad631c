"""Runtime modes a config is validated for (``talosctl validate --mode metal|cloud|container``).

The mode changes what is required: a metal node installs itself to a disk, so it needs an install
disk; a container node never installs. Document ``validate`` methods receive the mode name.
"""

from __future__ import annotations

import enum


class RuntimeMode(enum.StrEnum):
    METAL = "metal"
    CLOUD = "cloud"
    CONTAINER = "container"

    def requires_install(self) -> bool:
        return self is RuntimeMode.METAL

    def in_container(self) -> bool:
        return self is RuntimeMode.CONTAINER


def parse_mode(text: str) -> RuntimeMode:
    """Parse a mode name; the error text is Talos's (``unknown runtime mode: "x"``)."""
    try:
        return RuntimeMode(text.lower())
    except ValueError:
        raise ValueError(f'unknown runtime mode: "{text}"') from None
