"""``k8s.ControlPlaneAuditPolicyController``: ``AuditPolicyConfigs/audit-policy``.

The audit policy of ``cluster.apiServer.auditPolicy`` or the ``KubeAuditPolicyConfig`` document,
Talos's default (everything at ``Metadata`` level) when neither sets one.
"""

from __future__ import annotations

from typing import Any

from pytalos.machined.resources import k8s_controlplane as cpres
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes import controlplane

from ._control_plane import ControlPlaneTransform


class ControlPlaneAuditPolicyController(ControlPlaneTransform):
    name = "k8s.ControlPlaneAuditPolicyController"
    output_type = cpres.AUDIT_POLICY_CONFIG_TYPE
    output_id = cpres.AUDIT_POLICY_CONFIG_ID

    def build(self, container: Container) -> Any:
        return cpres.AuditPolicyConfigSpec(controlplane.audit_policy(container))
