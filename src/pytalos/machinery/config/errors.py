"""Errors of the config library, each carrying where (file, YAML path, line) and what was expected.

A platform engineer fixing a 300-line machine config needs ``controlplane.yaml:42: machine.network
.interfaces[0].mtu: …``, not a stack trace, so every failure path builds one of these.
"""

from __future__ import annotations

from .types.common.gofmt import multierror_text


class ConfigError(ValueError):
    """Base class: a problem with a machine config, with optional location."""

    def __init__(self, message: str, path: str = "", line: int = -1, source: str = "") -> None:
        self.message = message
        self.path = path
        self.line = line
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.source:
            where.append(self.source + (f":{self.line + 1}" if self.line >= 0 else ""))
        elif self.line >= 0:
            where.append(f"line {self.line + 1}")
        if self.path:
            where.append(self.path)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def with_source(self, source: str) -> ConfigError:
        """Attach the file name once it is known (decoders work on nodes, not files)."""
        self.source = source
        self.args = (self.render(),)
        return self


class DecodeError(ConfigError):
    """A document does not match its schema (wrong type, unknown key, bad value)."""

    def __init__(self, path: str, line: int, message: str, source: str = "") -> None:
        super().__init__(message, path=path, line=line, source=source)


class ValidationError(ConfigError):
    """Aggregated validation failures (Talos reports them all at once, as a multierror)."""

    def __init__(self, errors: list[str], source: str = "") -> None:
        self.errors = list(errors)
        super().__init__(self._format(errors), source=source)

    @staticmethod
    def _format(errors: list[str]) -> str:
        return multierror_text(errors)
