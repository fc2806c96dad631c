"""Can a new config be applied without a reboot? Talos v1.7's ``Runtime.CanApplyImmediate``.

Only the v1alpha1 document is compared (other documents are always applied live). Changes are
allowed in ``.debug``, ``.cluster``, ``.machine.{ca, acceptedCAs, time, certSANs, install, network,
sysfs, sysctls, logging, controlPlane, kubelet, kernel, registries, pods, seccompProfiles, nodeLabels,
nodeTaints}`` and ``.machine.features.{kubernetesTalosAPIAccess, kubePrism, hostDNS}``; anything else
needs a reboot. The answer is ``None`` (applicable) or Talos's error text followed by a diff of what
differs outside those fields (secrets redacted: the text goes back to the API caller).
"""

from __future__ import annotations

import copy
from typing import Any

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.diff import unified_diff
from pytalos.machinery.config.schema import Struct

_TOP = ("debug", "cluster")
_MACHINE = (
    "ca",
    "acceptedCAs",
    "time",
    "certSANs",
    "install",
    "network",
    "sysfs",
    "sysctls",
    "logging",
    "controlPlane",
    "kubelet",
    "kernel",
    "registries",
    "pods",
    "seccompProfiles",
    "nodeLabels",
    "nodeTaints",
)
_FEATURES = ("kubernetesTalosAPIAccess", "kubePrism", "hostDNS")

IMMEDIATE_ERROR = "this config change can't be applied in immediate mode"


def _copy_keys(dst: Struct, src: Struct, keys: tuple[str, ...]) -> None:
    by_key = {fi.key: fi.attr for fi in dst.fields_info()}
    for key in keys:
        attr = by_key[key]
        setattr(dst, attr, copy.deepcopy(getattr(src, attr)))


def _attr(struct: Struct, key: str) -> Any:
    for fi in struct.fields_info():
        if fi.key == key:
            return getattr(struct, fi.attr)
    raise KeyError(key)


def _encode(doc: Struct, redact: bool = False) -> str:
    container = Container([doc])
    return (container.redacted() if redact else container).encode()


def can_apply_immediate(current: Container | None, new: Container) -> str | None:
    """``None`` when ``new`` can replace ``current`` live, else the reason (see the module docstring)."""
    if current is None:
        return "no current config"
    cur = current.v1alpha1()
    if cur is None:
        return "current config is not v1alpha1"
    nxt = new.v1alpha1()
    if nxt is None:
        return "new config is not v1alpha1"
    nxt = copy.deepcopy(nxt)
    _copy_keys(nxt, cur, _TOP)
    cur_machine, new_machine = _attr(cur, "machine"), _attr(nxt, "machine")
    if cur_machine is not None and new_machine is not None:
        _copy_keys(new_machine, cur_machine, _MACHINE)
        cur_features, new_features = _attr(cur_machine, "features"), _attr(new_machine, "features")
        if cur_features is not None and new_features is not None:
            _copy_keys(new_features, cur_features, _FEATURES)
    before, after = _encode(cur), _encode(nxt)
    if before == after:
        return None
    diff = unified_diff(_encode(cur, redact=True), _encode(nxt, redact=True), "current", "new")
    return f"{IMMEDIATE_ERROR}\ndiff: {diff}"
