"""EnvironmentConfig: environment variables for PID 1 and every Talos service.

Talos rejects variable names that are not POSIX.1 portable, because a bad name breaks every
service start; the same check runs here so ``talosctl validate`` catches it before a node does.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.gofmt import go_quote

POSIX1_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@register
class EnvironmentV1Alpha1(Document):
    """Go ``runtime.EnvironmentV1Alpha1`` (kind EnvironmentConfig)."""

    KIND: ClassVar[str] = "EnvironmentConfig"

    environment_variables: dict[str, str] = yfield(
        "variables", doc="Environment variables set on PID 1 and passed to every service."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [
            f"invalid environment variable name: {go_quote(key)}"
            for key in sorted(self.environment_variables)
            if not POSIX1_ENV_KEY.fullmatch(key)
        ]
        return [], errors
