"""Errors of the config library, each carrying where (file, YAML path, line) and what was expected.

A platform engineer fixing a 300-line machine config needs ``controlplane.yaml:42: machine.network
.interfaces[0].mtu: …``, not a stack trace, so every failure path builds one of these.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def format_location(source: str, line: int, path: str, message: str) -> str:
    """``<source>:<line>: <path>: <message>`` on one line (a multi-line message, e.g. a nested
    multierror, is folded); parts that are unknown (``line`` -1, "") are left out."""
    where = (
        [source + (f":{line}" if line >= 0 else "")] if source else ([f"line {line}"] if line >= 0 else [])
    )
    if path:
        where.append(path)
    text = " ".join(part.strip() for part in message.splitlines() if part.strip())  # one line per message
    return ": ".join([*where, text])


class ValidationError(ConfigError):
    """Aggregated validation failures (Talos reports them all at once, as a multierror).

    ``errors`` are Talos's texts, unchanged. ``locations`` adds, for every individual message that
    knows its YAML path, ``(path, line, message)`` with the 1-based line in ``source`` (-1 when the
    document did not come from text); v1alpha1 messages are listed individually there even though
    ``errors`` folds them into one ``v1alpha1.Config: …`` entry like Talos.
    """

    def __init__(
        self, errors: list[str], source: str = "", locations: Iterable[tuple[str, int, str]] = ()
    ) -> None:
        self.errors = list(errors)
        self.locations = list(locations)
        super().__init__(self._format(errors), source=source)

    @staticmethod
    def _format(errors: list[str]) -> str:
        return multierror_text(errors)

    def render_located(self) -> str:
        """One ``<source>:<line>: <path>: <message>`` line per located message ("" when none)."""
        return "\n".join(format_location(self.source, line, path, msg) for path, line, msg in self.locations)
