"""``talosctl config ...``: inspect and edit the client configuration file (talosconfig).

Mirrors ``cmd/talosctl/cmd/talos/config.go``: the same sub-commands and aliases, the same error texts,
the ``CURRENT NAME ENDPOINTS NODES`` table, ``info`` in text/json/yaml.  The file format and path rules
live in :mod:`pytalos.machinery.client.config`; this module only parses flags and prints.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from cryptography.x509.oid import NameOID

from pytalos.cli.flags import global_options
from pytalos.machinery import role
from pytalos.machinery.client.config import Config, ConfigError, Context, open_config
from pytalos.machinery.crypto.x509 import X509Error, parse_certificate, pem_decode
from pytalos.machinery.yamlx import dumps

F = TypeVar("F", bound=Callable[..., Any])

_ALIASES = {"endpoints": "endpoint", "nodes": "node", "use-context": "context", "get-contexts": "contexts"}


class CLIError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _AliasGroup(click.Group):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, _ALIASES.get(cmd_name, cmd_name))


def _global_options(func: F) -> F:
    """``--talosconfig``/``--context`` are accepted before or after the sub-command, like cobra's."""
    func = click.option(
        "--talosconfig", default=None, metavar="PATH", help="The path to the Talos configuration file."
    )(func)
    return click.option(
        "--context", "context_name", default=None, metavar="NAME", help="Context to be used in command."
    )(func)


def _setting(name: str, value: str | None) -> str | None:
    """The innermost value given for a global option (sub-command, then ``config``, then root)."""
    if value:
        return value
    ctx: click.Context | None = click.get_current_context().parent
    while ctx is not None:
        if ctx.params.get(name):
            return str(ctx.params[name])
        ctx = ctx.parent
    return None


def _arity(args: Sequence[str], minimum: int, maximum: int | None) -> None:
    """cobra's argument-count errors."""
    n = len(args)
    if maximum == minimum and n != minimum:
        raise CLIError(f"accepts {minimum} arg(s), received {n}")
    if n < minimum:
        raise CLIError(f"requires at least {minimum} arg(s), only received {n}")
    if maximum is not None and n > maximum:
        raise CLIError(f"accepts between {minimum} and {maximum} arg(s), received {n}")


def _open(talosconfig: str | None) -> Config:
    try:
        return open_config(_setting("talosconfig", talosconfig))
    except (ConfigError, OSError) as exc:
        raise CLIError(f"error reading config: {exc}") from exc


def _open_with_context(talosconfig: str | None, name: str = "") -> Config:
    """``openConfigAndContext``: the config, after checking ``name`` (or the current one) exists."""
    cfg = _open(talosconfig)
    try:
        cfg.get_context(name or None)
    except ConfigError as exc:
        raise CLIError(str(exc)) from exc
    return cfg


def _context_data(cfg: Config, context_name: str | None) -> Context:
    """``getContextData``: ``--context`` wins over the file's current context."""
    name = _setting("context_name", context_name) or cfg.context
    if name not in cfg.contexts:
        raise CLIError(f"context {json.dumps(name)} is not defined")
    return cfg.contexts[name]


def _save(cfg: Config, talosconfig: str | None) -> None:
    try:
        cfg.save(_setting("talosconfig", talosconfig))
    except (ConfigError, OSError) as exc:
        raise CLIError(f"error writing config: {exc}") from exc


@click.group("config", cls=_AliasGroup)
@_global_options
def cli(talosconfig: str | None, context_name: str | None) -> None:
    """Manage the client configuration file (talosconfig)."""


@cli.command("endpoint")
@click.argument("endpoints", nargs=-1)
@_global_options
def endpoint(endpoints: tuple[str, ...], talosconfig: str | None, context_name: str | None) -> None:
    """Set the endpoint(s) for the current context (alias: endpoints)."""
    _arity(endpoints, 1, None)
    cfg = _open_with_context(talosconfig)
    _context_data(cfg, context_name).endpoints = [e.strip() for e in endpoints]
    _save(cfg, talosconfig)


@cli.command("node")
@click.argument("nodes", nargs=-1)
@_global_options
def node(nodes: tuple[str, ...], talosconfig: str | None, context_name: str | None) -> None:
    """Set the node(s) for the current context (alias: nodes); no arguments clears them."""
    cfg = _open_with_context(talosconfig)
    _context_data(cfg, context_name).nodes = [n.strip() for n in nodes]
    _save(cfg, talosconfig)


@cli.command("context")
@click.argument("args", nargs=-1)
@_global_options
def context(args: tuple[str, ...], talosconfig: str | None, context_name: str | None) -> None:
    """Set the current context (alias: use-context)."""
    _arity(args, 1, 1)
    cfg = _open_with_context(talosconfig, args[0])
    cfg.context = args[0]
    _save(cfg, talosconfig)


@cli.command("contexts")
@_global_options
def contexts(talosconfig: str | None, context_name: str | None) -> None:
    """List defined contexts (alias: get-contexts)."""
    cfg = _open(talosconfig)
    rows = [["CURRENT", "NAME", "ENDPOINTS", "NODES"]]
    for name in sorted(cfg.contexts):
        ctx = cfg.contexts[name]
        nodes = ",".join(ctx.nodes[:3]) + ("..." if len(ctx.nodes) > 3 else "")
        rows.append(["*" if name == cfg.context else "", name, ",".join(ctx.endpoints), nodes])
    click.echo(tabwrite(rows), nl=False)


def tabwrite(rows: Sequence[Sequence[str]], padding: int = 3) -> str:
    """Go's ``tabwriter`` (padding 3, spaces): every cell but the last of a line is padded to its column."""
    widths: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    lines = ["".join(c.ljust(widths[i] + padding) for i, c in enumerate(r[:-1])) + r[-1] for r in rows]
    return "".join(line + "\n" for line in lines)


@cli.command("add")
@click.argument("args", nargs=-1)
@click.option("--ca", default="", help="the path to the CA certificate")
@click.option("--crt", default="", help="the path to the certificate")
@click.option("--key", default="", help="the path to the key")
@_global_options
def add(
    args: tuple[str, ...], ca: str, crt: str, key: str, talosconfig: str | None, context_name: str | None
) -> None:
    """Add a new context (replacing one with the same name)."""
    _arity(args, 1, 1)
    cfg = _open(talosconfig)
    new = Context()
    if ca:
        new.ca = _read_b64(ca, "error reading CA")
    if crt or key:
        if not (crt and key):
            raise CLIError("if either the 'crt' or 'key' flag is specified, both are required")
        new.crt = _read_b64(crt, "error reading certificate")
        new.key = _read_b64(key, "error reading key")
    cfg.contexts[args[0]] = new
    _save(cfg, talosconfig)


def _read_b64(path: str, what: str) -> str:
    try:
        return base64.b64encode(Path(path).read_bytes()).decode()
    except OSError as exc:
        raise CLIError(f"{what}: open {path}: {exc.strerror or exc}") from exc


def glob_match(pattern: str, subject: str) -> bool:
    """``ryanuber/go-glob``: ``*`` matches any run of characters, nothing else is special."""
    if pattern == "*":
        return True
    parts = pattern.split("*")
    if len(parts) == 1:
        return subject == pattern
    for i, part in enumerate(parts[:-1]):
        idx = subject.find(part)
        if (i == 0 and not pattern.startswith("*") and idx != 0) or idx < 0:
            return False
        subject = subject[idx + len(part) :]
    return pattern.endswith("*") or subject.endswith(parts[-1])


@cli.command("remove")
@click.argument("args", nargs=-1)
@click.option("--dry-run", "dry_run", is_flag=True, help="dry run")
@click.option("-y", "--noconfirm", is_flag=True, help="do not ask for confirmation")
@_global_options
def remove(
    args: tuple[str, ...], dry_run: bool, noconfirm: bool, talosconfig: str | None, context_name: str | None
) -> None:
    """Remove contexts matching a glob pattern (the current context is never removed)."""
    _arity(args, 1, 1)
    pattern = args[0]
    if not pattern:
        raise CLIError("no context specified")
    cfg = _open(talosconfig)
    if not cfg.contexts:
        raise CLIError("no contexts defined")
    matches = sorted(n for n in cfg.contexts if glob_match(pattern, n))
    if not matches:
        raise CLIError(f"no contexts matched {json.dumps(pattern)}")
    changed = False
    for match in matches:
        quoted = json.dumps(match)
        if match == cfg.context:
            click.echo(
                f"skipping removal of current context {quoted}, please change it to another before removing",
                err=True,
            )
            continue
        if noconfirm:
            click.echo(f"removing context {quoted}", err=True)
        else:
            click.echo(f"remove context {quoted}? (y/N): ", nl=False)
            answer = sys.stdin.readline().strip()
            if answer.lower() not in ("y", "yes"):
                continue
        changed = True
        del cfg.contexts[match]
    if changed and not dry_run:
        _save(cfg, talosconfig)


@cli.command("merge")
@click.argument("args", nargs=-1)
@_global_options
def merge(args: tuple[str, ...], talosconfig: str | None, context_name: str | None) -> None:
    """Merge additional contexts from another client configuration file.

    Contexts with the same name are renamed while merging configs.
    """
    _arity(args, 1, None)
    cfg = _open(talosconfig)
    try:
        other = open_config(args[0])
    except (ConfigError, OSError) as exc:
        raise CLIError(f"error reading config: {exc}") from exc
    for rename in cfg.merge(other):
        click.echo(f"renamed talosconfig context {rename}", err=True)
    _save(cfg, talosconfig)


@cli.command("proxy-url")
@click.argument("args", nargs=-1)
@_global_options
def proxy_url(args: tuple[str, ...], talosconfig: str | None, context_name: str | None) -> None:
    """Show (no argument) or set the proxy URL for the current context; an empty URL clears it."""
    _arity(args, 0, 1)
    cfg = _open_with_context(talosconfig)
    ctx = _context_data(cfg, context_name)
    if not args:
        click.echo(ctx.proxy_url)
        return
    ctx.proxy_url = args[0].strip()
    _save(cfg, talosconfig)


@cli.command("new")
@click.argument("args", nargs=-1)
@click.option("--roles", multiple=True, default=[role.ADMIN], help="roles")
@click.option("--crt-ttl", default="8760h0m0s", help="certificate TTL")
@global_options
def new_config(args: tuple[str, ...], roles: tuple[str, ...], crt_ttl: str, **flags: Any) -> None:
    """Generate a new client configuration file (asks a node: MachineService.GenerateClientConfiguration)."""
    _arity(args, 0, 1)
    from pytalos.cli.commands.config_new import new_client_config

    new_client_config(args[0] if args else "talosconfig", roles, crt_ttl, flags)


# --- info ------------------------------------------------------------------------------------------

_DAY = timedelta(days=1)
_MONTH, _YEAR = 30 * _DAY, 360 * _DAY
_MAGNITUDES: list[tuple[timedelta, str, timedelta | None]] = [
    (timedelta(seconds=1), "now", None),
    (timedelta(seconds=2), "1 second %s", None),
    (timedelta(minutes=1), "%d seconds %s", timedelta(seconds=1)),
    (timedelta(minutes=2), "1 minute %s", None),
    (timedelta(hours=1), "%d minutes %s", timedelta(minutes=1)),
    (timedelta(hours=2), "1 hour %s", None),
    (_DAY, "%d hours %s", timedelta(hours=1)),
    (2 * _DAY, "1 day %s", None),
    (7 * _DAY, "%d days %s", _DAY),
    (14 * _DAY, "1 week %s", None),
    (_MONTH, "%d weeks %s", 7 * _DAY),
    (2 * _MONTH, "1 month %s", None),
    (_YEAR, "%d months %s", _MONTH),
    (18 * _MONTH, "1 year %s", None),
    (2 * _YEAR, "2 years %s", None),
    (37 * _YEAR, "%d years %s", _YEAR),
]


def rel_time(then: datetime, now: datetime) -> str:
    """``humanize.RelTime(then, now, "ago", "from now")`` (months are 30 days, years 360)."""
    label, diff = ("from now", then - now) if then > now else ("ago", now - then)
    for limit, fmt, unit in _MAGNITUDES:
        if diff < limit:
            text = fmt.replace("%d", str(diff // unit)) if unit else fmt
            return text.replace("%s", label)
    return f"a long while {label}"


def config_info(cfg: Config, context_name: str | None, now: datetime) -> dict[str, Any]:
    """``configInfo``: context, nodes, endpoints, roles and cert expiry of the selected context."""
    ctx = _context_data(cfg, context_name)
    roles: list[str] = []
    ttl = not_after = ""
    if ctx.crt:
        try:
            pem = base64.b64decode(ctx.crt, validate=True)
        except ValueError as exc:
            raise CLIError(f"illegal base64 data in the context certificate: {exc}") from exc
        if pem_decode(pem) is None:
            raise CLIError("error decoding PEM")
        try:
            crt = parse_certificate(pem)
        except X509Error as exc:
            raise CLIError(str(exc)) from exc
        orgs = [str(a.value) for a in crt.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
        roles = role.parse(orgs).strings()
        expires = crt.not_valid_after_utc
        ttl, not_after = rel_time(expires, now), expires.strftime("%Y-%m-%d")
    return {
        "context": _setting("context_name", context_name) or cfg.context,
        "nodes": list(ctx.nodes) or None,
        "endpoints": list(ctx.endpoints),
        "roles": roles or None,
        "certTTL": ttl,
        "certNotAfter": not_after,
    }


def format_info_text(info: dict[str, Any]) -> str:
    lines = [
        f"Current context:     {info['context']}",
        f"Nodes:               {', '.join(info['nodes'] or []) or 'not defined'}",
        f"Endpoints:           {', '.join(info['endpoints'] or []) or 'not defined'}",
    ]
    if info["roles"]:
        lines.append(f"Roles:               {', '.join(info['roles'])}")
    if info["certTTL"]:
        lines.append(f"Certificate expires: {info['certTTL']} ({info['certNotAfter']})")
    return "\n".join(lines) + "\n"


@cli.command("info")
@click.option("-o", "--output", default="text", help="output format (json|yaml|text). Default text.")
@_global_options
def info(output: str, talosconfig: str | None, context_name: str | None) -> None:
    """Show information about the current context."""
    cfg = _open_with_context(talosconfig)
    data = config_info(cfg, context_name, datetime.now(UTC))
    if output == "text":
        click.echo(format_info_text(data), nl=False)
    elif output == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif output == "yaml":
        click.echo(dumps({k: ([] if v is None else v) for k, v in data.items()}), nl=False)
    else:
        raise CLIError(f"unknown output format: {json.dumps(output)}")
