"""``MetaKeys.runtime.talos.dev``: one resource per tag stored in META (alias ``meta``).

The id is the tag as ``0x%02x`` (``0x0c``), the spec the value as text (Talos's ``MetaKeySpec``:
``value``). Only the META owner (:class:`pytalos.machined.node.meta.NodeMeta`) writes them: on load
and after every ``MetaWrite``/``MetaDelete``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "runtime"
META_KEY_TYPE = "MetaKeys.runtime.talos.dev"

DEFINITIONS = (define(META_KEY_TYPE, NAMESPACE, aliases=("meta",), print_columns=(("Value", "{.value}"),)),)


@dataclasses.dataclass(frozen=True)
class MetaKeySpec(Spec):
    """``runtime.MetaKeySpec``: the tag's value (bytes shown as UTF-8, invalid bytes replaced)."""

    value: str = field(default="", metadata=yaml("value"))
