"""Volume encryption settings shared by VolumeConfig, UserVolumeConfig, RawVolumeConfig and SwapVolumeConfig.

Talos's ``EncryptionSpec`` lists LUKS2 key slots (static passphrase, node-ID derived, KMS sealed or
TPM sealed). It is the only secret-bearing part of the volume documents, so it also implements the
redaction used by ``talosctl get mc`` and support bundles, and the rules Talos checks on every
encrypted volume (known provider, at least one key, unique slots, PCR numbers in range).
"""

from __future__ import annotations

from typing import ClassVar

from ...schema import Struct, yfield
from ...validation.located import located
from .enums import EncryptionProviderType

SECURE_BOOT_STATE_PCR = 7
"""PCR bound by default when a TPM key has no options (Talos ``constants.SecureBootStatePCR``)."""
UKI_PCR = 11
"""PCR whose signed policy a TPM key is bound to (Talos ``constants.UKIPCR``)."""
MAX_PCR = 23


class EncryptionKeyStatic(Struct):
    """EncryptionKeyStatic: a passphrase stored in the config itself."""

    key_data: str = yfield("passphrase", omitempty=True, doc="Static passphrase for this key slot.")


class EncryptionKeyNodeID(Struct):
    """EncryptionKeyNodeID: key derived from the node UUID and partition label (no settings)."""


class EncryptionKeyKMS(Struct):
    """EncryptionKeyKMS: key sealed/unsealed by a KMS server."""

    kms_endpoint: str = yfield("endpoint", doc="KMS endpoint used to seal and unseal the key.")


class EncryptionKeyTPMOptions(Struct):
    """EncryptionKeyTPMOptions: how a TPM-sealed key is bound to PCR state."""

    pcrs: list[int] = yfield("pcrs", omitempty=True, doc="PCRs the key is bound to (empty list: none).")


class EncryptionKeyTPM(Struct):
    """EncryptionKeyTPM: key sealed/unsealed by the TPM."""

    tpm_options: EncryptionKeyTPMOptions | None = yfield(
        "options", omitempty=True, doc="TPM binding options."
    )
    tpm_check_secureboot_status_on_enroll: bool | None = yfield(
        "checkSecurebootStatusOnEnroll", omitempty=True, doc="Refuse to enroll unless Secure Boot is on."
    )

    def pcrs(self) -> list[int]:
        """PCRs the key is bound to: PCR 7 unless options are given (an empty list disables binding)."""
        if self.tpm_options is None:
            return [SECURE_BOOT_STATE_PCR]
        return list(self.tpm_options.pcrs)

    def pub_key_pcrs(self) -> list[int]:
        """PCRs bound through the signed PCR policy (always the UKI PCR)."""
        return [UKI_PCR]

    def check_secureboot_on_enroll(self) -> bool:
        return bool(self.tpm_check_secureboot_status_on_enroll)


class EncryptionKey(Struct):
    """EncryptionKey: one LUKS2 key slot and how its key is obtained."""

    key_slot: int = yfield("slot", doc="LUKS2 key slot number.")
    key_static: EncryptionKeyStatic | None = yfield(
        "static", omitempty=True, doc="Passphrase kept in the config."
    )
    key_node_id: EncryptionKeyNodeID | None = yfield(
        "nodeID", omitempty=True, doc="Key derived from the node UUID."
    )
    key_kms: EncryptionKeyKMS | None = yfield("kms", omitempty=True, doc="Key sealed by a KMS server.")
    key_tpm: EncryptionKeyTPM | None = yfield("tpm", omitempty=True, doc="Key sealed by the TPM.")
    key_lock_to_state: bool | None = yfield(
        "lockToState", omitempty=True, doc="Also bind the key to the STATE partition's random salt."
    )

    def lock_to_state(self) -> bool:
        return bool(self.key_lock_to_state)


class EncryptionSpec(Struct):
    """EncryptionSpec: volume encryption provider, keys and cipher settings."""

    PROVIDER_LUKS2: ClassVar[str] = "luks2"

    encryption_provider: EncryptionProviderType = yfield(
        "provider", default_factory=EncryptionProviderType, doc="Encryption provider (luks2)."
    )
    encryption_keys: list[EncryptionKey] = yfield("keys", doc="Key slots and how their keys are obtained.")
    encryption_cipher: str = yfield("cipher", omitempty=True, doc="Cipher, e.g. aes-xts-plain64.")
    encryption_key_size: int = yfield("keySize", omitempty=True, doc="Key length in bits.")
    encryption_block_size: int = yfield("blockSize", omitempty=True, doc="Encryption sector size in bytes.")
    encryption_perf_options: list[str] = yfield("options", omitempty=True, doc="Extra LUKS2 --perf options.")
    encryption_allow_discards: bool | None = yfield(
        "allowDiscards", omitempty=True, doc="Pass TRIM/discard through to the underlying device."
    )

    def is_configured(self) -> bool:
        """True when a provider is set (Talos returns no encryption config for provider ``none``)."""
        return not self.encryption_provider.is_zero()

    def allow_discards(self) -> bool:
        return bool(self.encryption_allow_discards)

    def validate(self) -> list[str]:
        """Talos ``EncryptionSpec.Validate``: the error texts, in Talos's order."""
        if self.encryption_provider.is_zero() and not self.encryption_keys:
            return []
        errors: list[str] = []
        if self.encryption_provider.name != self.PROVIDER_LUKS2:
            errors.append(located(f"unsupported encryption provider: {self.encryption_provider}", "provider"))
        if not self.encryption_keys:
            errors.append(located("encryption keys are required", "keys"))
        slots: set[int] = set()
        for idx, key in enumerate(self.encryption_keys):
            if key.key_slot in slots:
                errors.append(located(f"duplicate key slot {key.key_slot}", f"keys[{idx}].slot"))
            slots.add(key.key_slot)
            if (
                key.key_static is None
                and key.key_node_id is None
                and key.key_kms is None
                and key.key_tpm is None
            ):
                errors.append(
                    located(
                        f"at least one encryption key type must be specified for slot {key.key_slot}",
                        f"keys[{idx}]",
                    )
                )
            if key.key_tpm is not None and key.key_tpm.tpm_options is not None:
                for pcr in key.key_tpm.tpm_options.pcrs:
                    if pcr < 0 or pcr > MAX_PCR:
                        errors.append(
                            located(
                                f"TPM PCR {pcr} is out of range (0-{MAX_PCR})",
                                f"keys[{idx}].tpm.options.pcrs",
                            )
                        )
        return errors

    def redact(self, replacement: str) -> None:
        """Replace every static passphrase with ``replacement`` (Talos ``EncryptionSpec.Redact``)."""
        for key in self.encryption_keys:
            if key.key_static is not None:
                key.key_static.key_data = replacement
