"""Kubernetes name rules (DNS-1123 subdomains, qualified names, label values, taints) with Talos's texts.

Node labels, annotations and taints (KubeNodeConfig and v1alpha1 ``machine.nodeLabels``…), CRI
customization names and manifest names all follow Kubernetes syntax; Talos checks them with its
``pkg/machinery/labels`` package so a config that validates does not fail later in the kubelet or
the API server. One implementation keeps the messages identical wherever a name is checked. Every
check returns the error text, or None when the value is valid (Go's nil error).
"""

from __future__ import annotations

import re

from .gofmt import go_quote, multierror_text

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*")
_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME_RE = re.compile(_QUALIFIED_NAME)
_LABEL_VALUE_RE = re.compile(f"({_QUALIFIED_NAME})?")
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
QUALIFIED_NAME_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
#: annotations Talos uses itself to track what it owns on the Node object
RESERVED_ANNOTATIONS = (
    "talos.dev/owned-annotations",
    "talos.dev/owned-labels",
    "talos.dev/owned-taints",
)
VALID_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def validate_dns1123_subdomain(value: str) -> str | None:
    if len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        return f"domain name length exceeds limit of {DNS1123_SUBDOMAIN_MAX_LENGTH}: {go_quote(value)}"
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        return f"domain doesn't match required format: {go_quote(value)}"
    return None


def validate_qualified_name(value: str) -> str | None:
    """A Kubernetes qualified name: ``[prefix/]name`` with a DNS-1123 prefix."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return f"prefix cannot be empty: {go_quote(value)}"
        err = validate_dns1123_subdomain(prefix)
        if err:
            return f"prefix {go_quote(prefix)} is invalid: {err}"
    else:
        return f"invalid format: too many slashes: {go_quote(value)}"
    if not name:
        return f"name cannot be empty: {go_quote(value)}"
    if len(name) > QUALIFIED_NAME_MAX_LENGTH:
        return f"name is too long: {go_quote(value)} (limit is {QUALIFIED_NAME_MAX_LENGTH})"
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        return f"name {go_quote(name)} is invalid"
    return None


def validate_label_value(value: str) -> str | None:
    if len(value) > LABEL_VALUE_MAX_LENGTH:
        return f"label value length exceeds limit of {LABEL_VALUE_MAX_LENGTH}: {go_quote(value)}"
    if not _LABEL_VALUE_RE.fullmatch(value):
        return f"label value {go_quote(value)} is invalid"
    return None


def _joined(errors: list[str]) -> str | None:
    return multierror_text(errors) if errors else None


def validate_labels(labels: dict[str, str]) -> str | None:
    """Every key a qualified name and every value a label value (a multierror of the failures)."""
    errors: list[str] = []
    for key in sorted(labels):
        errors += [e for e in (validate_qualified_name(key), validate_label_value(labels[key])) if e]
    return _joined(errors)


def validate_annotations(annotations: dict[str, str]) -> str | None:
    """Qualified-name keys, none of Talos's reserved ones, and at most 256 KiB in total."""
    errors: list[str] = []
    size = 0
    for key in sorted(annotations):
        err = validate_qualified_name(key)
        if err:
            errors.append(err)
        if key in RESERVED_ANNOTATIONS:
            errors.append(f"annotation {go_quote(key)} is reserved")
        size += len(key.encode()) + len(annotations[key].encode())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(f"total annotation size exceeds limit of {TOTAL_ANNOTATION_SIZE_LIMIT} bytes")
    return _joined(errors)


def validate_taints(taints: dict[str, str]) -> str | None:
    """Taints as ``key: [value:]effect`` with a known effect."""
    errors: list[str] = []
    for key in sorted(taints):
        err = validate_qualified_name(key)
        if err:
            errors.append(err)
            continue
        value, sep, effect = taints[key].partition(":")
        if not sep:
            effect = value
        if effect not in VALID_TAINT_EFFECTS:
            errors.append(f"invalid taint effect: {go_quote(effect)}")
            continue
        if sep:
            err = validate_label_value(value)
            if err:
                errors.append(err)
    return _joined(errors)
