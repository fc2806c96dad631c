"""machined's controllers, one per module, grouped by domain like Talos's ``pkg/controllers``.

Each controller declares the resources it reads and the types it writes; domains never call each
other, they only meet through resources (:mod:`pytalos.machined.resources`). machined's main
process registers :func:`all_controllers` with its :class:`~pytalos.machined.runtime.ControllerRuntime`.

Inputs the node writes itself (everything else is derived):

* ``ConfigSources.config.pytalos.dev/v1alpha1`` (and ``/persistent``): the acquired config bytes
  (:func:`pytalos.machined.resources.config.config_source` builds one);
* ``MachineStages.runtime.pytalos.dev/machine``: the stage the sequencer is in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytalos.machined.runtime import Controller

from .cluster.discovery_service import DiscoveryServiceController
from .cluster.identity import NodeIdentityController
from .cluster.info import InfoController
from .cluster.local_affiliate import LocalAffiliateController
from .cluster.member import MemberController
from .config.machine_config import MachineConfigController
from .config.machine_type import MachineTypeController
from .etcd.spec import EtcdSpecController
from .k8s.control_plane_admission_control import ControlPlaneAdmissionControlController
from .k8s.control_plane_apiserver import ControlPlaneAPIServerController
from .k8s.control_plane_audit_policy import ControlPlaneAuditPolicyController
from .k8s.control_plane_controller_manager import ControlPlaneControllerManagerController
from .k8s.control_plane_scheduler import ControlPlaneSchedulerController
from .k8s.control_plane_static_pod import ControlPlaneStaticPodController
from .k8s.kubelet_config import KubeletConfigController
from .k8s.kubelet_spec import KubeletSpecController
from .k8s.nodename import NodenameController
from .k8s.render_config_static_pod import RenderConfigsStaticPodController
from .k8s.render_secrets_static_pod import RenderSecretsStaticPodController
from .k8s.static_pod_server import StaticPodServerController
from .network.address_status import AddressStatusController
from .network.hostname_status import HostnameStatusController
from .network.link_status import LinkStatusController
from .network.node_address import NodeAddressController
from .runtime.machine_status import MachineStatusController
from .runtime.services import ServiceController
from .runtime.version import VersionController
from .secrets.api import APIController
from .secrets.api_cert_sans import APICertSANsController
from .secrets.kubernetes import KubernetesController
from .secrets.kubernetes_cert_sans import KubernetesCertSANsController
from .secrets.kubernetes_dynamic_certs import KubernetesDynamicCertsController
from .secrets.root_kubernetes import RootKubernetesController
from .secrets.root_os import RootOSController
from .time.status import TimeStatusController

if TYPE_CHECKING:
    from pytalos.machined.platform import NodePlatform


def all_controllers(platform: NodePlatform) -> list[Controller]:
    """Every controller machined runs, wired to ``platform``'s netlink, machine id, clock and events."""
    return [
        MachineConfigController(mode=platform.mode),
        MachineTypeController(),
        LinkStatusController(platform.netlink),
        AddressStatusController(platform.netlink),
        NodeAddressController(),
        HostnameStatusController(),
        NodenameController(),
        TimeStatusController(mode=platform.mode, clock_trusted=platform.clock_trusted),
        RootOSController(),
        APICertSANsController(),
        APIController(),
        RootKubernetesController(),
        KubernetesCertSANsController(),
        KubernetesDynamicCertsController(),
        KubernetesController(),
        ControlPlaneAPIServerController(),
        ControlPlaneControllerManagerController(),
        ControlPlaneSchedulerController(),
        ControlPlaneAdmissionControlController(),
        ControlPlaneAuditPolicyController(),
        RenderSecretsStaticPodController(platform.root),
        RenderConfigsStaticPodController(platform.root),
        ControlPlaneStaticPodController(),
        StaticPodServerController(),
        KubeletConfigController(),
        KubeletSpecController(platform.root, platform.mode),
        EtcdSpecController(),
        MachineStatusController(),
        ServiceController(platform.events),
        VersionController(),
        NodeIdentityController(platform.machine_id),
        InfoController(),
        LocalAffiliateController(),
        DiscoveryServiceController(),
        MemberController(),
    ]


__all__ = ["all_controllers"]
