"""``k8s.ControlPlaneStaticPodController``: ``StaticPods`` kube-apiserver, -controller-manager, -scheduler.

Once etcd is healthy (kube-apiserver talks to the local member) and the secrets and config files are
on disk (``SecretStatuses``/``ConfigStatuses`` ``static-pods``), each ``*Configs`` resource becomes a
``v1.Pod`` rendered by :mod:`pytalos.machinery.kubernetes.staticpods`, annotated with the secrets
version, the config file version (kube-apiserver) and the config resource's version. A disabled
component, or a config that is gone, has its pod removed; without etcd's service or the statuses
every pod this controller wrote is removed (Talos's ``teardownAll``). Extra args naming a denied
flag or an unparsable resource quantity fail the reconcile with the field named.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machined.resources import k8s_pods, runtime
from pytalos.machined.runtime import (
    Input,
    InputKind,
    Output,
    OutputKind,
    Pointer,
    Reconciler,
    Resource,
    Runtime,
)
from pytalos.machinery.kubernetes import staticpods
from pytalos.machinery.kubernetes.argsbuilder import ArgsError

from .._common import put

ETCD_SERVICE_ID = "etcd"


class ControlPlaneStaticPodController(Reconciler):
    name = "k8s.ControlPlaneStaticPodController"

    def inputs(self) -> Sequence[Input]:
        ns, weak = cpres.NAMESPACE, InputKind.WEAK
        return [
            Input(ns, cpres.API_SERVER_CONFIG_TYPE, None, weak),
            Input(ns, cpres.CONTROLLER_MANAGER_CONFIG_TYPE, None, weak),
            Input(ns, cpres.SCHEDULER_CONFIG_TYPE, None, weak),
            Input(ns, cpres.SECRETS_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID, weak),
            Input(ns, cpres.CONFIG_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID, weak),
            Input(runtime.NAMESPACE, runtime.SERVICE_TYPE, ETCD_SERVICE_ID, weak),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_pods.STATIC_POD_TYPE, OutputKind.SHARED)]

    async def _teardown(self, rt: Runtime, keep: set[str]) -> None:
        for res in await rt.list(k8s_pods.NAMESPACE, k8s_pods.STATIC_POD_TYPE):
            if res.metadata.id not in keep and res.metadata.owner == self.name:
                await rt.teardown_and_destroy(res.pointer)

    async def _get(self, rt: Runtime, type: str, id: str) -> Resource[Any] | None:
        return await rt.get_or_none(Pointer(cpres.NAMESPACE, type, id))

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        etcd = await rt.get_or_none(Pointer(runtime.NAMESPACE, runtime.SERVICE_TYPE, ETCD_SERVICE_ID))
        secrets = await self._get(rt, cpres.SECRETS_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
        configs = await self._get(rt, cpres.CONFIG_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
        if etcd is None or secrets is None or configs is None:
            await self._teardown(rt, set())
            return
        if not etcd.spec.healthy:
            return  # keep what runs; wait for etcd
        secrets_version, file_version = secrets.spec.version, configs.spec.version
        pods: dict[str, dict[str, Any]] = {}
        try:
            apiserver = await self._get(rt, cpres.API_SERVER_CONFIG_TYPE, cpres.API_SERVER_CONFIG_ID)
            if apiserver is not None:
                pods[staticpods.APISERVER_ID] = staticpods.api_server_pod(
                    apiserver.spec, secrets_version, file_version, str(apiserver.metadata.version)
                )
            cm = await self._get(rt, cpres.CONTROLLER_MANAGER_CONFIG_TYPE, cpres.CONTROLLER_MANAGER_CONFIG_ID)
            if cm is not None and cm.spec.enabled:
                pods[staticpods.CONTROLLER_MANAGER_ID] = staticpods.controller_manager_pod(
                    cm.spec, secrets_version, str(cm.metadata.version)
                )
            scheduler = await self._get(rt, cpres.SCHEDULER_CONFIG_TYPE, cpres.SCHEDULER_CONFIG_ID)
            if scheduler is not None and scheduler.spec.enabled:
                pods[staticpods.SCHEDULER_ID] = staticpods.scheduler_pod(
                    scheduler.spec, secrets_version, str(scheduler.metadata.version)
                )
        except (ArgsError, staticpods.QuantityError) as err:
            raise ValueError(f"static pods: {err}") from None
        for pod_id, pod in pods.items():
            await put(rt, k8s_pods.NAMESPACE, k8s_pods.STATIC_POD_TYPE, pod_id, k8s_pods.StaticPodSpec(pod))
        await self._teardown(rt, set(pods))
