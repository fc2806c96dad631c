"""Accumulating validation results the way Talos's ``go-multierror`` does.

Talos collects every problem of a config before failing (``multierror.Append``) and keeps warnings
separately; :class:`Report` is that accumulator. A message given with a ``path`` is stored as a
:class:`~.located.Located` string (same text, plus the YAML path) so callers can point at the line.
The text a multierror prints, and Go's ``%q``, are the shared :mod:`..types.common.gofmt` helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .located import located


@dataclass
class Report:
    """Warnings and errors collected in order (errors flattened like ``multierror.Append``)."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, message: str | None, path: str = "") -> None:
        if message:
            self.errors.append(located(message, path) if path else message)

    def warn(self, message: str, path: str = "") -> None:
        self.warnings.append(located(message, path) if path else message)

    def extend(self, warnings: Iterable[str], errors: Iterable[str]) -> None:
        self.warnings.extend(warnings)
        self.errors.extend(errors)

    def result(self) -> tuple[list[str], list[str]]:
        return self.warnings, self.errors
