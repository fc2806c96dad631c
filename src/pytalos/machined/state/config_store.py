"""The machine config on STATE (``/system/state/config.yaml``) and its last-known-good copy.

Talos persists the applied config to STATE and loads it first on every boot (§3.7). pytalos does the
same, with two rules on top:

* every write is atomic (:func:`~.atomicfile.write_atomic`): a crash mid-write leaves the previous
  config, never half a file;
* loading parses *and validates*; a file that does not parse or validate raises
  :class:`ConfigLoadError` naming the file, line and cause, and machined answers it with maintenance
  mode (the error shown in events and machine status) instead of crashing again on every start.

Beyond Talos, the config with which the node last reached Running is kept as ``config.yaml.good``;
:meth:`ConfigStore.rollback` puts it back when a newly applied config keeps the node from Running
(the rejected one is kept as ``config.yaml.failed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ConfigError, ValidationError
from pytalos.machinery.config.loader import load

from ..node.layout import NodeLayout
from .atomicfile import remove_durably, write_atomic

#: Validation mode of a pytalos node (a process tree in a network namespace, like Talos's container mode).
DEFAULT_VALIDATION_MODE = "container"


class ConfigLoadError(Exception):
    """The config on STATE (or one being applied) does not load; ``str()`` says where and why."""

    def __init__(self, source: str, reason: str, stage: str = "load") -> None:
        super().__init__(f"{source}: {reason}" if source else reason)
        self.source = source
        self.reason = reason
        #: ``read``, ``parse`` or ``validate``: where loading stopped (the API maps it to a status code)
        self.stage = stage


@dataclass(frozen=True)
class LoadedConfig:
    """A parsed and validated config with the exact bytes it came from."""

    container: Container
    raw: bytes
    warnings: list[str] = field(default_factory=list)


def parse_config(raw: bytes, source: str, mode: str = DEFAULT_VALIDATION_MODE) -> LoadedConfig:
    """Load and validate ``raw``; :class:`ConfigLoadError` with every validation error otherwise."""
    try:
        container = load(raw, source)
    except ConfigError as exc:
        raise ConfigLoadError(source, f"failed to load config: {_text(exc)}", "parse") from None
    if container.v1alpha1() is None:
        raise ConfigLoadError(
            source, "the config has no v1alpha1 document (machine and cluster settings)", "parse"
        )
    try:
        warnings = container.validate(mode)
    except ValidationError as exc:
        raise ConfigLoadError(source, f"config validation failed: {_text(exc)}", "validate") from None
    return LoadedConfig(container, raw, [str(w) for w in warnings])


def _text(exc: ConfigError) -> str:
    text = str(exc)
    locations = getattr(exc, "locations", None)
    if locations:
        located = "; ".join(str(loc) for loc in locations)
        if located and located not in text:
            text = f"{text} ({located})"
    return text


class ConfigStore:
    """Reads and writes the node's config files under STATE (see the module docstring)."""

    def __init__(self, layout: NodeLayout, mode: str = DEFAULT_VALIDATION_MODE) -> None:
        self.layout = layout
        self.mode = mode

    def exists(self) -> bool:
        return self.layout.config.exists()

    def _read(self, which: str) -> bytes | None:
        path = self.layout.config if which == "config" else self.layout.config_good
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigLoadError(str(path), f"cannot read: {exc.strerror}", "read") from None

    def load(self) -> LoadedConfig | None:
        """The persisted config, ``None`` when there is none yet; :class:`ConfigLoadError` when bad."""
        raw = self._read("config")
        if raw is None:
            return None
        return parse_config(raw, str(self.layout.config), self.mode)

    def load_good(self) -> LoadedConfig | None:
        """The last-known-good config, ``None`` when none is kept or it does not load anymore."""
        raw = self._read("good")
        if raw is None:
            return None
        try:
            return parse_config(raw, str(self.layout.config_good), self.mode)
        except ConfigLoadError:
            return None

    def save(self, raw: bytes) -> None:
        """Persist ``raw`` as the config (atomic, durable)."""
        self.layout.state.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(self.layout.config, raw)

    def is_proven(self) -> bool:
        """Whether the persisted config is the one the node last reached Running with."""
        current = self._read("config")
        return current is not None and current == self._read("good")

    def mark_good(self) -> bool:
        """Keep the persisted config as last-known-good; returns whether anything changed."""
        current = self._read("config")
        if current is None or current == self._read("good"):
            return False
        write_atomic(self.layout.config_good, current)
        return True

    def rollback(self) -> LoadedConfig:
        """Put the last-known-good config back; the rejected one is kept as ``config.yaml.failed``."""
        good = self.load_good()
        if good is None:
            raise ConfigLoadError(str(self.layout.config_good), "no last-known-good config to roll back to")
        current = self._read("config")
        if current is not None:
            write_atomic(self.layout.config_failed, current)
        write_atomic(self.layout.config, good.raw)
        return good

    def wipe(self) -> None:
        """Forget every config (reset of STATE)."""
        for path in (self.layout.config, self.layout.config_good, self.layout.config_failed):
            remove_durably(path)
