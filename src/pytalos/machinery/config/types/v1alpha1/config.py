"""The v1alpha1 document itself: ``version``, ``debug``, ``persist``, ``machine``, ``cluster``.

It is the legacy, un-kinded document of a machine config: it has no ``apiVersion``/``kind`` and so
is not a :class:`~pytalos.machinery.config.document.Document`. The loader recognises it (a mapping
without ``kind`` that has any of ``machine/cluster/debug/persist``) by the ``IS_V1ALPHA1``
marker, and it answers the same identity questions as typed documents do.
"""

from __future__ import annotations

from typing import ClassVar

from ...schema import Struct, yfield
from .cluster import ClusterConfig
from .machine import MachineConfig

# keys that make Talos's decoder treat a kind-less document as v1alpha1
V1ALPHA1_KEYS = frozenset({"machine", "cluster", "debug", "persist"})


class Config(Struct):
    """``v1alpha1.Config``: machine and cluster settings in one document."""

    IS_V1ALPHA1: ClassVar[bool] = True
    KIND: ClassVar[str] = "v1alpha1"  # Talos's Kind() of this document
    API_VERSION: ClassVar[str] = ""  # it has no apiVersion
    NAMED: ClassVar[bool] = False

    config_version: str = yfield("version", doc="Schema version of this document (v1alpha1).")
    config_debug: bool | None = yfield("debug", omitempty=True, doc="Verbose console logging.")
    config_persist: bool | None = yfield("persist", omitempty=True, doc="Deprecated, must be true.")
    machine_config: MachineConfig | None = yfield("machine", doc="Machine settings.")
    cluster_config: ClusterConfig | None = yfield("cluster", doc="Cluster settings.")

    @property
    def api_version(self) -> str:
        return self.API_VERSION

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def doc_name(self) -> str:
        return ""

    def identity(self) -> str:
        """The key patches and duplicate checks use for this document: ``v1alpha1``.

        (Talos's messages that print ``apiVersion/kind`` show it as ``/v1alpha1``, its apiVersion being "".)
        """
        return self.KIND

    def redact(self, replacement: str) -> None:
        """Hide the secrets this document holds (Talos's ``Config.Redact``); empty values stay empty.

        Tokens, the cluster secret, the encryption secrets and the private keys of the machine, cluster,
        aggregator and etcd CAs and of the service account become ``replacement``.
        """
        from .redact import redact_config

        redact_config(self, replacement)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        """Return (warnings, errors); the v1alpha1 rules live in the validation module."""
        from ...validation.v1alpha1 import validate_config

        return validate_config(self, mode, strict)

    def machine(self) -> MachineConfig:
        """The machine section, created empty when absent (like Talos's accessors)."""
        if self.machine_config is None:
            self.machine_config = MachineConfig()
        return self.machine_config

    def cluster(self) -> ClusterConfig:
        """The cluster section, created empty when absent."""
        if self.cluster_config is None:
            self.cluster_config = ClusterConfig()
        return self.cluster_config


def is_v1alpha1_keys(keys: list[str]) -> bool:
    """Whether a kind-less document with these top-level keys is the v1alpha1 one (Talos's decoder rule)."""
    return "kind" not in keys and any(k in V1ALPHA1_KEYS for k in keys)
