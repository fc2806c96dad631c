"""Merging a kubeconfig into an existing one (``siderolabs/go-kubeconfig`` ``Merger.Merge``).

Clusters, users (``auth``) and contexts are keyed by name. A new entry whose name exists with a
*different* body is a conflict; the caller's handler decides ``overwrite`` or ``rename`` (``talosctl
kubeconfig``: overwrite with ``--force``, rename when not interactive). Renaming appends ``-1``,
``-2`` ... until the name is free, and — as Talos does — a renamed cluster name is substituted into
user names, a renamed user name into the context name (plain substring replacement); ``--force-context-
name`` replaces the context name outright. Every rename is reported (``renamed auth info "a" -> "a-1"``)
and the merged context becomes current.

:class:`Kubeconfig` reads the file's YAML and writes it back as client-go's ``clientcmd.Write`` does
(keys sorted, entries as name-sorted lists, ``preferences: {}``).
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml


class KubeconfigError(ValueError):
    """The file is not a kubeconfig (the message names where and why)."""


class Component(enum.Enum):
    CLUSTER = "cluster"
    AUTH_INFO = "auth"
    CONTEXT = "context"


class Decision(enum.Enum):
    OVERWRITE = "overwrite"
    RENAME = "rename"


ConflictHandler = Callable[[Component, str], Decision]

_SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))


@dataclass
class Kubeconfig:
    """A kubeconfig as name-keyed maps (client-go's ``clientcmdapi.Config``)."""

    clusters: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    contexts: dict[str, Any] = field(default_factory=dict)
    current_context: str = ""
    preferences: dict[str, Any] = field(default_factory=dict)
    extensions: Any = None

    @classmethod
    def parse(cls, text: str | bytes, where: str = "kubeconfig") -> Kubeconfig:
        try:
            data = yaml.safe_load(text) if text else None
        except yaml.YAMLError as err:
            raise KubeconfigError(f"{where}: invalid YAML: {err}") from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise KubeconfigError(f"{where}: expected a mapping at the top level")
        out = cls(
            current_context=str(data.get("current-context") or ""),
            preferences=dict(data.get("preferences") or {}),
            extensions=data.get("extensions"),
        )
        for section, body_key in _SECTIONS:
            entries = data.get(section) or []
            if not isinstance(entries, list):
                raise KubeconfigError(f"{where}: {section}: expected a list")
            target: dict[str, Any] = getattr(out, section)
            for idx, entry in enumerate(entries):
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    raise KubeconfigError(f"{where}: {section}[{idx}]: expected an entry with a name")
                target[entry["name"]] = entry.get(body_key) or {}
        return out

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
        for section, body_key in _SECTIONS:
            entries: dict[str, Any] = getattr(self, section)
            data[section] = [{"name": n, body_key: entries[n]} for n in sorted(entries)] or None
        data["current-context"] = self.current_context
        data["preferences"] = self.preferences
        if self.extensions:
            data["extensions"] = self.extensions
        return data

    def dump(self) -> str:
        return yaml.safe_dump(self.to_data(), sort_keys=True, default_flow_style=False, width=1 << 30)

    def _names(self, component: Component) -> dict[str, Any]:
        if component is Component.CLUSTER:
            return self.clusters
        if component is Component.AUTH_INFO:
            return self.users
        return self.contexts

    def _rename(self, component: Component, name: str) -> str:
        names = self._names(component)
        candidate, i = name, 0
        while candidate in names:
            i += 1
            candidate = f"{name}-{i}"
        return candidate

    def _resolve(
        self, component: Component, name: str, merged: str, body: Any, on_conflict: ConflictHandler
    ) -> str:
        """``merged`` unless it names a different existing entry and the handler says rename."""
        existing = self._names(component)
        if merged not in existing or existing[merged] == body:
            return merged
        if on_conflict(component, name) is Decision.RENAME:
            return self._rename(component, merged)
        return merged

    def merge(
        self,
        other: Kubeconfig,
        on_conflict: ConflictHandler,
        *,
        force_context_name: str = "",
        activate: bool = True,
        report: Callable[[str], None] = lambda line: None,
    ) -> None:
        """Merge ``other`` in (see the module docstring); ``report`` gets each rename line."""
        clusters: dict[str, str] = {}
        for name, body in other.clusters.items():
            merged = name
            clusters[name] = self._resolve(Component.CLUSTER, name, merged, body, on_conflict)
        users: dict[str, str] = {}
        for name, body in other.users.items():
            merged = name
            for old, new in clusters.items():
                merged = merged.replace(old, new)
            users[name] = self._resolve(Component.AUTH_INFO, name, merged, body, on_conflict)
        contexts: dict[str, str] = {}
        for name, body in other.contexts.items():
            merged = name
            for old, new in users.items():
                merged = merged.replace(old, new)
            if force_context_name:
                merged = force_context_name
            contexts[name] = self._resolve(Component.CONTEXT, name, merged, body, on_conflict)
        for name, body in other.clusters.items():
            if clusters[name] != name:
                report(f'renamed cluster "{name}" -> "{clusters[name]}"')
            self.clusters[clusters[name]] = copy.deepcopy(body)
        for name, body in other.users.items():
            if users[name] != name:
                report(f'renamed auth info "{name}" -> "{users[name]}"')
            self.users[users[name]] = copy.deepcopy(body)
        for name, body in other.contexts.items():
            new_name = contexts[name]
            if new_name != name:
                report(f'renamed context "{name}" -> "{new_name}"')
            ctx = copy.deepcopy(body)
            ctx["user"] = users.get(ctx.get("user", ""), "")
            ctx["cluster"] = clusters.get(ctx.get("cluster", ""), "")
            self.contexts[new_name] = ctx
            if activate:
                self.current_context = new_name
