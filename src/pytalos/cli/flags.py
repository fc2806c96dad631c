"""talosctl's global node flags, kept free of heavy imports: the root command carries them too.

``--talosconfig``, ``--context``, ``-n/--nodes`` and ``-e/--endpoints`` (Talos's persistent root flags)
are accepted before the verb and after it; ``-i/--insecure`` and ``--cert-fingerprint`` belong to
the commands Talos gives them to. Repeated flags and comma-separated values both add list items, as
cobra's ``StringSlice`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from pytalos.machinery.config.codecs import parse_go_duration

F = TypeVar("F", bound=Callable[..., Any])


def split_values(values: Sequence[str]) -> list[str]:
    """cobra's ``StringSlice``: repeated flags and comma-separated values both add items."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def go_bool(value: str | bool, flag: str) -> bool:
    """A boolean flag value as Go's ``strconv.ParseBool`` reads it (``--wait=false``, ``--wait=0``)."""
    if isinstance(value, bool):
        return value
    low = value.lower()
    if low in ("1", "t", "true", "y", "yes"):
        return True
    if low in ("0", "f", "false", "n", "no"):
        return False
    raise click.BadParameter(f'strconv.ParseBool: parsing "{value}": invalid syntax', param_hint=flag)


def duration_seconds(text: str, flag: str = "--timeout") -> float:
    """A duration flag (``90s``, ``1h30m``, ``0.5m``, ``0``) as Go's ``time.ParseDuration`` reads it, in
    seconds; a bad value is a usage error naming the flag, with Go's text."""
    try:
        return parse_go_duration(text) / 1e9
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=f"'{flag}'") from None


def global_options(func: F) -> F:
    """``--talosconfig``, ``--context``, ``-n/--nodes``, ``-e/--endpoints`` (also valid before the verb)."""
    for decorator in (
        click.option(
            "--talosconfig", default=None, metavar="PATH", help="The path to the Talos configuration file."
        ),
        click.option(
            "--context", "context_name", default=None, metavar="NAME", help="Context to be used in command."
        ),
        click.option("-n", "--nodes", multiple=True, metavar="NODES", help="target the specified nodes"),
        click.option(
            "-e",
            "--endpoints",
            multiple=True,
            metavar="ENDPOINTS",
            help="override default endpoints in Talos configuration",
        ),
    ):
        func = decorator(func)
    return func


def insecure_options(func: F) -> F:
    """``-i/--insecure`` and ``--cert-fingerprint`` (Talos's ``InsecureFlags``)."""
    func = click.option(
        "--cert-fingerprint",
        "cert_fingerprints",
        multiple=True,
        metavar="FINGERPRINTS",
        help=(
            "list of server certificate fingerprints to accept "
            "(defaults to no check, only used with --insecure flag)"
        ),
    )(func)
    return click.option(
        "-i", "--insecure", is_flag=True, help="use the insecure (encrypted with no auth) maintenance service"
    )(func)


@dataclass(frozen=True)
class GlobalArgs:
    """The global flags of one invocation, innermost value first (sub-command, then the root)."""

    talosconfig: str | None = None
    context: str | None = None
    nodes: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()

    @classmethod
    def from_click(cls, params: dict[str, Any]) -> GlobalArgs:
        """Merge ``params`` (the command's own) with every parent context's same-named options."""
        merged = {k: params.get(k) for k in ("talosconfig", "context_name", "nodes", "endpoints")}
        ctx: click.Context | None = click.get_current_context(silent=True)
        ctx = ctx.parent if ctx is not None else None
        while ctx is not None:
            for key in merged:
                if not merged[key] and ctx.params.get(key):
                    merged[key] = ctx.params[key]
            ctx = ctx.parent
        return cls(
            talosconfig=merged["talosconfig"] or None,
            context=merged["context_name"] or None,
            nodes=tuple(split_values(merged["nodes"] or ())),
            endpoints=tuple(split_values(merged["endpoints"] or ())),
        )
