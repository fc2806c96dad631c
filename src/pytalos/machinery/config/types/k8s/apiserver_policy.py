"""kube-apiserver policy documents: admission plugins, audit, authn, authz and etcd encryption.

Each one carries a literal Kubernetes configuration blob that Talos passes to the API server; the
blobs are kept as :class:`~..meta.Unstructured` data so they round-trip exactly, and the
``merge:"replace"`` ones are swapped whole on patch (a partial merge of a policy is never meant).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...document import Document, register
from ...schema import yfield
from ..meta import Unstructured, replace_if_set


@register
class KubeAdmissionControlConfigV1Alpha1(Document):
    """Configuration of one kube-apiserver admission control plugin, named by the plugin."""

    KIND: ClassVar[str] = "KubeAdmissionControlConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Admission control plugin name (e.g. PodSecurity).")
    configuration: Unstructured = yfield(
        "configuration", default_factory=Unstructured, doc="Literal plugin configuration."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], [] if self.name else ["admission control plugin name is required"]


@register
class KubeAuditPolicyConfigV1Alpha1(Document):
    """The kube-apiserver audit policy."""

    KIND: ClassVar[str] = "KubeAuditPolicyConfig"

    configuration: Unstructured = yfield(
        "configuration",
        default_factory=Unstructured,
        merge=replace_if_set,
        doc="Literal Kubernetes audit policy.",
    )


@register
class KubeAuthenticationConfigV1Alpha1(Document):
    """The kube-apiserver structured authentication configuration."""

    KIND: ClassVar[str] = "KubeAuthenticationConfig"

    configuration: Unstructured = yfield(
        "configuration",
        default_factory=Unstructured,
        merge=replace_if_set,
        doc="Literal Kubernetes AuthenticationConfiguration.",
    )


ALLOWED_AUTHORIZER_TYPES = ("Node", "RBAC", "Webhook")


@register
class KubeAuthorizerConfigV1Alpha1(Document):
    """One authorizer in the kube-apiserver authorization chain."""

    KIND: ClassVar[str] = "KubeAuthorizerConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Authorizer name (a DNS-1123 label or subdomain).")
    type: str = yfield("type", doc="Authorizer type: Node, RBAC or Webhook.")
    webhook: Unstructured = yfield(
        "webhook", default_factory=Unstructured, omitempty=True, doc="Webhook authorizer configuration."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings: list[str] = []
        errors: list[str] = []
        if not self.name:
            errors.append("authorizer name is required")
        if not self.type:
            errors.append("authorizer type is required")
        if self.type not in ALLOWED_AUTHORIZER_TYPES:
            allowed = "[" + " ".join(ALLOWED_AUTHORIZER_TYPES) + "]"
            errors.append(f"authorizer type {self.type} is not allowed, allowed types are {allowed}")
        if self.type == "Webhook" and not self.webhook.object:
            errors.append("authorizer webhook configuration is required for Webhook authorizer type")
        if self.type != "Webhook" and self.webhook.object:
            warnings.append("authorizer webhook configuration is not allowed non-Webhook authorizer types")
        return warnings, errors


def _redact_secrets(obj: dict[str, Any], replacement: str) -> None:
    """Replace every ``secret`` value at any depth (where EncryptionConfiguration keeps keys)."""
    for key, value in obj.items():
        if key == "secret":
            obj[key] = replacement
        elif isinstance(value, dict):
            _redact_secrets(value, replacement)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _redact_secrets(item, replacement)


@register
class KubeEtcdEncryptionConfigV1Alpha1(Document):
    """Encryption at rest of Kubernetes resources in etcd (EncryptionConfiguration body)."""

    KIND: ClassVar[str] = "KubeEtcdEncryptionConfig"

    config: Unstructured = yfield(
        "config", default_factory=Unstructured, doc="EncryptionConfiguration without apiVersion/kind."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], [] if self.config.object else ["etcd encryption config is required"]

    def redact(self, replacement: str) -> None:
        _redact_secrets(self.config.object, replacement)
