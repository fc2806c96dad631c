"""Talos's resource types as pytalos defines them, one module per domain.

Every type keeps Talos's exact name, default namespace, explicit aliases and sensitivity (spec
Appendix B), so ``talosctl get <alias>`` resolves the same way; specs are frozen dataclasses that
print with Talos's YAML keys (:mod:`._spec`). :func:`default_registry` registers all of them plus
COSI's meta types; :data:`NAMESPACES` lists the namespaces they live in.
"""

from __future__ import annotations

from pytalos.machined.runtime import ResourceDefinition, ResourceRegistry, define

from . import (
    cluster,
    config,
    etcd,
    k8s,
    k8s_controlplane,
    k8s_pods,
    k8s_secrets,
    meta_key,
    network,
    runtime,
    secrets,
    time,
)

META_NAMESPACE = "meta"
NAMESPACE_TYPE = "Namespaces.meta.cosi.dev"
RESOURCE_DEFINITION_TYPE = "ResourceDefinitions.meta.cosi.dev"

#: Namespaces of the registered types with their Talos descriptions (``talosctl get namespaces``).
NAMESPACES: tuple[tuple[str, str], ...] = (
    (cluster.NAMESPACE, "Cluster configuration and discovery resources."),
    (config.NAMESPACE, "Talos node configuration."),
    (k8s_controlplane.NAMESPACE, "Kubernetes control plane resources."),
    (etcd.NAMESPACE, "etcd resources."),
    (k8s.NAMESPACE, "Kubernetes all node types resources."),
    (META_NAMESPACE, "Metadata namespace which contains resource and namespace definitions."),
    (network.NAMESPACE, "Networking resources."),
    (runtime.NAMESPACE, "Talos runtime resources."),
    (secrets.NAMESPACE, "Resources with secret material."),
)

META_DEFINITIONS = (
    define(NAMESPACE_TYPE, META_NAMESPACE),
    define(RESOURCE_DEFINITION_TYPE, META_NAMESPACE),
)


def all_definitions() -> tuple[ResourceDefinition, ...]:
    return (
        *META_DEFINITIONS,
        *cluster.DEFINITIONS,
        *config.DEFINITIONS,
        *etcd.DEFINITIONS,
        *k8s.DEFINITIONS,
        *k8s_controlplane.DEFINITIONS,
        *k8s_pods.DEFINITIONS,
        *meta_key.DEFINITIONS,
        *network.DEFINITIONS,
        *runtime.DEFINITIONS,
        *secrets.DEFINITIONS,
        *k8s_secrets.DEFINITIONS,
        *time.DEFINITIONS,
    )


def default_registry() -> ResourceRegistry:
    """A registry with every resource type machined's controllers read or write."""
    return ResourceRegistry(all_definitions())


__all__ = [
    "META_NAMESPACE",
    "NAMESPACES",
    "NAMESPACE_TYPE",
    "RESOURCE_DEFINITION_TYPE",
    "all_definitions",
    "default_registry",
]
