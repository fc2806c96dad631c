"""The client configuration file, ``talosconfig`` (``pkg/machinery/client/config``).

talosctl keeps named contexts -- endpoints, default nodes and the client credentials (CA, cert, key
as base64 of PEM) -- in one YAML file that ``gen config`` creates and ``talosctl config ...`` edits.
This module owns that format (key order and omission as Talos writes it, legacy ``target`` upgraded
into ``endpoints``), the default-path rules, merging with ``name-1``-style renames, and the only file
write in the client machinery: :func:`write_file_atomic` (temp file + fsync + rename, mode 0600).
"""

from __future__ import annotations

import base64
import copy
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from pytalos.machinery import role
from pytalos.machinery.config.types.common.gofmt import go_quote
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.bundle import SecretsBundle, SecretsBundleError
from pytalos.machinery.secrets.ca import ADMIN_CERT_TTL
from pytalos.machinery.yamlx import dumps, go_key_sort

TALOSCONFIG_ENV = "TALOSCONFIG"
TALOS_HOME_ENV = "TALOS_HOME"
#: Where Kubernetes workloads get a talosconfig mounted (read-only, never written).
SERVICE_ACCOUNT_CONFIG = "/var/run/secrets/talos.dev/config"


class ConfigError(ValueError):
    """The talosconfig cannot be read, has the wrong shape, or lacks the requested context."""


@dataclass
class Basic:
    username: str = ""
    password: str = ""


@dataclass
class SideroV1:
    identity: str = ""


@dataclass
class Auth:
    basic: Basic | None = None
    siderov1: SideroV1 | None = None


@dataclass
class Context:
    """One talosconfig context; ``ca``/``crt``/``key`` are base64 of PEM exactly as stored."""

    endpoints: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    ca: str = ""
    crt: str = ""
    key: str = ""
    auth: Auth = field(default_factory=Auth)
    cluster: str = ""
    proxy_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"endpoints": list(self.endpoints)}
        if self.nodes:
            out["nodes"] = list(self.nodes)
        for name in ("ca", "crt", "key"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        auth: dict[str, Any] = {}
        if self.auth.basic is not None:
            auth["basic"] = {"username": self.auth.basic.username, "password": self.auth.basic.password}
        if self.auth.siderov1 is not None:
            auth["siderov1"] = {"identity": self.auth.siderov1.identity}
        if auth:
            out["auth"] = auth
        if self.cluster:
            out["cluster"] = self.cluster
        if self.proxy_url:
            out["proxy-url"] = self.proxy_url
        return out

    def credentials_pem(self) -> tuple[bytes, bytes, bytes]:
        """(CA, client certificate, client key) as PEM bytes."""
        try:
            dec = [base64.b64decode(v, validate=True) for v in (self.ca, self.crt, self.key)]
        except ValueError as exc:
            raise ConfigError(f"talosconfig credentials are not valid base64: {exc}") from exc
        return dec[0], dec[1], dec[2]


@dataclass(frozen=True)
class Rename:
    """A context renamed while merging; ``str()`` is ``"from" -> "to"`` like Talos prints it."""

    from_name: str
    to_name: str

    def __str__(self) -> str:
        return f"{go_quote(self.from_name)} -> {go_quote(self.to_name)}"


@dataclass(frozen=True)
class ConfigPath:
    path: str
    write_allowed: bool


@dataclass
class Config:
    """A talosconfig: the current context name and all contexts by name."""

    context: str = ""
    contexts: dict[str, Context] = field(default_factory=dict)
    #: Where the config was read from (decides where :meth:`save` writes when given no path).
    path: ConfigPath | None = field(default=None, compare=False, repr=False)

    @classmethod
    def new(
        cls, context_name: str, endpoints: Sequence[str], ca_crt: bytes, client: CertificateAndKey
    ) -> Config:
        """``config.NewConfig``: a config with a single context that is also current."""
        b64 = base64.b64encode
        ctx = Context(
            endpoints=list(endpoints),
            ca=b64(ca_crt).decode(),
            crt=b64(client.crt).decode(),
            key=b64(client.key).decode(),
        )
        return cls(context=context_name, contexts={context_name: ctx})

    @classmethod
    def from_bundle(
        cls,
        cluster_name: str,
        bundle: SecretsBundle,
        endpoints: Sequence[str] = (),
        roles: Iterable[str] = (role.ADMIN,),
        ttl: timedelta = ADMIN_CERT_TTL,
        now: datetime | None = None,
    ) -> Config:
        """The talosconfig ``gen config`` writes: an admin client cert cut from the bundle's OS CA."""
        if bundle.certs is None or bundle.certs.os is None:
            raise SecretsBundleError(["certs.os is required"], bundle.source)
        client = bundle.admin_certificate(tuple(roles), ttl, now)
        return cls.new(cluster_name, endpoints, bundle.certs.os.crt, client)

    # --- YAML ----------------------------------------------------------------------------------

    @classmethod
    def from_yaml(cls, text: str | bytes, source: str | None = None) -> Config:
        where = f" {source}" if source else ""
        try:
            data = yaml.load(text, Loader=_GoStringLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise ConfigError(f"error parsing talosconfig{where}: {exc}") from exc
        try:
            return cls._from_data(data)
        except TypeError as exc:
            raise ConfigError(f"error parsing talosconfig{where}: {exc}") from exc

    @classmethod
    def _from_data(cls, data: Any) -> Config:
        root = _mapping(data, "talosconfig")
        cfg = cls(context=_str(root, "context", ""))
        for name, raw in _mapping(root.get("contexts"), "contexts").items():
            where = f"contexts.{name}"
            c = _mapping(raw, where)
            ctx = Context(
                endpoints=_strs(c, "endpoints", where),
                nodes=_strs(c, "nodes", where),
                ca=_str(c, "ca", where),
                crt=_str(c, "crt", where),
                key=_str(c, "key", where),
                auth=_auth(c.get("auth"), f"{where}.auth"),
                cluster=_str(c, "cluster", where),
                proxy_url=_str(c, "proxy-url", where),
            )
            if target := _str(c, "target", where):  # legacy field, upgraded like Context.upgrade
                ctx.endpoints.append(target)
            cfg.contexts[str(name)] = ctx
        return cfg

    def to_dict(self) -> dict[str, Any]:
        names = go_key_sort(list(self.contexts))
        return {"context": self.context, "contexts": {n: self.contexts[n].to_dict() for n in names}}

    def to_yaml(self) -> str:
        return dumps(self.to_dict())

    # --- operations ----------------------------------------------------------------------------

    def get_context(self, name: str | None = None) -> Context:
        """The named context (default: the current one), or :class:`ConfigError` naming what is missing."""
        name = name or self.context
        if not name:
            raise ConfigError("no context is set")
        if name not in self.contexts:
            raise ConfigError(f"context {go_quote(name)} is not defined")
        return self.contexts[name]

    def merge(self, other: Config) -> list[Rename]:
        """``Config.Merge``: add ``other``'s contexts, renaming clashes ``name-1``, ``name-2``...

        The current context becomes ``other``'s current one (under its new name) if it has one.
        """
        mapped: dict[str, str] = {}
        renames: list[Rename] = []
        for name in sorted(other.contexts):
            merged, i = name, 0
            while merged in self.contexts:
                i += 1
                merged = f"{name}-{i}"
            mapped[name] = merged
            if merged != name:
                renames.append(Rename(name, merged))
            self.contexts[merged] = copy.deepcopy(other.contexts[name])
        if other.context:
            self.context = mapped.get(other.context, "")
        return renames

    def save(self, path: str | None = None, env: Mapping[str, str] | None = None) -> None:
        """Write atomically with mode 0600: to ``path``, else where it was read from, else the default."""
        if path:
            self.path = ConfigPath(path, True)
        elif self.path is None:
            self.path = first_valid_path(env)
        if not self.path.write_allowed:
            raise ConfigError(f"not allowed to write to config: {self.path.path}")
        write_file_atomic(self.path.path, self.to_yaml().encode(), mode=0o600)


# --- paths -----------------------------------------------------------------------------------------


def talos_directory(env: Mapping[str, str] | None = None) -> str:
    """``$TALOS_HOME`` if set, else ``~/.talos``."""
    env = os.environ if env is None else env
    if env.get(TALOS_HOME_ENV):
        return env[TALOS_HOME_ENV]
    home = env.get("HOME") or str(Path.home())
    return os.path.join(home, ".talos")


def default_paths(env: Mapping[str, str] | None = None) -> list[ConfigPath]:
    """Candidate talosconfig paths in priority order: ``$TALOSCONFIG``, ``<talos dir>/config``, the
    service-account mount (read-only)."""
    env = os.environ if env is None else env
    paths = [ConfigPath(env[TALOSCONFIG_ENV], True)] if TALOSCONFIG_ENV in env else []
    paths.append(ConfigPath(os.path.join(talos_directory(env), "config"), True))
    paths.append(ConfigPath(SERVICE_ACCOUNT_CONFIG, False))
    return paths


def first_valid_path(env: Mapping[str, str] | None = None) -> ConfigPath:
    """The first existing candidate; if none exists, the first writable one, created empty (as Go does)."""
    candidates = default_paths(env)
    for candidate in candidates:
        if os.path.exists(candidate.path):
            return candidate
    writable = next((c for c in candidates if c.write_allowed), None)
    if writable is None:  # pragma: no cover - the home path is always writable-allowed
        raise ConfigError("no valid config paths found")
    Config().save(writable.path)
    return writable


def open_config(path: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """``config.Open``: an explicit path is created empty when missing; otherwise the default rules."""
    if path:
        where = ConfigPath(path, True)
        if not os.path.exists(path):
            Config().save(path)
    else:
        where = first_valid_path(env)
    try:
        text = Path(where.path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"open {where.path}: {exc.strerror or exc}") from exc
    cfg = Config.from_yaml(text, source=where.path)
    cfg.path = where
    return cfg


def write_file_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data``: temp file in the same directory, fsync, chmod, rename.

    Missing parent directories are created with mode 0700.  Readers never see a partial file and no
    temp file is left behind on failure.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


# --- decoding helpers ------------------------------------------------------------------------------


class _GoStringLoader(yaml.SafeLoader):
    """Plain scalars stay strings (only ``null`` resolves), like decoding into Go string fields."""


_GoStringLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _auth(value: Any, where: str) -> Auth:
    auth = _mapping(value, where)
    basic, sidero = auth.get("basic"), auth.get("siderov1")
    out = Auth()
    if basic is not None:
        b = _mapping(basic, f"{where}.basic")
        out.basic = Basic(_str(b, "username", f"{where}.basic"), _str(b, "password", f"{where}.basic"))
    if sidero is not None:
        out.siderov1 = SideroV1(_str(_mapping(sidero, f"{where}.siderov1"), "identity", f"{where}.siderov1"))
    return out


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _str(data: dict[Any, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{where}.{key}: expected a string, got {type(value).__name__}".lstrip("."))
    return value


def _strs(data: dict[Any, Any], key: str, where: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{where}.{key}: expected a list of strings")
    return list(value)
