"""Pod-level resources of the ``k8s`` namespace: static pods, their HTTP server, the kubelet spec.

* ``StaticPods/<kube-apiserver|kube-controller-manager|kube-scheduler>``: the rendered ``v1.Pod``
  under ``pod`` (Talos ``k8s.StaticPodSpec``);
* ``StaticPodServerStatuses/static-pod-server-status``: the URL the static pod server listens on
  (the kubelet's ``staticPodURL``);
* ``KubeletConfigs/kubelet``: the kubelet settings from the machine config (sensitive, as Talos);
* ``KubeletSpecs/kubelet``: image, command line and ``KubeletConfiguration`` the kubelet service
  runs with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from pytalos.machined.runtime import define
from pytalos.machinery.kubernetes.kubelet import KubeletSettings

from ._spec import Spec, yaml
from .k8s import NAMESPACE as NAMESPACE

STATIC_POD_TYPE = "StaticPods.kubernetes.talos.dev"
STATIC_POD_SERVER_STATUS_TYPE = "StaticPodServerStatuses.kubernetes.talos.dev"
KUBELET_CONFIG_TYPE = "KubeletConfigs.kubernetes.talos.dev"
KUBELET_SPEC_TYPE = "KubeletSpecs.kubernetes.talos.dev"

STATIC_POD_SERVER_STATUS_ID = "static-pod-server-status"
KUBELET_ID = "kubelet"

DEFINITIONS = (
    define(STATIC_POD_TYPE, NAMESPACE),
    define(STATIC_POD_SERVER_STATUS_TYPE, NAMESPACE, print_columns=(("URL", "{.url}"),)),
    define(KUBELET_CONFIG_TYPE, NAMESPACE, sensitive=True),
    define(KUBELET_SPEC_TYPE, NAMESPACE, sensitive=True),
)


@dataclasses.dataclass(frozen=True)
class StaticPodSpec(Spec):
    """``k8s.StaticPodSpec``."""

    pod: dict[str, Any] = field(default_factory=dict, metadata=yaml("pod"))


@dataclasses.dataclass(frozen=True)
class StaticPodServerStatusSpec(Spec):
    """``k8s.StaticPodServerStatusSpec``."""

    url: str = field(default="", metadata=yaml("url"))


@dataclasses.dataclass(frozen=True)
class KubeletConfigSpec(Spec, KubeletSettings):
    """``k8s.KubeletConfigSpec``."""


@dataclasses.dataclass(frozen=True)
class KubeletSpecSpec(Spec):
    """``k8s.KubeletSpecSpec``."""

    image: str = field(default="", metadata=yaml("image"))
    args: tuple[str, ...] = field(default=(), metadata=yaml("args"))
    extra_mounts: tuple[Any, ...] = field(default=(), metadata=yaml("extraMounts"))
    expected_nodename: str = field(default="", metadata=yaml("expectedNodename"))
    config: dict[str, Any] = field(default_factory=dict, metadata=yaml("config"))
