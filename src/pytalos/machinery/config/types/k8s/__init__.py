"""Kubernetes documents (Talos ``pkg/machinery/config/types/k8s``): the ``Kube*Config`` kinds.

Importing this package registers every kind with the document registry.
"""

from __future__ import annotations

from .apiserver_policy import (
    KubeAdmissionControlConfigV1Alpha1,
    KubeAuditPolicyConfigV1Alpha1,
    KubeAuthenticationConfigV1Alpha1,
    KubeAuthorizerConfigV1Alpha1,
    KubeEtcdEncryptionConfigV1Alpha1,
)
from .cluster import (
    KubeClusterConfigV1Alpha1,
    KubeFlannelCNIConfigV1Alpha1,
    KubeNetworkConfigV1Alpha1,
    KubePrismConfigV1Alpha1,
    KubeTalosAPIAccessConfigV1Alpha1,
)
from .common import ResourcesConfig
from .components import (
    KubeAPIServerConfigV1Alpha1,
    KubeControllerManagerConfigV1Alpha1,
    KubeCoreDNSConfigV1Alpha1,
    KubeletConfigV1Alpha1,
    KubeProxyConfigV1Alpha1,
    KubeSchedulerConfigV1Alpha1,
)
from .manifests import KubeExternalManifestConfigV1Alpha1, KubeInlineManifestConfigV1Alpha1
from .node import KubeCredentialProviderConfigV1Alpha1, KubeNodeConfigV1Alpha1, KubeStaticPodConfigV1Alpha1
from .pki import (
    KubeAggregatorCAConfigV1Alpha1,
    KubeAPIServerCAConfigV1Alpha1,
    KubeServiceAccountConfigV1Alpha1,
)

__all__ = [
    "KubeAPIServerCAConfigV1Alpha1",
    "KubeAPIServerConfigV1Alpha1",
    "KubeAdmissionControlConfigV1Alpha1",
    "KubeAggregatorCAConfigV1Alpha1",
    "KubeAuditPolicyConfigV1Alpha1",
    "KubeAuthenticationConfigV1Alpha1",
    "KubeAuthorizerConfigV1Alpha1",
    "KubeClusterConfigV1Alpha1",
    "KubeControllerManagerConfigV1Alpha1",
    "KubeCoreDNSConfigV1Alpha1",
    "KubeCredentialProviderConfigV1Alpha1",
    "KubeEtcdEncryptionConfigV1Alpha1",
    "KubeExternalManifestConfigV1Alpha1",
    "KubeFlannelCNIConfigV1Alpha1",
    "KubeInlineManifestConfigV1Alpha1",
    "KubeNetworkConfigV1Alpha1",
    "KubeNodeConfigV1Alpha1",
    "KubePrismConfigV1Alpha1",
    "KubeProxyConfigV1Alpha1",
    "KubeSchedulerConfigV1Alpha1",
    "KubeServiceAccountConfigV1Alpha1",
    "KubeStaticPodConfigV1Alpha1",
    "KubeTalosAPIAccessConfigV1Alpha1",
    "KubeletConfigV1Alpha1",
    "ResourcesConfig",
]
