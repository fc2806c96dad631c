"""Resource definitions: a type's default namespace, display name, aliases and sensitivity.

Aliases are computed the way COSI's ``ResourceDefinitionSpec.Fill`` does, because that is what
``talosctl get`` matches against: for ``MachineConfigs.config.talos.dev`` the lowercase plural
``machineconfigs``, the singular display type (``MachineConfig`` → ``machineconfig``), the dotted
prefixes (``machineconfigs.config``, ``machineconfigs.config.talos``) and the upper-case initials
(``mc``, plus ``mcs`` when the initials do not already end in ``S``), then the explicit aliases.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from .errors import DefinitionError

_NAME = re.compile(r"^[A-Z][A-Za-z0-9-]+$")
_SUFFIX = re.compile(r"^[a-z][a-z0-9-]+(\.[a-z][a-z0-9-]+)*$")


class Sensitivity(enum.Enum):
    """``SENSITIVE`` resources are readable only with the ``os:admin`` role."""

    NON_SENSITIVE = ""
    SENSITIVE = "sensitive"


@dataclass(frozen=True)
class ResourceDefinition:
    """One registered resource type; build it with :func:`define` so aliases get computed."""

    type: str
    default_namespace: str
    display_type: str
    aliases: tuple[str, ...]
    all_aliases: tuple[str, ...]
    sensitivity: Sensitivity = Sensitivity.NON_SENSITIVE
    print_columns: tuple[tuple[str, str], ...] = field(default=())

    @property
    def id(self) -> str:
        return self.type.lower()

    @property
    def sensitive(self) -> bool:
        return self.sensitivity is Sensitivity.SENSITIVE

    def matches(self, name: str) -> bool:
        """True when ``name`` (any case) is this type or one of its aliases."""
        low = name.lower()
        return low == self.id or low in self.all_aliases


def define(
    type: str,
    default_namespace: str,
    *,
    aliases: tuple[str, ...] | list[str] = (),
    sensitive: bool = False,
    print_columns: tuple[tuple[str, str], ...] = (),
) -> ResourceDefinition:
    """Validate ``type`` like COSI and compute the display type and aliases."""
    name, dot, suffix = type.partition(".")
    where = f"resource definition {type!r}"
    if not dot:
        raise DefinitionError(f"{where}: missing suffix")
    if not name:
        raise DefinitionError(f"{where}: name is empty")
    if not suffix:
        raise DefinitionError(f"{where}: suffix is empty")
    if name.lower() == name:
        raise DefinitionError(f"{where}: name should be in CamelCase")
    if not _NAME.match(name):
        raise DefinitionError(f"{where}: name doesn't match {_NAME.pattern!r}")
    if not _SUFFIX.match(suffix):
        raise DefinitionError(f"{where}: suffix doesn't match {_SUFFIX.pattern!r}")
    if not is_plural(name):
        raise DefinitionError(f"{where}: name should be plural")
    if not default_namespace:
        raise DefinitionError(f"{where}: default namespace is empty")

    display = singular(name)
    short = [a.lower() for a in aliases]
    short.append(display.lower())
    all_aliases = [name.lower()]
    parts = suffix.split(".")
    for i in range(1, len(parts)):
        all_aliases.append(".".join([name.lower(), *parts[:i]]))
    initials = "".join(ch for ch in name if ch.isupper())
    if len(initials) > 1:
        short.append(initials.lower())
        if not initials.endswith("S"):
            short.append(initials.lower() + "s")
    all_aliases.extend(short)
    return ResourceDefinition(
        type=type,
        default_namespace=default_namespace,
        display_type=display,
        aliases=tuple(_unique(short)),
        all_aliases=tuple(_unique(all_aliases)),
        sensitivity=Sensitivity.SENSITIVE if sensitive else Sensitivity.NON_SENSITIVE,
        print_columns=print_columns,
    )


# Singular forms: a small rule set covering the English of resource type names (go-pluralize in COSI).
_SINGULAR_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"(cache|niche|ache)s$", r"\1"),
        (r"(matr|ind|append)ices$", r"\1ix"),
        (r"([^aeiouy])ies$", r"\1y"),
        (r"(alias|status|bus|virus|campus|[^aou]us)es$", r"\1"),
        (r"(ss|sh|ch|x|zz)es$", r"\1"),
        (r"(analy|diagno|the|ba|cri|synop|parenthe)ses$", r"\1sis"),
        (r"([^s])s$", r"\1"),
    )
)


def singular(name: str) -> str:
    """``Statuses`` → ``Status``, ``Identities`` → ``Identity``, ``MachineConfigs`` → ``MachineConfig``."""
    for pattern, repl in _SINGULAR_RULES:
        if pattern.search(name):
            return pattern.sub(repl, name, count=1)
    return name


def is_plural(name: str) -> bool:
    return singular(name) != name


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
