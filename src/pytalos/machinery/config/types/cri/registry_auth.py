"""RegistryAuthConfig: credentials for one registry endpoint (Talos and Kubernetes pulls alike).

It holds secrets, so it implements :meth:`RegistryAuthConfigV1Alpha1.redact` like Talos's
``SecretDocument``; validation rejects ambiguous credential combinations.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class RegistryAuthConfigV1Alpha1(Document):
    """Go ``cri.RegistryAuthConfigV1Alpha1`` (kind RegistryAuthConfig)."""

    KIND: ClassVar[str] = "RegistryAuthConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Registry endpoint (host[:port]) the credentials apply to.")
    registry_username: str = yfield("username", omitempty=True, doc="Username for basic authentication.")
    registry_password: str = yfield("password", omitempty=True, doc="Password for basic authentication.")
    registry_auth: str = yfield("auth", omitempty=True, doc="Raw authentication string.")
    registry_identity_token: str = yfield(
        "identityToken", omitempty=True, doc="Identity token authentication."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.name:
            errors.append("name must be specified")
        has_username = bool(self.registry_username)
        has_token = bool(self.registry_identity_token)
        if has_username and has_token:
            errors.append("only one of username/password or identityToken authentication can be specified")
        if self.registry_auth and (has_username or has_token):
            errors.append(
                "only one of auth, username/password or identityToken authentication can be specified"
            )
        return [], errors

    def redact(self, replacement: str) -> None:
        """Replace every secret value that is set."""
        if self.registry_password:
            self.registry_password = replacement
        if self.registry_auth:
            self.registry_auth = replacement
        if self.registry_identity_token:
            self.registry_identity_token = replacement
