"""Command-line flags as Talos builds them (``pkg/argsbuilder``): defaults, user extra args, policies.

A component's flags start as Talos's defaults (``name -> values``); the user's ``extraArgs`` are merged
in under a per-flag :class:`MergePolicy`:

* ``OVERWRITE`` (the default): the user's values replace Talos's;
* ``ADDITIVE``: comma-separated items are appended to Talos's, skipping ones already there
  (``enable-admission-plugins``, ``feature-gates``, ``tls-cipher-suites`` ...);
* ``APPEND``: the user's values are added as further repetitions of the flag
  (``service-account-issuer``);
* ``DENIED``: the flag points at something Talos manages (certificates, etcd servers ...); setting it
  is an error naming the flag.

:meth:`Args.args` renders ``--name=value`` sorted by name, one flag per value.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

ArgInput = str | Sequence[str]


class MergePolicy(enum.Enum):
    OVERWRITE = "overwrite"
    ADDITIVE = "additive"
    APPEND = "append"
    DENIED = "denied"


class ArgsError(ValueError):
    """Extra arguments set flags Talos does not let users override (every such flag is named)."""


def _values(value: ArgInput) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Args:
    """An ordered-by-name set of flags, each with one or more values."""

    def __init__(self, initial: Mapping[str, ArgInput] | None = None) -> None:
        self._args: dict[str, list[str]] = {k: _values(v) for k, v in (initial or {}).items()}

    def set(self, name: str, value: ArgInput) -> None:
        self._args[name] = _values(value)

    def contains(self, name: str) -> bool:
        return name in self._args

    def get(self, name: str) -> list[str] | None:
        values = self._args.get(name)
        return list(values) if values is not None else None

    def merge(
        self,
        extra: Mapping[str, ArgInput],
        policies: Mapping[str, MergePolicy] | None = None,
        *,
        what: str = "extraArgs",
    ) -> None:
        """Merge ``extra`` under ``policies``; denied flags raise :class:`ArgsError` naming each one."""
        policies = policies or {}
        denied = [name for name in sorted(extra) if policies.get(name) is MergePolicy.DENIED]
        if denied:
            names = ", ".join(f"{what}.{name}" for name in denied)
            raise ArgsError(
                f"{names}: extra arg{'s' if len(denied) > 1 else ''} not allowed (managed by Talos)"
            )
        for name, raw in extra.items():
            values = _values(raw)
            policy = policies.get(name, MergePolicy.OVERWRITE)
            current = self._args.get(name)
            if policy is MergePolicy.ADDITIVE and current:
                items = ",".join(current).split(",")
                for value in values:
                    for item in value.split(","):
                        if item not in items:
                            items.append(item)
                self._args[name] = [",".join(items)]
            elif policy is MergePolicy.APPEND and current:
                self._args[name] = current + [v for v in values if v not in current]
            else:
                self._args[name] = values

    def args(self) -> list[str]:
        """``--name=value`` for every value, flags sorted by name."""
        return [f"--{name}={value}" for name in sorted(self._args) for value in self._args[name]]

    def names(self) -> Iterable[str]:
        return iter(sorted(self._args))
