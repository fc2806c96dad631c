"""``k8s.RenderConfigsStaticPodController``: the control plane's config files on the node's disk.

kube-apiserver's ``admission-control-config.yaml`` (``AdmissionControlConfigs``),
``auditpolicy.yaml`` (``AuditPolicyConfigs``) and ``authorization-config.yaml`` (the authorizers of
``APIServerConfigs``), and kube-scheduler's ``scheduler-config.yaml`` (``SchedulerConfigs``), below
the node root under ``system/config/kubernetes``. ``ConfigStatuses/static-pods`` records the version
(the inputs' versions joined), carried by kube-apiserver as ``talos.dev/config-file-version``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime
from pytalos.machinery.kubernetes import podfiles

from .._common import put, remove
from ._files import write_files


class RenderConfigsStaticPodController(Reconciler):
    name = "k8s.RenderConfigsStaticPodController"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: str | None = None

    def inputs(self) -> Sequence[Input]:
        ns = cpres.NAMESPACE
        return [
            Input(ns, cpres.ADMISSION_CONTROL_CONFIG_TYPE, cpres.ADMISSION_CONTROL_CONFIG_ID, InputKind.WEAK),
            Input(ns, cpres.AUDIT_POLICY_CONFIG_TYPE, cpres.AUDIT_POLICY_CONFIG_ID, InputKind.WEAK),
            Input(ns, cpres.API_SERVER_CONFIG_TYPE, cpres.API_SERVER_CONFIG_ID, InputKind.WEAK),
            Input(ns, cpres.SCHEDULER_CONFIG_TYPE, cpres.SCHEDULER_CONFIG_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(cpres.CONFIG_STATUS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        ns = cpres.NAMESPACE
        admission = await rt.get_or_none(
            Pointer(ns, cpres.ADMISSION_CONTROL_CONFIG_TYPE, cpres.ADMISSION_CONTROL_CONFIG_ID)
        )
        audit = await rt.get_or_none(
            Pointer(ns, cpres.AUDIT_POLICY_CONFIG_TYPE, cpres.AUDIT_POLICY_CONFIG_ID)
        )
        apiserver = await rt.get_or_none(
            Pointer(ns, cpres.API_SERVER_CONFIG_TYPE, cpres.API_SERVER_CONFIG_ID)
        )
        scheduler = await rt.get_or_none(Pointer(ns, cpres.SCHEDULER_CONFIG_TYPE, cpres.SCHEDULER_CONFIG_ID))
        status = (ns, cpres.CONFIG_STATUS_TYPE, cpres.STATIC_POD_STATUS_ID)
        if admission is None or audit is None or apiserver is None:
            self._written = None
            await remove(rt, *status)
            return
        parts = [admission, audit, apiserver, *([scheduler] if scheduler is not None else [])]
        version = "-".join(str(p.metadata.version) for p in parts)
        if version == self._written:
            return
        files = podfiles.config_files(
            admission.spec.config,
            audit.spec.config,
            apiserver.spec.authorizers,
            scheduler.spec if scheduler is not None else None,
        )
        await write_files(self.root, files)
        self._written = version
        await put(rt, *status, cpres.StaticPodFilesStatusSpec(ready=True, version=version))
        log.info("rendered %d control plane config files (version %s)", len(files), version)
