"""Per-node Kubernetes documents: node registration/labels/taints, static pods, credential providers.

They replace ``machine.kubelet.{nodeIP,registerWithFQDN,skipNodeRegistration,credentialProviderConfig}``,
``machine.nodeLabels|nodeAnnotations|nodeTaints`` and ``machine.pods`` of the v1alpha1 document;
label, annotation and taint checks follow Kubernetes rules so a bad value is caught before the
kubelet rejects it.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..common.labels import validate_annotations, validate_dns1123_subdomain, validate_labels, validate_taints
from ..meta import Unstructured, replace_if_set
from .cluster import parse_subnet_or_address


class NodeIPConfig(Struct):
    """Which networks the kubelet node IP is picked from (``!`` excludes)."""

    valid_subnets: list[str] = yfield("validSubnets", omitempty=True, doc="CIDRs to pick the node IP from.")


@register
class KubeNodeConfigV1Alpha1(Document):
    """How this machine registers as a Kubernetes node: FQDN, node IP, labels, annotations, taints."""

    KIND: ClassVar[str] = "KubeNodeConfig"

    skip_node_registration: bool | None = yfield(
        "skipNodeRegistration", omitempty=True, doc="Run the kubelet standalone (static pods only)."
    )
    register_with_fqdn: bool | None = yfield("registerWithFQDN", omitempty=True, doc="Register by FQDN.")
    node_ip: NodeIPConfig = yfield("nodeIP", doc="Kubelet --node-ip selection.")
    labels: dict[str, str] = yfield("labels", omitempty=True, doc="Node labels.")
    annotations: dict[str, str] = yfield("annotations", omitempty=True, doc="Node annotations.")
    taints: dict[str, str] = yfield("taints", omitempty=True, doc="Node taints (value:Effect).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        for cidr in self.node_ip.valid_subnets:
            cidr = cidr.removeprefix("!")
            if parse_subnet_or_address(cidr):
                errors.append(f'nodeIP subnet is not valid: "{cidr}"')
        for what, err in (
            ("labels", validate_labels(self.labels)),
            ("annotations", validate_annotations(self.annotations)),
            ("taints", validate_taints(self.taints)),
        ):
            if err:
                errors.append(f"invalid node {what}: {err}")
        return [], errors


def _validate_name(what: str, name: str) -> list[str]:
    if not name:
        return [f"{what} name is required"]
    err = validate_dns1123_subdomain(name)
    return [f"{what} name is invalid: {err}"] if err else []


@register
class KubeStaticPodConfigV1Alpha1(Document):
    """A pod the kubelet runs as a static pod (available before the control plane is up)."""

    KIND: ClassVar[str] = "KubeStaticPodConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Static pod name.")
    pod: Unstructured = yfield(
        "pod",
        default_factory=Unstructured,
        merge=replace_if_set,
        doc="Pod manifest (not validated by Talos).",
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = _validate_name("static pod", self.name)
        if not self.pod.object:
            errors.append("static pod spec is required")
        return [], errors


@register
class KubeCredentialProviderConfigV1Alpha1(Document):
    """The kubelet image credential provider configuration."""

    KIND: ClassVar[str] = "KubeCredentialProviderConfig"

    configuration: Unstructured = yfield(
        "configuration",
        default_factory=Unstructured,
        merge=replace_if_set,
        doc="Literal kubelet CredentialProviderConfig.",
    )
