"""``machine.registries`` of the v1alpha1 document (deprecated in favour of ``Registry*Config``).

``gen config --registry-mirror`` still writes ``mirrors`` for older version contracts; the maps are
keyed by registry host and written in go-yaml's sorted key order.
"""

from __future__ import annotations

from ...codecs import Base64Bytes
from ...schema import ExampleList, Struct, yfield
from .pki import PEMEncodedCertificateAndKey


class RegistryMirrorConfig(Struct):
    """Mirrors of one registry."""

    mirror_endpoints: list[str] = yfield("endpoints", doc="Mirror endpoint URLs.")
    mirror_override_path: bool | None = yfield(
        "overridePath", omitempty=True, doc="Use the endpoint path as is."
    )
    mirror_skip_fallback: bool | None = yfield("skipFallback", omitempty=True, doc="Never use the upstream.")


class RegistryAuthConfig(Struct):
    """Registry credentials (as in ``.docker/config.json``)."""

    registry_username: str = yfield("username", omitempty=True, doc="User name.")
    registry_password: str = yfield("password", omitempty=True, doc="Password.")
    registry_auth: str = yfield("auth", omitempty=True, doc="Auth string.")
    registry_identity_token: str = yfield("identityToken", omitempty=True, doc="Identity token.")


class RegistryTLSConfig(Struct):
    """TLS settings for a registry."""

    tls_client_identity: PEMEncodedCertificateAndKey | None = yfield(
        "clientIdentity", omitempty=True, doc="Client certificate and key."
    )
    tls_ca: Base64Bytes = yfield(
        "ca", omitempty=True, default_factory=Base64Bytes, doc="Registry CA (base64)."
    )
    tls_insecure_skip_verify: bool | None = yfield(
        "insecureSkipVerify", omitempty=True, doc="Skip server certificate verification."
    )


class RegistryConfig(Struct):
    """TLS and auth for one registry host."""

    registry_tls: RegistryTLSConfig | None = yfield("tls", omitempty=True, doc="TLS settings.")
    registry_auth: RegistryAuthConfig | None = yfield("auth", omitempty=True, doc="Credentials.")


class RegistriesConfig(Struct):
    """``machine.registries``."""

    registry_mirrors: dict[str, RegistryMirrorConfig | None] = yfield(
        "mirrors", omitempty=True, doc="Mirrors per registry host.", examples=lambda: _mirrors_examples()
    )
    registry_config: dict[str, RegistryConfig | None] = yfield(
        "config", omitempty=True, doc="TLS and auth per registry host.", examples=lambda: _config_examples()
    )


def _mirrors() -> dict[str, RegistryMirrorConfig | None]:
    return {"docker.io": RegistryMirrorConfig(mirror_endpoints=["https://mirror.example.org/v2/docker.io"])}


def _config() -> dict[str, RegistryConfig | None]:
    tls = RegistryTLSConfig(tls_insecure_skip_verify=True)
    auth = RegistryAuthConfig(registry_username="builder", registry_password="change-me")
    return {"registry.example.org": RegistryConfig(registry_tls=tls, registry_auth=auth)}


def _mirrors_examples() -> ExampleList:
    return [("Pull Docker Hub images through a local mirror.", _mirrors())]


def _config_examples() -> ExampleList:
    return [("Log in to a private registry with a self-signed certificate.", _config())]


def registries_examples() -> ExampleList:
    """Examples of ``machine.registries`` (a mirror and a private registry)."""
    both = RegistriesConfig(registry_mirrors=_mirrors(), registry_config=_config())
    return [("A Docker Hub mirror and a private registry.", both)]
