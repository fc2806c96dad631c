"""Kubernetes "qualified name" validation, with the messages of Talos's ``labels`` package.

CRI customization names follow this syntax (they become file names and sort keys), and Talos
reports violations with these exact texts.
"""

from __future__ import annotations

import re

from ..runtime.gofmt import go_quote

_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
QUALIFIED_NAME_MAX_LENGTH = 63


def validate_dns1123_subdomain(value: str) -> str | None:
    if len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        return f"domain name length exceeds limit of {DNS1123_SUBDOMAIN_MAX_LENGTH}: {go_quote(value)}"
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        return f"domain doesn't match required format: {go_quote(value)}"
    return None


def validate_qualified_name(value: str) -> str | None:
    """Return the error for a value that is not a Kubernetes qualified name, else None."""
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
    if not _QUALIFIED_NAME.fullmatch(name):
        return f"name {go_quote(name)} is invalid"
    return None
