"""The cluster secrets bundle (``talosctl gen secrets`` / ``gen config --with-secrets``).

Every secret a cluster's machine configs share -- cluster identity, bootstrap and trustd tokens, the
etcd encryption key and the five CAs -- lives in one ``secrets.yaml`` so configs can be regenerated
for the same cluster.  The file format is Talos's (``pkg/machinery/config/generate/secrets``):
lowercased field names, 4-space indent, ``crt``/``key`` as base64 of PEM, sections in the order
cluster, secrets, trustdinfo, certs.  Validation reports every problem at once, worded and ordered
like Talos's ``Bundle.Validate`` so users see the same messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from pytalos.machinery import role
from pytalos.machinery.config.types.common.gofmt import multierror_text
from pytalos.machinery.crypto.x509 import CertificateAndKey, PEMEncodedKey, X509Error
from pytalos.machinery.secrets import ca
from pytalos.machinery.yamlx import dumps

if TYPE_CHECKING:
    from pytalos.machinery.config.container import Container

    from .sources import PKIFiles


class _HasMajorMinor(Protocol):
    @property
    def major(self) -> int: ...

    @property
    def minor(self) -> int: ...


#: A Talos version contract: ``None`` = the current version, ``(major, minor)``, or any object with
#: ``major``/``minor`` attributes (the project-wide ``VersionContract`` type once it lands).
ContractLike = tuple[int, int] | _HasMajorMinor | None

_VERSION_RE = re.compile(r"^v(\d+)\.(\d+)($|\.)")


def parse_contract(version: str) -> tuple[int, int]:
    """``config.ParseContractFromVersion``: ``v1.7``, ``1.7.3``, ``v1.8.0-alpha.1`` -> (1, 7)..."""
    match = _VERSION_RE.match("v" + version.removeprefix("v"))
    if match is None:
        raise ValueError(f'error parsing version "v{version.removeprefix("v")}"')
    return int(match.group(1)), int(match.group(2))


def contract_greater(contract: ContractLike, other: tuple[int, int]) -> bool:
    """``VersionContract.Greater``: the current contract (None) is newer than any fixed one."""
    if contract is None:
        return True
    mine = contract if isinstance(contract, tuple) else (contract.major, contract.minor)
    return mine > other


class SecretsBundleError(ValueError):
    """A secrets bundle failed to load or validate; ``errors`` lists every problem in Talos's order."""

    def __init__(self, errors: list[str], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        super().__init__(str(self))

    @property
    def multierror_text(self) -> str:
        """The text Go's ``hashicorp/go-multierror`` would print for the same errors."""
        return multierror_text(self.errors)

    def __str__(self) -> str:
        where = f" {self.source}" if self.source else ""
        return f"invalid secrets bundle{where}: {self.multierror_text.rstrip()}"


@dataclass
class Cluster:
    id: str = ""
    secret: str = ""


@dataclass
class Secrets:
    bootstrap_token: str = ""
    aescbc_encryption_secret: str = ""
    secretbox_encryption_secret: str = ""


@dataclass
class TrustdInfo:
    token: str = ""


@dataclass
class Certs:
    etcd: CertificateAndKey | None = None
    k8s: CertificateAndKey | None = None
    k8s_aggregator: CertificateAndKey | None = None
    k8s_service_account: PEMEncodedKey | None = None
    os: CertificateAndKey | None = None


_CERT_KEYS = (("etcd", "etcd"), ("k8s", "k8s"), ("k8saggregator", "k8s_aggregator"), ("os", "os"))


@dataclass
class SecretsBundle:
    """Cluster-wide secrets.  ``None`` sections mean "absent" (``null`` in YAML), like Go's nil pointers."""

    cluster: Cluster | None = None
    secrets: Secrets | None = None
    trustd_info: TrustdInfo | None = None
    certs: Certs | None = None
    #: Where the bundle was read from; only used to name the file in errors.
    source: str | None = field(default=None, compare=False, repr=False)
    #: The bundle's clock, fixed (Talos's ``NewFixedClock``): CAs it generates and client certificates
    #: cut from it start then.  None = the system clock (Talos's ``NewClock``).  Not part of equality.
    fixed_time: datetime | None = field(default=None, compare=False, repr=False)

    # --- creation ------------------------------------------------------------------------------

    @classmethod
    def generate(cls, version_contract: ContractLike = None, *, now: datetime | None = None) -> SecretsBundle:
        """``secrets.NewBundle``: a fresh bundle for the given Talos version contract (None = current).

        Contracts newer than v1.2 get a secretbox key, older ones an AES-CBC key; contracts newer than
        v1.6 get an RSA service-account key, older ones ECDSA.  All CAs start at ``now``.
        """
        bundle = cls()
        bundle.populate(version_contract, now=now)
        return bundle

    def populate(self, version_contract: ContractLike = None, *, now: datetime | None = None) -> None:
        """Fill every missing secret (``Bundle.populate``); present ones are kept."""
        now = now or self.fixed_time
        certs = self.certs = self.certs or Certs()
        certs.etcd = certs.etcd or ca.new_etcd_ca(now)
        certs.k8s = certs.k8s or ca.new_kubernetes_ca(now)
        certs.k8s_aggregator = certs.k8s_aggregator or ca.new_aggregator_ca(now)
        if certs.k8s_service_account is None:
            certs.k8s_service_account = ca.new_service_account_key(contract_greater(version_contract, (1, 6)))
        certs.os = certs.os or ca.new_talos_ca(now)

        sec = self.secrets = self.secrets or Secrets()
        sec.bootstrap_token = sec.bootstrap_token or ca.gen_token(6, 16)
        if contract_greater(version_contract, (1, 2)):
            sec.secretbox_encryption_secret = sec.secretbox_encryption_secret or ca.random_b64(32)
        else:
            sec.aescbc_encryption_secret = sec.aescbc_encryption_secret or ca.random_b64(32)

        trustd = self.trustd_info = self.trustd_info or TrustdInfo()
        trustd.token = trustd.token or ca.gen_token(6, 16)

        cluster = self.cluster = self.cluster or Cluster()
        cluster.id = cluster.id or ca.random_b64(ca.CLUSTER_ID_SIZE)
        cluster.secret = cluster.secret or ca.random_b64(ca.CLUSTER_SECRET_SIZE)

    @classmethod
    def from_kubernetes_pki(
        cls,
        pki_dir: str,
        bootstrap_token: str = "",
        version_contract: ContractLike = None,
        *,
        files: PKIFiles | None = None,
        now: datetime | None = None,
    ) -> SecretsBundle:
        """``NewBundleFromKubernetesPKI``: adopt a kubeadm PKI directory (see :mod:`.sources`)."""
        from .sources import bundle_from_kubernetes_pki

        return bundle_from_kubernetes_pki(pki_dir, bootstrap_token, version_contract, files=files, now=now)

    @classmethod
    def from_controlplane_config(
        cls, config: Container | bytes, source: str = "", *, now: datetime | None = None
    ) -> SecretsBundle:
        """``NewBundleFromConfig``: the secrets of a control plane's machine config (see :mod:`.sources`)."""
        from .sources import bundle_from_config

        return bundle_from_config(config, source, now=now)

    def admin_certificate(
        self,
        roles: tuple[str, ...] = (role.ADMIN,),
        ttl: timedelta = ca.ADMIN_CERT_TTL,
        now: datetime | None = None,
    ) -> CertificateAndKey:
        """``GenerateTalosAPIClientCertificateWithTTL``: a talosconfig client cert from ``certs.os``."""
        if self.certs is None or self.certs.os is None:
            raise SecretsBundleError(["certs.os is required"], self.source)
        return ca.new_admin_certificate(self.certs.os, roles, ttl, now or self.fixed_time)

    # --- validation ----------------------------------------------------------------------------

    def validation_errors(self) -> list[str]:
        """Every problem, in the order Talos's ``Bundle.Validate`` reports them."""
        errs: list[str] = []
        if self.cluster is None:
            errs.append("cluster is required")
        else:
            if not self.cluster.id:
                errs.append("cluster.id is required")
            if not self.cluster.secret:
                errs.append("cluster.secret is required")
        if self.secrets is None:
            errs.append("secrets is required")
        else:
            sec = self.secrets
            if not sec.bootstrap_token:
                errs.append("secrets.bootstraptoken is required")
            both = "[secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret]"
            if not sec.aescbc_encryption_secret and not sec.secretbox_encryption_secret:
                errs.append(f"one of {both} is required")
            if sec.aescbc_encryption_secret and sec.secretbox_encryption_secret:
                errs.append(f"only one of {both} is allowed")
        if self.trustd_info is None:
            errs.append("trustdinfo is required")
        elif not self.trustd_info.token:
            errs.append("trustdinfo.token is required")
        errs += self._cert_errors()
        return errs

    def _cert_errors(self) -> list[str]:
        if self.certs is None:
            return ["certs is required"]
        errs: list[str] = []
        for yaml_key, attr in _CERT_KEYS:
            pair: CertificateAndKey | None = getattr(self.certs, attr)
            if pair is None:
                errs.append(f"certs.{yaml_key} is required")
                continue
            try:
                pair.validate()
            except X509Error as exc:
                errs.append(f"certs.{yaml_key} is invalid: {exc}")
        sa = self.certs.k8s_service_account
        if sa is None:
            errs.append("certs.k8sserviceaccount is required")
        else:
            try:
                sa.get_key()
            except X509Error as exc:
                errs.append(f"certs.k8sserviceaccount.key is invalid: {exc}")
        return errs

    def validate(self) -> None:
        """Raise :class:`SecretsBundleError` listing every problem; return quietly when valid."""
        errs = self.validation_errors()
        if errs:
            raise SecretsBundleError(errs, self.source)

    # --- YAML ----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain data in Talos's key order (absent sections are ``None``, i.e. ``null``)."""
        cluster = self.cluster
        out: dict[str, Any] = {
            "cluster": None if cluster is None else {"id": cluster.id, "secret": cluster.secret},
            "secrets": None,
            "trustdinfo": None if self.trustd_info is None else {"token": self.trustd_info.token},
            "certs": None,
        }
        if self.secrets is not None:
            sec: dict[str, str] = {"bootstraptoken": self.secrets.bootstrap_token}
            if self.secrets.aescbc_encryption_secret:
                sec["aescbcencryptionsecret"] = self.secrets.aescbc_encryption_secret
            if self.secrets.secretbox_encryption_secret:
                sec["secretboxencryptionsecret"] = self.secrets.secretbox_encryption_secret
            out["secrets"] = sec
        if self.certs is not None:
            certs: dict[str, Any] = {}
            for yaml_key, attr in _CERT_KEYS[:3]:
                certs[yaml_key] = _pair_dict(getattr(self.certs, attr))
            sa = self.certs.k8s_service_account
            certs["k8sserviceaccount"] = None if sa is None else {"key": sa.key_b64}
            certs["os"] = _pair_dict(self.certs.os)
            out["certs"] = certs
        return out

    def to_yaml(self) -> str:
        return dumps(self.to_dict())

    @classmethod
    def from_yaml(cls, text: str | bytes, source: str | None = None) -> SecretsBundle:
        """Decode ``secrets.yaml`` (unknown keys ignored, as Go's non-strict decoder does).

        Raises :class:`SecretsBundleError` for YAML syntax errors, wrong shapes or bad base64; it does
        *not* validate -- call :meth:`validate` for that.
        """
        try:
            data = yaml.load(text, Loader=_StringLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise SecretsBundleError([f"failed to parse YAML: {exc}"], source) from exc
        try:
            return cls._from_data(data, source)
        except (X509Error, TypeError) as exc:
            raise SecretsBundleError([str(exc)], source) from exc

    @classmethod
    def _from_data(cls, data: Any, source: str | None) -> SecretsBundle:
        root = _mapping(data, "secrets bundle") or {}
        bundle = cls(source=source)
        if (c := _mapping(root.get("cluster"), "cluster")) is not None:
            bundle.cluster = Cluster(_str(c, "id", "cluster"), _str(c, "secret", "cluster"))
        if (s := _mapping(root.get("secrets"), "secrets")) is not None:
            bundle.secrets = Secrets(
                _str(s, "bootstraptoken", "secrets"),
                _str(s, "aescbcencryptionsecret", "secrets"),
                _str(s, "secretboxencryptionsecret", "secrets"),
            )
        if (t := _mapping(root.get("trustdinfo"), "trustdinfo")) is not None:
            bundle.trustd_info = TrustdInfo(_str(t, "token", "trustdinfo"))
        if (certs := _mapping(root.get("certs"), "certs")) is not None:
            bundle.certs = Certs()
            for yaml_key, attr in _CERT_KEYS:
                where = f"certs.{yaml_key}"
                if (pair := _mapping(certs.get(yaml_key), where)) is not None:
                    crt, key = _str(pair, "crt", where), _str(pair, "key", where)
                    setattr(bundle.certs, attr, CertificateAndKey.from_b64(crt, key, where))
            where = "certs.k8sserviceaccount"
            if (sa := _mapping(certs.get("k8sserviceaccount"), where)) is not None:
                sa_key = PEMEncodedKey.from_b64(_str(sa, "key", where), f"{where}.key")
                bundle.certs.k8s_service_account = sa_key
        return bundle


def _pair_dict(pair: CertificateAndKey | None) -> dict[str, str] | None:
    return None if pair is None else {"crt": pair.crt_b64, "key": pair.key_b64}


class _StringLoader(yaml.SafeLoader):
    """Plain scalars stay strings (only ``null`` is resolved), like decoding into Go string fields."""


_StringLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"{where}: expected a mapping, got {type(value).__name__} {value!r}")
    return value


def _str(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{where}.{key}: expected a string, got {type(value).__name__}")
    return value
