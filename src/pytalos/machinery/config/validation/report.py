"""Accumulating validation results the way Talos's ``go-multierror`` does.

Talos collects every problem of a config before failing (``multierror.Append``) and keeps warnings
separately; :class:`Report` is that accumulator. The text a multierror prints, and Go's ``%q``, are
the shared :mod:`..types.common.gofmt` helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """Warnings and errors collected in order (errors flattened like ``multierror.Append``)."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, message: str | None) -> None:
        if message:
            self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def extend(self, warnings: list[str], errors: list[str]) -> None:
        self.warnings.extend(warnings)
        self.errors.extend(errors)

    def result(self) -> tuple[list[str], list[str]]:
        return self.warnings, self.errors
