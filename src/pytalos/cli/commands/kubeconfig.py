"""``talosctl kubeconfig [local-path]``: download the admin kubeconfig from one control plane node.

Talos's behaviour (``cmd/talosctl/cmd/talos/kubeconfig.go``): exactly one node; with ``-m/--merge``
(default true) the kubeconfig is merged into ``[local-path]`` or the default path (the first entry of
``KUBECONFIG``, else ``~/.kube/config``) with go-kubeconfig's conflict rules
(:mod:`pytalos.machinery.kubernetes.merge`): ``-f/--force`` overwrites, otherwise a conflicting entry
is renamed ``name-1``... (asked interactively only when stdin and stdout are terminals) and each
rename is printed; ``--force-context-name`` sets the context name. A path that is a directory gets
``/kubeconfig`` appended; a missing file is simply written (nothing to merge). With ``--merge=false``
the file goes to ``./kubeconfig`` or ``[local-path]`` (``-`` = stdout) and an existing file needs
``--force``. Files are written atomically with mode 0600.
"""

from __future__ import annotations

import io
import os
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import click
from google.protobuf import empty_pb2

from pytalos.cli.nodeclient import ClientFactory, CLIError, GlobalArgs, global_options, run
from pytalos.machinery.config.types.common.gofmt import go_quote
from pytalos.machinery.kubernetes.merge import Component, Decision, Kubeconfig, KubeconfigError

from ._streaming import stream_nodes

STDOUT = "-"
_MERGE = ("--merge", "--no-merge")
_FORCE = ("--force", "--no-force")
_BOOL_FLAGS = {"--merge": _MERGE, "-m": _MERGE, "--force": _FORCE, "-f": _FORCE}


class GoBoolCommand(click.Command):
    """Accepts cobra's ``--merge=false`` / ``-m=true`` spellings of boolean flags."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        for arg in args:
            name, eq, value = arg.partition("=")
            if eq and name in _BOOL_FLAGS:
                if value.lower() not in ("true", "false", "1", "0", "t", "f"):
                    raise click.BadParameter(f'invalid argument "{value}" for "{name}" flag', ctx=ctx)
                on, off = _BOOL_FLAGS[name]
                arg = on if value.lower() in ("true", "1", "t") else off
            out.append(arg)
        return super().parse_args(ctx, out)


def default_path() -> Path:
    """go-kubeconfig ``SinglePath``: the first ``KUBECONFIG`` entry, else ``~/.kube/config``."""
    for entry in os.environ.get("KUBECONFIG", "").split(os.pathsep):
        if entry:
            return Path(entry)
    return Path.home() / ".kube" / "config"


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` atomically (temp file in the same folder, fsync, rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def extract_kubeconfig(archive: bytes) -> bytes:
    """The ``kubeconfig`` entry of the ``.tar.gz`` the node sent."""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar:
                if member.name == "kubeconfig" and member.isfile():
                    f = tar.extractfile(member)
                    if f is not None:
                        return f.read()
    except (tarfile.TarError, OSError, EOFError) as err:
        raise CLIError(f"error extracting kubeconfig: {err}") from err
    raise CLIError("kubeconfig file not found in the archive")


def _conflict_handler(force: bool) -> Any:
    interactive = sys.stdin.isatty() and sys.stdout.isatty()

    def handle(component: Component, name: str) -> Decision:
        if force:
            return Decision.OVERWRITE
        if not interactive:
            return Decision.RENAME
        while True:
            answer = click.prompt(
                f"{component.value} {go_quote(name)} already exists [(r)ename/(o)verwrite]",
                prompt_suffix=": ",
                default="",
                show_default=False,
            )
            answer = answer.strip().lower()
            if answer in ("overwrite", "o"):
                return Decision.OVERWRITE
            if answer in ("rename", "r"):
                return Decision.RENAME

    return handle


def merge_into(data: bytes, path: Path, *, force: bool, force_context_name: str) -> None:
    """``extractAndMerge``: merge ``data`` into the kubeconfig at ``path`` and write it back."""
    try:
        new = Kubeconfig.parse(data, "downloaded kubeconfig")
        existing = Kubeconfig.parse(path.read_bytes(), str(path))
    except KubeconfigError as err:
        raise CLIError(str(err)) from err
    except OSError as err:
        raise CLIError(f"error reading {go_quote(str(path))}: {err.strerror}") from err
    existing.merge(
        new,
        _conflict_handler(force),
        force_context_name=force_context_name,
        report=lambda line: click.echo(line),
    )
    write_file(path, existing.dump().encode())


def resolve_path(local_path: str | None, merge: bool) -> Path:
    if local_path is None:
        path = default_path() if merge else Path.cwd()
    else:
        path = Path(os.path.normpath(local_path))
    try:
        if path.is_dir():
            return path / "kubeconfig"
    except OSError as err:
        raise CLIError(f"error checking path {go_quote(str(path))}: {err}") from err
    if str(path) != STDOUT:
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


@click.command("kubeconfig", cls=GoBoolCommand)
@click.argument("local_path", required=False)
@click.option(
    "-f",
    "--force/--no-force",
    default=False,
    help="Force overwrite of kubeconfig if already present, force overwrite on kubeconfig merge",
)
@click.option("--force-context-name", default="", help="Force context name for kubeconfig merge")
@click.option(
    "-m", "--merge/--no-merge", default=True, show_default=True, help="Merge with existing kubeconfig"
)
@global_options
def cli(
    local_path: str | None,
    force: bool,
    force_context_name: str,
    merge: bool,
    **flags: Any,
) -> None:
    """Download the admin kubeconfig from the node.

    If merge flag is true, config will be merged with ~/.kube/config or [local-path] if specified.
    Otherwise, kubeconfig will be written to PWD or [local-path] if specified.

    If merge flag is false and [local-path] is "-", config will be written to stdout.
    """
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    factory.require_single_node("kubeconfig")
    path = resolve_path(local_path, merge)
    if path.exists():
        if not (force or merge):
            raise CLIError(f"kubeconfig file already exists, use --force to overwrite: {go_quote(str(path))}")
    else:
        merge = False  # nothing to merge into
    chunks: list[bytes] = []
    errors = run(
        factory,
        stream_nodes(factory, "Kubeconfig", empty_pb2.Empty(), lambda node, data: chunks.append(data.bytes)),
    )
    if errors:
        raise CLIError("\n".join(e.message for e in errors))
    data = extract_kubeconfig(b"".join(chunks))
    if merge:
        merge_into(data, path, force=force, force_context_name=force_context_name)
    elif str(path) == STDOUT:
        sys.stdout.buffer.write(data)
    else:
        write_file(path, data)
