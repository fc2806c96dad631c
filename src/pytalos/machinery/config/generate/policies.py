"""Default Kubernetes API server policies written into generated configs.

Talos ships the same PodSecurity admission configuration, audit policy, anonymous-authentication
rules and authorizer chain whether they end up in ``cluster.apiServer`` (contracts ≤ v1.13) or in the
``KubeAdmissionControlConfig``/``KubeAuditPolicyConfig``/``KubeAuthenticationConfig``/
``KubeAuthorizerConfig`` documents (v1.14+); both generators take them from here.  Each call returns a
fresh object so callers may modify it.
"""

from __future__ import annotations

from typing import Any


def pod_security_configuration() -> dict[str, Any]:
    """PodSecurity admission: enforce ``baseline``, audit and warn ``restricted``; kube-system exempt."""
    return {
        "apiVersion": "pod-security.admission.config.k8s.io/v1alpha1",
        "kind": "PodSecurityConfiguration",
        "defaults": {
            "enforce": "baseline",
            "enforce-version": "latest",
            "audit": "restricted",
            "audit-version": "latest",
            "warn": "restricted",
            "warn-version": "latest",
        },
        "exemptions": {
            "usernames": [],
            "runtimeClasses": [],
            "namespaces": ["kube-system"],
        },
    }


def audit_policy() -> dict[str, Any]:
    """Audit every request at the ``Metadata`` level."""
    return {"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": [{"level": "Metadata"}]}


def authentication_configuration() -> dict[str, Any]:
    """Anonymous requests are allowed only for the health endpoints; no JWT authenticators."""
    return {
        "anonymous": {
            "enabled": True,
            "conditions": [{"path": "/livez"}, {"path": "/readyz"}, {"path": "/healthz"}],
        },
        "jwt": [],
    }


def authorizers() -> list[tuple[str, str]]:
    """The default authorizer chain as (document name, authorizer type): Node, then RBAC."""
    return [("node", "Node"), ("rbac", "RBAC")]


def etcd_encryption_configuration(secretbox_secret: str, aescbc_secret: str) -> dict[str, Any]:
    """etcd encryption at rest for Secrets (secretbox key ``key2``, legacy aescbc key ``key1``)."""
    providers: list[dict[str, Any]] = []
    if secretbox_secret:
        providers.append({"secretbox": {"keys": [{"name": "key2", "secret": secretbox_secret}]}})
    if aescbc_secret:
        providers.append({"aescbc": {"keys": [{"name": "key1", "secret": aescbc_secret}]}})
    return {"resources": [{"resources": ["secrets"], "providers": providers}]}
