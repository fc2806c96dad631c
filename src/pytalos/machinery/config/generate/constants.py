"""Defaults that generated configs share with Talos (images, subnets, ports, well-known labels).

They are kept in one place because the stability fixtures pin them byte for byte and the CLI shows
some of them as flag defaults.
"""

from __future__ import annotations

#: Default ``--kubernetes-version``.  Talos HEAD ships a 1.37 release candidate; pytalos defaults to
#: the newest Kubernetes release that is generally available at that point, 1.36.
DEFAULT_KUBERNETES_VERSION = "1.36.0"

#: Default ``--install-image``: Image Factory's metal installer (no extensions), as Talos HEAD uses.
DEFAULT_INSTALL_IMAGE = (
    "factory.talos.dev/metal-installer/"
    "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:latest"
)
DEFAULT_INSTALL_DISK = "/dev/sda"
DEFAULT_DNS_DOMAIN = "cluster.local"

KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet"
KUBE_APISERVER_IMAGE = "registry.k8s.io/kube-apiserver"
KUBE_CONTROLLER_MANAGER_IMAGE = "registry.k8s.io/kube-controller-manager"
KUBE_SCHEDULER_IMAGE = "registry.k8s.io/kube-scheduler"
KUBE_PROXY_IMAGE = "registry.k8s.io/kube-proxy"

IPV4_POD_NET = "10.244.0.0/16"
IPV4_SERVICE_NET = "10.96.0.0/12"
IPV6_POD_NET = "fc00:db8:10::/56"
IPV6_SERVICE_NET = "fc00:db8:20::/112"

DEFAULT_KUBEPRISM_PORT = 7445
DEFAULT_DISCOVERY_ENDPOINT = "https://discovery.talos.dev/"
DEFAULT_FILESYSTEM_TRIM_INTERVAL = "168h0m0s"
EPHEMERAL_LABEL = "EPHEMERAL"
CUSTOM_CNI = "custom"
CUSTOM_CNI_MANIFEST_NAME = "custom-cni"
FLANNEL_BACKEND = "vxlan"
FLANNEL_BACKEND_PORT = 4789

LABEL_NODE_ROLE_CONTROL_PLANE = "node-role.kubernetes.io/control-plane"
LABEL_EXCLUDE_FROM_EXTERNAL_LB = "node.kubernetes.io/exclude-from-external-load-balancers"
TAINT_EFFECT_NO_SCHEDULE = "NoSchedule"

#: Machine types ``generate`` accepts (``init`` is the legacy bootstrap control plane).
TYPE_INIT = "init"
TYPE_CONTROL_PLANE = "controlplane"
TYPE_WORKER = "worker"
MACHINE_TYPES = (TYPE_INIT, TYPE_CONTROL_PLANE, TYPE_WORKER)
