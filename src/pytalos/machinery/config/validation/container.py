"""Whole-config checks that span documents (Talos ``Container.validateContainer``).

Some requirements can only be judged on the full set of documents: a setting may live in the
legacy v1alpha1 document *or* in its replacement document (host DNS, KubeSpan, cluster identity,
etcd encryption), and some kinds are only allowed on control plane machines. The container runs
these after the per-document and v1alpha1-conflict checks; :func:`validate_container` returns the
error texts, Talos's wording, for any iterable of decoded documents, and :func:`validate_documents`
runs the whole sequence of Talos's ``Container.validate`` (what ``talosctl validate`` reports).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..mode import RuntimeMode, parse_mode
from ..schema import Struct
from ..types.common.gofmt import multierror_text
from ..types.v1alpha1 import Config
from .located import Location, located, locations_of, reword
from .machine import is_control_plane


def _kind(doc: Struct) -> str:
    return str(getattr(doc, "KIND", ""))


def _first(documents: list[Struct], kind: str) -> Any:
    return next((d for d in documents if _kind(d) == kind and not isinstance(d, Config)), None)


def _host_dns(legacy: Config | None, documents: list[Struct]) -> tuple[bool, bool] | None:
    """``NetworkHostDNSConfig``: (enabled, forwardKubeDNSToHost) from ResolverConfig or v1alpha1."""
    resolver = _first(documents, "ResolverConfig")
    host_dns = getattr(resolver, "host_dns", None)
    if host_dns is not None and host_dns.enabled:
        return True, bool(host_dns.forward_kube_dns_to_host)
    if legacy is not None and legacy.machine_config is not None and legacy.machine_config.machine_features:
        legacy_dns = legacy.machine_config.machine_features.host_dns_support
        if legacy_dns is not None:
            return bool(legacy_dns.host_dns_enabled), bool(legacy_dns.host_dns_forward_kube_dns_to_host)
    return None


def _non_default_dns(legacy: Config | None, documents: list[Struct]) -> bool:
    resolver = _first(documents, "ResolverConfig")
    if resolver is not None:
        return any(getattr(ns.protocol, "value", 0) != 0 for ns in resolver.nameservers)
    return False  # v1alpha1 nameservers are always plain DNS


def _kubespan_enabled(legacy: Config | None, documents: list[Struct]) -> bool:
    doc = _first(documents, "KubeSpanConfig")
    if doc is not None:
        return bool(doc.enabled)
    network = legacy.machine_config.machine_network if legacy and legacy.machine_config else None
    kubespan = network.network_kube_span if network is not None else None
    return kubespan is not None and bool(kubespan.kube_span_enabled)


def _identity(legacy: Config | None, documents: list[Struct]) -> tuple[str, str] | None:
    """``DiscoveryIdentityConfig``: (cluster ID, secret); the v1alpha1 identity wins when set."""
    cluster = legacy.cluster_config if legacy is not None else None
    if cluster is not None and (cluster.cluster_id or cluster.cluster_secret):
        return cluster.cluster_id, cluster.cluster_secret
    doc = _first(documents, "DiscoveryIdentityConfig")
    if doc is not None:
        return str(doc.cluster_id), str(doc.cluster_secret)
    return None


def validate_container(documents: Iterable[Struct], mode: RuntimeMode | str) -> list[str]:
    """Cross-document errors of a whole config (the v1alpha1 document may be among ``documents``).

    Errors about a setting the v1alpha1 document holds (or lacks, with no replacement document) are
    located at that setting's path in the v1alpha1 document.
    """
    runtime_mode = mode if isinstance(mode, RuntimeMode) else parse_mode(mode)
    docs = list(documents)
    legacy = next((d for d in docs if isinstance(d, Config)), None)
    errors: list[str] = []

    def legacy_at(message: str, path: str, applies: bool = True) -> str:
        return located(message, path) if legacy is not None and applies else message

    no_resolver = _first(docs, "ResolverConfig") is None
    host_dns_path = "machine.features.hostDNS"
    if runtime_mode.in_container():
        host_dns = _host_dns(legacy, docs)
        if host_dns is None:
            errors.append(legacy_at("hostDNS config is required in container mode", host_dns_path))
        else:
            if not host_dns[0]:
                errors.append(
                    legacy_at(
                        "hostDNS must be enabled in container mode", f"{host_dns_path}.enabled", no_resolver
                    )
                )
            if not host_dns[1]:
                errors.append(
                    legacy_at(
                        "forwardKubeDNSToHost must be enabled in container mode",
                        f"{host_dns_path}.forwardKubeDNSToHost",
                        no_resolver,
                    )
                )
    if _non_default_dns(legacy, docs):
        host_dns = _host_dns(legacy, docs)
        if host_dns is None or not host_dns[0]:
            errors.append("hostDNS must be enabled when using non-default DNS protocols")
    if _kubespan_enabled(legacy, docs):
        identity = _identity(legacy, docs)
        no_identity_doc = _first(docs, "DiscoveryIdentityConfig") is None
        if identity is None or not identity[0]:
            errors.append(
                legacy_at(
                    "cluster ID (.cluster.id or DiscoveryIdentityConfig) should be set when "
                    ".machine.network.kubespan is enabled",
                    "cluster.id",
                    no_identity_doc,
                )
            )
        if identity is None or not identity[1]:
            errors.append(
                legacy_at(
                    "cluster secret (.cluster.secret or DiscoveryIdentityConfig) should be set "
                    "when .machine.network.kubespan is enabled",
                    "cluster.secret",
                    no_identity_doc,
                )
            )
    machine = legacy.machine_config if legacy is not None else None
    control_plane = is_control_plane(machine)
    if legacy is not None and machine is not None and control_plane:
        cluster = legacy.cluster_config
        has_legacy = cluster is not None and bool(
            cluster.cluster_secretbox_encryption_secret or cluster.cluster_aescbc_encryption_secret
        )
        if not has_legacy and _first(docs, "KubeEtcdEncryptionConfig") is None:
            errors.append(
                legacy_at(
                    "etcd encryption config is required for control plane machines",
                    "cluster.secretboxEncryptionSecret",
                )
            )
    cp_only = sorted({_kind(d) for d in docs if getattr(d, "CONTROLPLANE_ONLY", False)})
    if cp_only and not control_plane:
        errors.append(
            legacy_at(
                "the following document kinds are only allowed on control plane machines: "
                f"[{' '.join(cp_only)}]",
                "machine.type",
            )
        )
    return errors


def _doc_id(doc: Struct) -> str:
    """``docID``: ``kind`` or ``kind/name`` for named kinds."""
    name = getattr(doc, "doc_name", "")
    return f"{_kind(doc)}/{name}" if getattr(doc, "NAMED", False) else _kind(doc)


@dataclass
class DocumentsReport:
    """What :func:`validate_documents_report` found: Talos's texts plus where each located one points.

    ``warnings`` and ``errors`` are exactly :func:`validate_documents`'s result; ``locations`` lists
    every individual message that has a YAML path (v1alpha1 errors included, although ``errors``
    folds them into one ``v1alpha1.Config: …`` entry), tied to its document's index.
    """

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)


def validate_documents_report(
    documents: Iterable[Struct], mode: RuntimeMode | str, strict: bool = False
) -> DocumentsReport:
    """Talos ``Container.validate`` with locations: see :func:`validate_documents` for the texts."""
    runtime_mode = mode if isinstance(mode, RuntimeMode) else parse_mode(mode)
    docs = list(documents)
    legacy = next((d for d in docs if isinstance(d, Config)), None)
    legacy_index = next((i for i, d in enumerate(docs) if d is legacy), -1)
    report = DocumentsReport()
    if legacy is not None:
        legacy_warnings, legacy_errors = legacy.validate(str(runtime_mode), strict)
        report.warnings.extend(legacy_warnings)
        report.locations += locations_of(legacy_index, legacy_warnings, warning=True)
        if legacy_errors:
            report.errors.append("v1alpha1.Config: " + multierror_text(legacy_errors))
            report.locations += locations_of(legacy_index, legacy_errors)
    others = [(i, d) for i, d in enumerate(docs) if d is not legacy]
    for idx, doc in others:
        validate = getattr(doc, "validate", None)
        if callable(validate):
            doc_warnings, doc_errors = validate(str(runtime_mode), strict)
            report.warnings.extend(doc_warnings)
            report.locations += locations_of(idx, doc_warnings, warning=True)
            if doc_errors:
                if len(doc_errors) == 1:
                    report.errors.append(reword(doc_errors[0], f"{_doc_id(doc)}: {doc_errors[0]}"))
                else:
                    report.errors.append(f"{_doc_id(doc)}: {multierror_text(doc_errors)}")
                report.locations += locations_of(idx, doc_errors)
    if legacy is not None:
        for _, doc in others:
            hook = getattr(doc, "v1alpha1_conflict", None)
            conflict = hook(legacy) if callable(hook) else None
            if isinstance(conflict, str) and conflict:
                report.errors.append(conflict)
    cross = validate_container(docs, runtime_mode)
    report.errors.extend(cross)
    report.locations += locations_of(legacy_index, cross)
    return report


def validate_documents(
    documents: Iterable[Struct], mode: RuntimeMode | str, strict: bool = False
) -> tuple[list[str], list[str]]:
    """Talos ``Container.validate``: ``(warnings, errors)`` of a whole config, in Talos's order and text.

    The v1alpha1 errors are reported as one entry ``v1alpha1.Config: <its multierror>`` and other
    documents' errors as ``kind[/name]: <error>``, then v1alpha1 conflicts and cross-document checks.
    ``strict`` is passed to every document (the v1alpha1 one turns its warnings into errors). Messages
    that know their YAML path are :class:`~.located.Located` strings.
    """
    report = validate_documents_report(documents, mode, strict)
    return report.warnings, report.errors
