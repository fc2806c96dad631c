"""Accumulating validation results the way Talos's ``go-multierror`` does.

Talos collects every problem of a config before failing (``multierror.Append``), keeps warnings
separately, and prints nested multierrors verbatim when one is wrapped with ``%w``. :class:`Report`
is that accumulator; :func:`multierror_text` is the exact text ``multierror.Error.Error()`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def multierror_text(errors: list[str]) -> str:
    """How hashicorp ``multierror`` prints a list of errors."""
    noun = "error" if len(errors) == 1 else "errors"
    body = "".join(f"\t* {e}\n" for e in errors)
    return f"{len(errors)} {noun} occurred:\n{body}\n"


def go_quote(value: str) -> str:
    """Go's ``%q`` for the strings validation prints (escapes quotes, backslashes, control chars)."""
    out = ['"']
    for ch in value:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


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
