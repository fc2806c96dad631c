"""Secret redaction of the v1alpha1 document (Talos's ``Config.Redact``).

``talosctl get machineconfig`` and support bundles show configs to people who must not see the
cluster's secrets, so every secret the v1alpha1 document carries is replaced with a marker text;
empty values stay empty so that a redacted config still shows which secrets were never set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...codecs import Base64Bytes
from .pki import PEMEncodedCertificateAndKey, PEMEncodedKey

if TYPE_CHECKING:
    from .config import Config


def _text(value: str, replacement: str) -> str:
    return replacement if value else value


def _key(holder: PEMEncodedCertificateAndKey | PEMEncodedKey | None, replacement: str) -> None:
    if holder is not None and holder.key.data:
        holder.key = Base64Bytes(replacement.encode())


def redact_config(cfg: Config, replacement: str) -> None:
    """Replace, in place, every non-empty secret of ``cfg`` with ``replacement``."""
    machine = cfg.machine_config
    if machine is not None:
        machine.machine_token = _text(machine.machine_token, replacement)
        _key(machine.machine_ca, replacement)
    cluster = cfg.cluster_config
    if cluster is None:
        return
    cluster.cluster_secret = _text(cluster.cluster_secret, replacement)
    cluster.bootstrap_token = _text(cluster.bootstrap_token, replacement)
    cluster.cluster_aescbc_encryption_secret = _text(cluster.cluster_aescbc_encryption_secret, replacement)
    cluster.cluster_secretbox_encryption_secret = _text(
        cluster.cluster_secretbox_encryption_secret, replacement
    )
    _key(cluster.cluster_service_account, replacement)
    _key(cluster.cluster_ca, replacement)
    _key(cluster.cluster_aggregator_ca, replacement)
    if cluster.etcd_config is not None:
        _key(cluster.etcd_config.root_ca, replacement)
