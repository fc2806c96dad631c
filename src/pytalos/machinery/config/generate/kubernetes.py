"""The multi-document Kubernetes configuration of contracts v1.14+ (Talos ``generate/kubernetes.go``).

From v1.14 on, Kubernetes settings leave ``v1alpha1.cluster``/``machine.kubelet`` for ``Kube*Config``
documents: every machine gets the cluster identity, node registration, kubelet, networking, API
server CA trust and KubePrism documents; control planes additionally get the CAs with keys, API
server policies, etcd encryption, the service-account issuer and one document per control-plane
component.  The order below is Talos's output order.
"""

from __future__ import annotations

from typing import Any

from . import constants as c
from .documents import Doc, doc
from .input import Input
from .policies import (
    audit_policy,
    authentication_configuration,
    authorizers,
    etcd_encryption_configuration,
    pod_security_configuration,
)


def _pem(data: bytes) -> str:
    return data.decode("utf-8")


def universal_documents(inp: Input, control_plane: bool) -> list[Doc]:
    """Documents every machine type gets."""
    contract = inp.version_contract
    if not contract.multidoc_kubernetes_config_supported():
        return []
    certs = inp.bundle.certs
    assert certs is not None and certs.k8s is not None

    labels: dict[str, str] = {}
    taints: dict[str, str] = {}
    if control_plane:
        labels[c.LABEL_NODE_ROLE_CONTROL_PLANE] = ""
        if contract.add_exclude_from_external_load_balancer():
            labels[c.LABEL_EXCLUDE_FROM_EXTERNAL_LB] = ""
        if not inp.allow_scheduling_on_control_planes:
            taints[c.LABEL_NODE_ROLE_CONTROL_PLANE] = c.TAINT_EFFECT_NO_SCHEDULE
    node: Doc = doc("KubeNodeConfig")
    if labels:
        node["labels"] = labels
    if taints:
        node["taints"] = taints

    kubelet: Doc = doc("KubeletConfig")
    if inp.kubernetes_version:
        kubelet["image"] = inp.kubernetes_image(c.KUBELET_IMAGE)
    if contract.kubelet_default_runtime_seccomp_profile_enabled():
        kubelet["defaultRuntimeSeccompProfileEnabled"] = True

    ca: Doc = doc("KubeAPIServerCAConfig")
    if control_plane:
        ca["issuingCA"] = {"cert": _pem(certs.k8s.crt), "key": _pem(certs.k8s.key)}
    else:
        ca["acceptedCAs"] = [_pem(certs.k8s.crt)]

    docs = [
        doc("KubeClusterConfig", clusterName=inp.cluster_name, endpoint=inp.endpoint),
        node,
        kubelet,
        doc(
            "KubeNetworkConfig",
            dnsDomain=inp.dns_domain,
            podSubnets=inp.pod_subnets,
            serviceSubnets=inp.service_subnets,
        ),
        ca,
    ]
    port = inp.effective_kubeprism_port()
    if port:
        docs.append(doc("KubePrismConfig", port=port))
    return docs


def control_plane_documents(inp: Input) -> list[Doc]:
    """Documents only control planes (and the legacy ``init`` type) get."""
    if not inp.version_contract.multidoc_kubernetes_config_supported():
        return []
    bundle = inp.bundle
    certs, secrets = bundle.certs, bundle.secrets
    assert certs is not None and secrets is not None
    assert certs.k8s_aggregator is not None and certs.k8s_service_account is not None

    api_server: Doc = doc("KubeAPIServerConfig", image=inp.kubernetes_image(c.KUBE_APISERVER_IMAGE))
    if inp.local_api_server_port:
        api_server["apiPort"] = inp.local_api_server_port
    if inp.api_server_sans:
        api_server["certExtraSANs"] = inp.api_server_sans

    docs: list[Doc] = [
        doc(
            "KubeAggregatorCAConfig",
            issuingCA={"cert": _pem(certs.k8s_aggregator.crt), "key": _pem(certs.k8s_aggregator.key)},
        ),
        doc("KubeAdmissionControlConfig", name="PodSecurity", configuration=pod_security_configuration()),
        doc("KubeAuditPolicyConfig", configuration=audit_policy()),
        doc("KubeAuthenticationConfig", configuration=authentication_configuration()),
    ]
    docs += [doc("KubeAuthorizerConfig", name=name, type=kind) for name, kind in authorizers()]
    encryption = etcd_encryption_configuration(
        secrets.secretbox_encryption_secret, secrets.aescbc_encryption_secret
    )
    issuer: dict[str, Any] = {"privateKey": _pem(certs.k8s_service_account.key), "issuerURL": inp.endpoint}
    docs += [
        doc("KubeEtcdEncryptionConfig", config=encryption),
        doc("KubeServiceAccountConfig", issuer=issuer),
        api_server,
        doc("KubeControllerManagerConfig", image=inp.kubernetes_image(c.KUBE_CONTROLLER_MANAGER_IMAGE)),
        doc("KubeSchedulerConfig", image=inp.kubernetes_image(c.KUBE_SCHEDULER_IMAGE)),
        doc("KubeProxyConfig", image=inp.kubernetes_image(c.KUBE_PROXY_IMAGE)),
    ]
    if not inp.custom_cni_url:
        docs.append(
            doc("KubeFlannelCNIConfig", backendType=c.FLANNEL_BACKEND, backendPort=c.FLANNEL_BACKEND_PORT)
        )
    docs.append(doc("KubeCoreDNSConfig", enabled=True))
    if inp.custom_cni_url:
        docs.append(
            doc("KubeExternalManifestConfig", name=c.CUSTOM_CNI_MANIFEST_NAME, url=inp.custom_cni_url)
        )
    return docs
