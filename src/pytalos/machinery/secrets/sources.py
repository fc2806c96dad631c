"""Rebuild a secrets bundle from what a cluster already has: a control-plane config or a kubeadm PKI.

``talosctl gen secrets --from-controlplane-config`` and the node's ``GenerateConfiguration`` recover
the bundle a cluster was generated from out of a control plane's machine config (Talos's
``secrets.NewBundleFromConfig``); ``--from-kubernetes-pki`` adopts a kubeadm cluster's CAs and
service-account key and generates the Talos-only secrets around them (``NewBundleFromKubernetesPKI``).

Talos reads the same places its config accessors do: the dedicated documents first where they exist
(``KubeAPIServerCAConfig``, ``KubeAggregatorCAConfig``, ``KubeServiceAccountConfig``,
``KubeEtcdEncryptionConfig`` of contracts v1.14+), ``v1alpha1`` otherwise, and for the cluster identity
``cluster.id``/``cluster.secret`` before a ``DiscoveryIdentityConfig`` document.  Beyond Talos (which
silently builds a bundle with holes from a worker config), every missing or unparsable secret is
reported at once, named by its place in the config: ``controlplane.yaml: cluster.aggregatorCA: missing``.

The config path is pure (it takes a loaded container or the file's bytes); the PKI path reads the
directory through a :class:`PKIFiles` reader, local files unless the caller passes another.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any, Protocol

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.types.cluster import DiscoveryIdentityConfigV1Alpha1
from pytalos.machinery.config.types.common.pem import CertificateAndKey as DocPair
from pytalos.machinery.config.types.k8s import (
    KubeAggregatorCAConfigV1Alpha1,
    KubeAPIServerCAConfigV1Alpha1,
    KubeEtcdEncryptionConfigV1Alpha1,
    KubeServiceAccountConfigV1Alpha1,
)
from pytalos.machinery.crypto.x509 import CertificateAndKey, PEMEncodedKey, X509Error

from .bundle import Certs, Cluster, ContractLike, Secrets, SecretsBundle, SecretsBundleError, TrustdInfo

MISSING = "missing"


class SecretsSourceError(SecretsBundleError):
    """A secrets source lacks a secret or holds a bad one; ``errors`` are ``<field>: <problem>`` lines.

    ``str()`` prefixes every line with the source (a file name, a PKI directory) when known, e.g.
    ``controlplane.yaml: cluster.aggregatorCA: missing``.
    """

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + err for err in self.errors)


# --- from a control-plane machine config -----------------------------------------------------------


def bundle_from_config(
    config: Container | bytes, source: str = "", *, now: datetime | None = None
) -> SecretsBundle:
    """``secrets.NewBundleFromConfig``: the bundle a control plane's config was generated from.

    ``config`` is a loaded container or the config file's bytes; ``source`` names it in errors
    (default: the container's own source).  ``now`` fixes the bundle's clock (Talos's
    ``NewFixedClock``): client certificates cut from the bundle start then.  Raises
    :class:`SecretsSourceError` listing every missing or invalid secret, or for bytes that do not load.
    """
    if isinstance(config, bytes | bytearray):
        try:
            from pytalos.machinery.config.loader import load

            config = load(bytes(config), source)
        except ConfigError as exc:
            raise SecretsSourceError([f"failed to load the machine config: {exc}"], None) from exc
    where = source or config.source
    reader = _ConfigReader(config)
    bundle = SecretsBundle(
        cluster=reader.cluster(),
        secrets=reader.secrets(),
        trustd_info=TrustdInfo(reader.required_str("machine.token", reader.machine_value("machine_token"))),
        certs=reader.certs(),
        source=where or None,
        fixed_time=now,
    )
    if reader.errors:
        raise SecretsSourceError(reader.errors, where or None)
    problems = bundle.validation_errors()
    if problems:
        raise SecretsBundleError(problems, where or None)
    return bundle


class _ConfigReader:
    """Collects each secret from its place in the config, noting every problem in ``errors``."""

    def __init__(self, config: Container) -> None:
        self.config = config
        self.v1 = config.v1alpha1()
        self.errors: list[str] = []

    def machine_value(self, attr: str) -> Any:
        machine = getattr(self.v1, "machine_config", None)
        return getattr(machine, attr, None)

    def cluster_value(self, attr: str) -> Any:
        cluster = getattr(self.v1, "cluster_config", None)
        return getattr(cluster, attr, None)

    def required_str(self, field: str, value: Any) -> str:
        if not value:
            self.errors.append(f"{field}: {MISSING}")
            return ""
        return str(value)

    def _doc(self, cls: type[Any]) -> Any:
        return next((doc for doc in self.config if isinstance(doc, cls)), None)

    # -- sections ----------------------------------------------------------------------------------

    def cluster(self) -> Cluster:
        """``DiscoveryIdentityConfig``: v1alpha1's ``cluster.id``/``secret`` win, then the document."""
        cid, secret = self.cluster_value("cluster_id") or "", self.cluster_value("cluster_secret") or ""
        if cid or secret:
            return Cluster(self.required_str("cluster.id", cid), self.required_str("cluster.secret", secret))
        doc = self._doc(DiscoveryIdentityConfigV1Alpha1)
        if doc is None:
            self.errors.append(f"cluster.id: {MISSING} (and no DiscoveryIdentityConfig document)")
            return Cluster()
        return Cluster(
            self.required_str("DiscoveryIdentityConfig.clusterID", doc.cluster_id),
            self.required_str("DiscoveryIdentityConfig.clusterSecret", doc.cluster_secret),
        )

    def secrets(self) -> Secrets:
        token = self.required_str("cluster.token", self.cluster_value("bootstrap_token"))
        sec = Secrets(
            bootstrap_token=token,
            aescbc_encryption_secret=self.cluster_value("cluster_aescbc_encryption_secret") or "",
            secretbox_encryption_secret=self.cluster_value("cluster_secretbox_encryption_secret") or "",
        )
        doc = self._doc(KubeEtcdEncryptionConfigV1Alpha1)
        if doc is not None:
            provider, found = encryption_secret(doc.config.object)
            if provider == "secretbox":
                sec.secretbox_encryption_secret = found
            elif provider == "aescbc":
                sec.aescbc_encryption_secret = found
        if not sec.aescbc_encryption_secret and not sec.secretbox_encryption_secret:
            field = (
                "KubeEtcdEncryptionConfig.config: no secretbox or aescbc key for secrets"
                if doc is not None
                else f"cluster.secretboxEncryptionSecret: {MISSING}"
            )
            self.errors.append(field)
        return sec

    def certs(self) -> Certs:
        certs = Certs()
        certs.os = self._legacy_pair("machine.ca", self.machine_value("machine_ca"))
        etcd = self.cluster_value("etcd_config")
        certs.etcd = self._legacy_pair("cluster.etcd.ca", getattr(etcd, "root_ca", None))
        k8s = self._doc(KubeAPIServerCAConfigV1Alpha1)
        if k8s is not None:
            certs.k8s = self._doc_pair("KubeAPIServerCAConfig.issuingCA", k8s.issuing_ca)
        else:
            certs.k8s = self._legacy_pair("cluster.ca", self.cluster_value("cluster_ca"))
        aggregator = self._doc(KubeAggregatorCAConfigV1Alpha1)
        if aggregator is not None:
            certs.k8s_aggregator = self._doc_pair("KubeAggregatorCAConfig.issuingCA", aggregator.issuing_ca)
        else:
            pair = self.cluster_value("cluster_aggregator_ca")
            certs.k8s_aggregator = self._legacy_pair("cluster.aggregatorCA", pair)
        service_account = self._doc(KubeServiceAccountConfigV1Alpha1)
        if service_account is not None:
            key = service_account.issuer.private_key.encode()
            certs.k8s_service_account = self._key("KubeServiceAccountConfig.issuer.privateKey", key)
        else:
            legacy = self.cluster_value("cluster_service_account")
            key = legacy.key.data if legacy is not None else b""
            certs.k8s_service_account = self._key("cluster.serviceAccount.key", key)
        return certs

    # -- PEM material ------------------------------------------------------------------------------

    def _legacy_pair(self, field: str, pair: Any) -> CertificateAndKey | None:
        """A v1alpha1 ``{crt, key}`` of base64 PEM (``key: ""`` on workers)."""
        if pair is None or not pair.crt.data:
            self.errors.append(f"{field}: {MISSING}")
            return None
        return self._pair(field, pair.crt.data, pair.key.data)

    def _doc_pair(self, field: str, pair: DocPair | None) -> CertificateAndKey | None:
        """A multi-document ``{cert, key}`` of PEM text."""
        if pair is None or not pair.cert:
            self.errors.append(f"{field}: {MISSING}")
            return None
        return self._pair(field, pair.cert.encode(), pair.key.encode())

    def _pair(self, field: str, crt: bytes, key: bytes) -> CertificateAndKey | None:
        if not key:
            self.errors.append(f"{field}.key: {MISSING} (a worker's config carries no CA keys)")
            return None
        pair = CertificateAndKey(crt, key)
        try:
            pair.validate()
        except X509Error as exc:
            self.errors.append(f"{field}: invalid: {exc}")
            return None
        return pair

    def _key(self, field: str, key: bytes) -> PEMEncodedKey | None:
        if not key:
            self.errors.append(f"{field}: {MISSING}")
            return None
        pem = PEMEncodedKey(key)
        try:
            pem.get_key()
        except X509Error as exc:
            self.errors.append(f"{field}: invalid: {exc}")
            return None
        return pem


def encryption_secret(encryption: dict[str, Any]) -> tuple[str, str]:
    """``(provider, secret)`` from a free-form EncryptionConfiguration, ``("", "")`` if none.

    Talos's best-effort read: the first resource block encrypting ``secrets``, its *first* provider
    only, that provider's first key.  Talos reads ``secretbox`` alone; an ``aescbc`` provider (what a
    bundle with an AES-CBC key generates for contracts v1.14+) is read too, so such a bundle survives
    the round trip.
    """
    resources = encryption.get("resources")
    for block in resources if isinstance(resources, list) else []:
        if not isinstance(block, dict) or "secrets" not in (block.get("resources") or []):
            continue
        providers = block.get("providers") or []
        first = providers[0] if isinstance(providers, list) and providers else None
        for provider in ("secretbox", "aescbc"):
            spec = first.get(provider) if isinstance(first, dict) else None
            keys = spec.get("keys") if isinstance(spec, dict) else None
            if isinstance(keys, list) and keys and isinstance(keys[0], dict) and keys[0].get("secret"):
                return provider, str(keys[0]["secret"])
        if first is not None:
            break
    return "", ""


# --- from a kubeadm PKI directory ------------------------------------------------------------------


class PKIFiles(Protocol):
    """How the PKI directory is read (the local filesystem unless a caller passes another)."""

    def is_dir(self, path: str) -> bool: ...

    def exists(self, path: str) -> bool: ...

    def read(self, path: str) -> bytes: ...


class LocalFiles:
    """:class:`PKIFiles` over the local filesystem; ``OSError`` text becomes the problem."""

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def read(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read()


#: (what, certificate, key) of the CAs kubeadm writes, relative to the PKI directory.
KUBEADM_CAS = (
    ("k8s", "ca.crt", "ca.key"),
    ("etcd", os.path.join("etcd", "ca.crt"), os.path.join("etcd", "ca.key")),
    ("k8s_aggregator", "front-proxy-ca.crt", "front-proxy-ca.key"),
)
KUBEADM_SA_KEY = "sa.key"


def bundle_from_kubernetes_pki(
    pki_dir: str,
    bootstrap_token: str = "",
    version_contract: ContractLike = None,
    *,
    files: PKIFiles | None = None,
    now: datetime | None = None,
) -> SecretsBundle:
    """``secrets.NewBundleFromKubernetesPKI``: kubeadm's Kubernetes, etcd and front-proxy CAs and
    ``sa.key``, the bootstrap token if given, everything else (OS CA, tokens, encryption key, cluster
    identity) generated for ``version_contract``.  Every unreadable or invalid file is reported at once
    (:class:`SecretsSourceError`, one ``<file>: <problem>`` line each)."""
    reader = files or LocalFiles()
    if not reader.is_dir(pki_dir):
        problem = "is not a directory" if reader.exists(pki_dir) else "no such directory"
        raise SecretsSourceError([f"{pki_dir!r} {problem}"], None)
    errors: list[str] = []

    def read(name: str) -> bytes | None:
        path = os.path.join(pki_dir, name)
        try:
            data = reader.read(path)
        except OSError as exc:
            errors.append(f"{path}: {MISSING if isinstance(exc, FileNotFoundError) else exc.strerror or exc}")
            return None
        if not data.strip():
            errors.append(f"{path}: empty")
            return None
        return data

    certs = Certs()
    for attr, crt_name, key_name in KUBEADM_CAS:
        crt, key = read(crt_name), read(key_name)
        if crt is None or key is None:
            continue
        pair = CertificateAndKey(crt, key)
        try:
            pair.validate()
        except X509Error as exc:
            errors.append(f"{os.path.join(pki_dir, crt_name)} / {key_name}: invalid: {exc}")
            continue
        setattr(certs, attr, pair)
    if (sa := read(KUBEADM_SA_KEY)) is not None:
        try:
            PEMEncodedKey(sa).get_key()
            certs.k8s_service_account = PEMEncodedKey(sa)
        except X509Error as exc:
            errors.append(f"{os.path.join(pki_dir, KUBEADM_SA_KEY)}: invalid: {exc}")
    if errors:
        raise SecretsSourceError(errors, None)
    bundle = SecretsBundle(secrets=Secrets(bootstrap_token=bootstrap_token), certs=certs, fixed_time=now)
    bundle.populate(version_contract, now=now)
    return bundle
