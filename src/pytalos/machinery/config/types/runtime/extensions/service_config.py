"""ExtensionServiceConfig: configuration files and environment handed to a system extension service.

Patches address config files by mount path: Talos's ``ConfigFileList.Merge`` updates the file already
mounted at that path instead of appending a duplicate, and :func:`merge_config_files` does the same.
"""

from __future__ import annotations

import copy
from typing import ClassVar

from ....document import Document, register
from ....schema import Struct, merge_structs, yfield
from ...common.gofmt import go_quote


class ConfigFile(Struct):
    """Go ``extensions.ConfigFile``: one file mounted into the extension service."""

    config_file_content: str = yfield("content", doc="Content of the config file.")
    config_file_mount_path: str = yfield("mountPath", doc="Where the file is mounted in the service.")


def merge_config_files(left: list[ConfigFile] | None, right: list[ConfigFile] | None) -> list[ConfigFile]:
    """Go ``ConfigFileList.Merge``: merge files with the same mount path, append the others."""
    merged = [copy.deepcopy(item) for item in left or []]
    for incoming in right or []:
        existing = next(
            (cf for cf in merged if cf.config_file_mount_path == incoming.config_file_mount_path), None
        )
        if existing is not None:
            merge_structs(existing, incoming)
        else:
            merged.append(copy.deepcopy(incoming))
    return merged


@register
class ServiceConfigV1Alpha1(Document):
    """Go ``extensions.ServiceConfigV1Alpha1`` (kind ExtensionServiceConfig)."""

    KIND: ClassVar[str] = "ExtensionServiceConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the extension service.")
    service_config_files: list[ConfigFile] = yfield(
        "configFiles", omitempty=True, merge=merge_config_files, doc="Config files for the extension service."
    )
    service_environment: list[str] = yfield(
        "environment", omitempty=True, doc="Environment variables (KEY=value) for the extension service."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if not self.name:
            return [], ["name is required"]
        if not self.service_config_files and not self.service_environment:
            # Talos checks the config files first, so this is the message users see
            return [], [f"no config files found for extension {go_quote(self.name)}"]
        for file in self.service_config_files:
            if not file.config_file_content:
                return [], [f"extension content is required for extension {go_quote(self.name)}"]
            if not file.config_file_mount_path:
                return [], [f"extension mount path is required for extension {go_quote(self.name)}"]
        return [], []
