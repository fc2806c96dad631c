"""Kubernetes name, label, annotation and taint checks (Talos ``pkg/machinery/labels``).

KubeNodeConfig and the manifest/static-pod documents validate names the same way Kubernetes
would, so a config that passes ``talosctl validate`` does not fail later when the kubelet or the
API server sees it. Functions return the error text ("" when valid) with Talos's wording.
"""

from __future__ import annotations

import re

from .common import multierror_text

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_LABEL}(\\.{_DNS1123_LABEL})*$")
_DNS1123_MAX = 253
_QNAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_RE = re.compile(f"^{_QNAME}$")
_QNAME_MAX = 63
_LABEL_VALUE_RE = re.compile(f"^({_QNAME})?$")
_LABEL_VALUE_MAX = 63
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
#: annotations Talos uses itself to track what it owns on the Node object
RESERVED_ANNOTATIONS = (
    "talos.dev/owned-annotations",
    "talos.dev/owned-labels",
    "talos.dev/owned-taints",
)
VALID_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _q(value: str) -> str:
    """Go's ``%q`` for the plain ASCII strings these checks print."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def validate_dns1123_subdomain(value: str) -> str:
    if len(value) > _DNS1123_MAX:
        return f"domain name length exceeds limit of {_DNS1123_MAX}: {_q(value)}"
    if not _DNS1123_SUBDOMAIN.match(value):
        return f"domain doesn't match required format: {_q(value)}"
    return ""


def validate_qualified_name(value: str) -> str:
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return f"prefix cannot be empty: {_q(value)}"
        err = validate_dns1123_subdomain(prefix)
        if err:
            return f"prefix {_q(prefix)} is invalid: {err}"
    else:
        return f"invalid format: too many slashes: {_q(value)}"
    if not name:
        return f"name cannot be empty: {_q(value)}"
    if len(name) > _QNAME_MAX:
        return f"name is too long: {_q(value)} (limit is {_QNAME_MAX})"
    if not _QNAME_RE.match(name):
        return f"name {_q(name)} is invalid"
    return ""


def validate_label_value(value: str) -> str:
    if len(value) > _LABEL_VALUE_MAX:
        return f"label value length exceeds limit of {_LABEL_VALUE_MAX}: {_q(value)}"
    if not _LABEL_VALUE_RE.match(value):
        return f"label value {_q(value)} is invalid"
    return ""


def _joined(errors: list[str]) -> str:
    return multierror_text(errors) if errors else ""


def validate_labels(labels: dict[str, str]) -> str:
    errors: list[str] = []
    for key in sorted(labels):
        errors += [e for e in (validate_qualified_name(key), validate_label_value(labels[key])) if e]
    return _joined(errors)


def validate_annotations(annotations: dict[str, str]) -> str:
    errors: list[str] = []
    size = 0
    for key in sorted(annotations):
        err = validate_qualified_name(key)
        if err:
            errors.append(err)
        if key in RESERVED_ANNOTATIONS:
            errors.append(f"annotation {_q(key)} is reserved")
        size += len(key.encode()) + len(annotations[key].encode())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(f"total annotation size exceeds limit of {TOTAL_ANNOTATION_SIZE_LIMIT} bytes")
    return _joined(errors)


def validate_taints(taints: dict[str, str]) -> str:
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
            errors.append(f"invalid taint effect: {_q(effect)}")
            continue
        if sep:
            err = validate_label_value(value)
            if err:
                errors.append(err)
    return _joined(errors)
