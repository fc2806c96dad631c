"""``k8s.KubeletConfigController``: ``KubeletConfigs/kubelet``, the kubelet part of the machine config.

Image, cluster DNS (default: the 10th address of every service CIDR), cluster domain, extra args and
``extraConfig``, default seccomp profile, node registration, node-IP subnets, external cloud
provider, the taints to register with (the control plane ``NoSchedule`` taint unless scheduling on
control planes is allowed) and the static pod server's URL (``StaticPodServerStatuses``), from the
``KubeletConfig``/``KubeNodeConfig`` documents or ``machine.kubelet``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s_pods
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime
from pytalos.machinery.kubernetes.kubelet import kubelet_settings
from pytalos.machinery.kubernetes.settings import SettingsError

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove


class KubeletConfigController(Reconciler):
    name = "k8s.KubeletConfigController"

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_CONFIG_INPUT,
            Input(
                k8s_pods.NAMESPACE,
                k8s_pods.STATIC_POD_SERVER_STATUS_TYPE,
                k8s_pods.STATIC_POD_SERVER_STATUS_ID,
                InputKind.WEAK,
            ),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_pods.KUBELET_CONFIG_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        target = (k8s_pods.NAMESPACE, k8s_pods.KUBELET_CONFIG_TYPE, k8s_pods.KUBELET_ID)
        if view is None or view.container.v1alpha1() is None:
            await remove(rt, *target)
            return
        server = await rt.get_or_none(
            Pointer(
                k8s_pods.NAMESPACE,
                k8s_pods.STATIC_POD_SERVER_STATUS_TYPE,
                k8s_pods.STATIC_POD_SERVER_STATUS_ID,
            )
        )
        url = server.spec.url if server is not None else ""
        try:
            settings = kubelet_settings(view.container, view.machine_type, url)
        except (SettingsError, ValueError) as err:
            raise ValueError(f"kubelet config from the machine config: {err}") from None
        spec = k8s_pods.KubeletConfigSpec(**{f: getattr(settings, f) for f in settings.__dataclass_fields__})
        await put(rt, *target, spec)
