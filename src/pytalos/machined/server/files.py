"""``MachineService.List``, ``Read``, ``Copy`` and ``DiskUsage``: the node's files, inside its root.

A pytalos node's ``/`` is its node root folder (``/var`` = EPHEMERAL, ``/system/state`` = STATE, …;
:mod:`pytalos.machined.node.layout`), so every path in a request is taken relative to that folder:
``..`` cannot climb above it (the path is normalised as an absolute path first) and a path whose
symlinks resolve outside it is refused with ``PermissionDenied``. Listed symlinks are reported with
their target and never followed. Names in replies are node paths (``/var/log/etcd.log``).

``List`` follows Talos's walker: the root itself (relative name ``.``), then entries down to the
recursion depth (1 unless ``recurse``; ``recurse`` with depth 0 = unlimited), filtered by ``types``;
``mode`` is Go's ``os.FileMode`` bits, which talosctl prints. ``Read`` streams a file's bytes,
``Copy`` a ``tar.gz`` of a file or folder (entries under its base name), ``DiskUsage`` the recursive
size of each path and of the folders (and, with ``all``, files) above ``recursion_depth``.
Reads of contents (``Read``, ``Copy``) need ``os:admin``; listings admin, operator or reader.
"""

from __future__ import annotations

import asyncio
import io
import os
import posixpath
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, node_part

_READ_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
_ADMIN = frozenset({"os:admin"})
CHUNK = 64 << 10

# Go's os.FileMode type bits (io/fs).
GO_DIR = 1 << 31
GO_APPEND = 1 << 30
GO_EXCLUSIVE = 1 << 29
GO_TEMPORARY = 1 << 28
GO_SYMLINK = 1 << 27
GO_DEVICE = 1 << 26
GO_NAMED_PIPE = 1 << 25
GO_SOCKET = 1 << 24
GO_SETUID = 1 << 23
GO_SETGID = 1 << 22
GO_CHAR_DEVICE = 1 << 21
GO_STICKY = 1 << 20
GO_IRREGULAR = 1 << 19


def go_file_mode(st_mode: int) -> int:
    """``stat.st_mode`` → Go's ``os.FileMode`` (what ``FileInfo.mode`` carries)."""
    mode = st_mode & 0o777
    kind = stat.S_IFMT(st_mode)
    mode |= {
        stat.S_IFDIR: GO_DIR,
        stat.S_IFLNK: GO_SYMLINK,
        stat.S_IFBLK: GO_DEVICE,
        stat.S_IFCHR: GO_DEVICE | GO_CHAR_DEVICE,
        stat.S_IFIFO: GO_NAMED_PIPE,
        stat.S_IFSOCK: GO_SOCKET,
        stat.S_IFREG: 0,
    }.get(kind, GO_IRREGULAR)
    if st_mode & stat.S_ISUID:
        mode |= GO_SETUID
    if st_mode & stat.S_ISGID:
        mode |= GO_SETGID
    if st_mode & stat.S_ISVTX:
        mode |= GO_STICKY
    return mode


class NodePaths:
    """Node paths (``/var/log``) ↔ host paths under the node root (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))

    def node_path(self, path: str) -> str:
        return posixpath.normpath("/" + (path or "/").lstrip("/")) if path else "/"

    def host(self, path: str) -> Path:
        """The host path for node ``path``; ``PermissionDenied`` if its symlinks lead outside the root."""
        node = self.node_path(path)
        host = self.root / node.lstrip("/") if node != "/" else self.root
        real = Path(os.path.realpath(host))
        if real != self.root and self.root not in real.parents:
            raise GRPCError(Status.PERMISSION_DENIED, f"{node}: resolves outside the node root")
        return host


def _node_paths(api: object) -> NodePaths:
    layout = node_part(api, "layout", "its files")
    return NodePaths(layout.root)


def _walk(top: Path, max_depth: int) -> Iterator[tuple[Path, int, os.stat_result | OSError]]:
    """(path, depth, lstat or error), ``top`` first at depth 0, pre-order, names sorted."""
    try:
        st: os.stat_result | OSError = top.lstat()
    except OSError as err:
        st = err
    yield top, 0, st
    if isinstance(st, OSError) or not stat.S_ISDIR(st.st_mode):
        return
    stack: list[tuple[Path, int]] = [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        if max_depth >= 0 and depth >= max_depth:
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError as err:
            yield folder, depth, err
            continue
        children = []
        for name in names:
            child = folder / name
            try:
                child_st: os.stat_result | OSError = child.lstat()
            except OSError as err:
                child_st = err
            yield child, depth + 1, child_st
            if not isinstance(child_st, OSError) and stat.S_ISDIR(child_st.st_mode):
                children.append((child, depth + 1))
        stack.extend(reversed(children))


def _type_of(st_mode: int) -> int:
    if stat.S_ISDIR(st_mode):
        return machine_pb2.ListRequest.DIRECTORY
    if stat.S_ISLNK(st_mode):
        return machine_pb2.ListRequest.SYMLINK
    return machine_pb2.ListRequest.REGULAR


def list_entries(paths: NodePaths, request: machine_pb2.ListRequest) -> list[machine_pb2.FileInfo]:
    """``List``'s replies for ``request`` (see the module docstring)."""
    node_root = paths.node_path(request.root)
    top = paths.host(node_root)
    if request.recurse:
        depth = -1 if request.recursion_depth == 0 else request.recursion_depth
    else:
        depth = 1
    wanted = set(request.types)
    out = []
    for path, _level, st in _walk(top, depth):
        relative = os.path.relpath(path, top)
        name = posixpath.join(node_root, relative) if relative != "." else node_root
        if isinstance(st, OSError):
            out.append(machine_pb2.FileInfo(name=name, relative_name=relative, error=str(st.strerror)))
            continue
        if wanted and _type_of(st.st_mode) not in wanted:
            continue
        link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else ""
        out.append(
            machine_pb2.FileInfo(
                name=name,
                relative_name=relative,
                size=st.st_size,
                mode=go_file_mode(st.st_mode),
                modified=int(st.st_mtime),
                is_dir=stat.S_ISDIR(st.st_mode),
                link=link,
                uid=st.st_uid,
                gid=st.st_gid,
            )
        )
    return out


def disk_usage(paths: NodePaths, request: machine_pb2.DiskUsageRequest) -> list[machine_pb2.DiskUsageInfo]:
    """``DiskUsage``: recursive sizes; entries deeper than ``recursion_depth - 1`` only add to totals."""
    out: list[machine_pb2.DiskUsageInfo] = []
    for requested in request.paths or ["/"]:
        node_root = paths.node_path(requested)
        top = paths.host(node_root)
        sizes: dict[Path, int] = {}
        entries: list[tuple[Path, int, bool]] = []
        for path, depth, st in _walk(top, -1):
            if isinstance(st, OSError):
                out.append(machine_pb2.DiskUsageInfo(name=str(path), error=f"{node_root}: {st.strerror}"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            entries.append((path, depth, is_dir))
            for parent in (path, *path.parents):
                sizes[parent] = sizes.get(parent, 0) + st.st_size
                if parent == top:
                    break
        limit = request.recursion_depth
        for path, depth, is_dir in entries:
            if limit > 0 and depth > limit - 1:
                continue
            if not is_dir and not request.all and path != top:
                continue
            size = sizes.get(path, 0)
            if request.threshold > 0 and size < request.threshold:
                continue
            if request.threshold < 0 and size > -request.threshold:
                continue
            relative = os.path.relpath(path, top)
            name = posixpath.join(node_root, relative) if relative != "." else node_root
            out.append(
                machine_pb2.DiskUsageInfo(
                    name=name, size=size, relative_name=node_root if relative == "." else relative
                )
            )
    return out


def targz(top: Path) -> bytes:
    """A ``tar.gz`` of ``top`` (file or folder) with its entries under ``top``'s base name."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(str(top), arcname=top.name or ".", recursive=True)
    return buffer.getvalue()


class FilesApi:
    """``List``, ``Read``, ``Copy``, ``DiskUsage`` (mixin of ``MachineApi``)."""

    async def List(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _READ_ROLES)
        request = await stream.recv_message()
        assert request is not None
        entries = await asyncio.to_thread(list_entries, _node_paths(self), request)
        for info in entries:
            await stream.send_message(info)

    async def DiskUsage(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _READ_ROLES)
        request = await stream.recv_message()
        assert request is not None
        for info in await asyncio.to_thread(disk_usage, _node_paths(self), request):
            await stream.send_message(info)

    async def Read(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        request = await stream.recv_message()
        assert request is not None
        paths = _node_paths(self)
        host = paths.host(request.path)
        node = paths.node_path(request.path)
        try:
            f = open(host, "rb")  # noqa: SIM115 - streamed chunk by chunk below
        except OSError as err:
            raise GRPCError(Status.NOT_FOUND, f"open {node}: {(err.strerror or str(err)).lower()}") from None
        with f:
            if stat.S_ISDIR(os.fstat(f.fileno()).st_mode):
                raise GRPCError(Status.INVALID_ARGUMENT, f"read {node}: is a directory")
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                await stream.send_message(common_pb2.Data(bytes=chunk))

    async def Copy(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        request = await stream.recv_message()
        assert request is not None
        paths = _node_paths(self)
        host = paths.host(request.root_path)
        if not host.exists():
            raise GRPCError(
                Status.NOT_FOUND, f"{paths.node_path(request.root_path)}: no such file or directory"
            )
        data = await asyncio.to_thread(targz, host)
        for start in range(0, len(data), CHUNK):
            await stream.send_message(common_pb2.Data(bytes=data[start : start + CHUNK]))
