"""EtcFileConfig: a user-managed file under ``/etc``.

Some ``/etc`` paths are owned by Talos (resolv.conf, hosts, pki/, …); letting a user document
overwrite them would silently fight a controller, so validation refuses them with Talos's wording.
"""

from __future__ import annotations

import posixpath
from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.gofmt import go_quote
from .codecs import FileMode

DEFAULT_ETC_FILE_MODE = 0o644

MANAGED_ETC_FILES = (
    "resolv.conf",
    "hosts",
    "machine-id",
    "extensions.yaml",
    "localtime",
    "os-release",
    "xattr.conf",
)

MANAGED_ETC_PREFIXES = (
    "apparmor.d/",
    "apparmor/",
    "ca-certificates/",
    "cni/",
    "cri/",
    "iscsi/",
    "kubernetes/",
    "lvm/",
    "nvme/",
    "pki/",
    "selinux/",
    "ssl/",
)


def _is_local(path: str) -> bool:
    """Go's ``filepath.IsLocal`` on Unix: relative, non-empty, never escaping its root."""
    if not path or posixpath.isabs(path):
        return False
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return False
        elif part not in ("", "."):
            depth += 1
    return posixpath.normpath(path) != ".."


def validate_etc_file_path(path: str) -> str | None:
    """Return Talos's error for an ``/etc``-relative path users may not manage, else None."""
    if not _is_local(path) or path.startswith("."):
        return f"user etc file {go_quote(path)} must be a local path"
    if path in MANAGED_ETC_FILES:
        return f"user etc file {go_quote(path)} is managed by Talos"
    for prefix in MANAGED_ETC_PREFIXES:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return f"user etc file {go_quote(path)} is managed by Talos"
    return None


@register
class EtcFileConfigV1Alpha1(Document):
    """Go ``runtime.EtcFileConfigV1Alpha1`` (kind EtcFileConfig)."""

    KIND: ClassVar[str] = "EtcFileConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Path of the file relative to /etc.")
    file_mode: FileMode = yfield("mode", default_factory=FileMode, doc="File permissions, in octal.")
    contents: str = yfield("contents", doc="Contents of the file.")

    @classmethod
    def new(cls, name: str) -> EtcFileConfigV1Alpha1:
        """Like Go's constructor: mode defaults to 0o644."""
        return cls(name=name, file_mode=FileMode(DEFAULT_ETC_FILE_MODE))

    @property
    def mode(self) -> int:
        """Effective permissions (0o644 when unset)."""
        return self.file_mode.mode or DEFAULT_ETC_FILE_MODE

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if not self.name:
            return [], ["user etc file name cannot be empty"]
        err = validate_etc_file_path(self.name)
        return [], [err] if err else []
