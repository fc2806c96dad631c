"""Block documents: byte-exact fixture round trips, TPM PCR defaults, redaction, Talos validation texts."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.codecs import Duration
from pytalos.machinery.config.schema import merge_structs
from pytalos.machinery.config.types import block
from pytalos.machinery.config.types.block import (
    ByteSize,
    EncryptionKey,
    EncryptionKeyStatic,
    EncryptionKeyTPM,
    EncryptionKeyTPMOptions,
    EncryptionProviderType,
    EncryptionSpec,
    Expression,
    SetVolumeType,
    Size,
    VolumeConfigV1Alpha1,
    XFSSpec,
)

from ._group_roundtrip import (
    decode_doc,
    encode_doc,
    fixture_names,
    fixture_round_trip_test,
    fixture_text,
    group_kinds,
    stability_labels,
    stability_text,
)

pytestmark = pytest.mark.unit

KINDS = group_kinds(block)
TPM_INPUTS = {
    "volumeconfig_tpm_encryption_no_options.yaml": [7],
    "volumeconfig_tpm_encryption_with_pcr_settings.yaml": [0, 7],
    "volumeconfig_tpm_encryption_with_pcrs_disabled.yaml": [],
}
ROUND_TRIP = [name for name in fixture_names("block") if name not in TPM_INPUTS]


def test_every_kind_is_registered() -> None:
    assert set(KINDS) == {
        "VolumeConfig",
        "UserVolumeConfig",
        "RawVolumeConfig",
        "SwapVolumeConfig",
        "ExistingVolumeConfig",
        "ExternalVolumeConfig",
        "ZswapConfig",
        "FilesystemTrimConfig",
        "FilesystemScrubConfig",
    }


test_fixture_round_trips_byte_for_byte = fixture_round_trip_test("block", KINDS, names=ROUND_TRIP)


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_fixture_is_valid(name: str) -> None:
    # includes volumeconfig_negativemaxsize.yaml: a negative max size means "leave this much free"
    assert decode_doc(fixture_text("block", name), KINDS).validate("metal") == ([], [])


@pytest.mark.parametrize(("name", "pcrs"), sorted(TPM_INPUTS.items()))
def test_tpm_pcr_defaults(name: str, pcrs: list[int]) -> None:
    doc = decode_doc(fixture_text("block", name), KINDS)
    assert isinstance(doc, VolumeConfigV1Alpha1)
    encryption = doc.encryption()
    assert encryption is not None
    tpm = encryption.encryption_keys[0].key_tpm
    assert tpm is not None
    assert tpm.pcrs() == pcrs
    assert tpm.pub_key_pcrs() == [11]


@pytest.mark.parametrize("label", stability_labels({"VolumeConfig", "FilesystemTrimConfig"}))
def test_stability_documents_round_trip(label: str) -> None:
    text = stability_text(label)
    assert encode_doc(decode_doc(text, KINDS)) == text


def test_sizes_keep_their_text() -> None:
    doc = decode_doc(fixture_text("block", "volumeconfig_maxsize.yaml"), KINDS)
    assert isinstance(doc, VolumeConfigV1Alpha1)
    prov = doc.provisioning_spec
    assert prov.provisioning_min_size.bytes() == 10 * 1024**3
    assert prov.provisioning_max_size.bytes() == int(2.5 * 1024**4)
    assert prov.provisioning_max_size.text() == "2.5TiB"
    negative = decode_doc(fixture_text("block", "volumeconfig_negativemaxsize.yaml"), KINDS)
    assert isinstance(negative, VolumeConfigV1Alpha1)
    assert negative.provisioning_spec.max_size_negative()


def test_redact_replaces_static_passphrases_only() -> None:
    for name in (
        "volumeconfig_state.yaml",
        "uservolumeconfig_encrypted.yaml",
        "rawvolumeconfig_encrypted.yaml",
    ):
        text = fixture_text("block", name)
        doc = decode_doc(text, KINDS)
        doc.redact("REDACTED")  # type: ignore[attr-defined]
        assert encode_doc(doc) == text.replace("passphrase: topsecret", "passphrase: REDACTED")


def test_merge_replaces_selector_and_sizes() -> None:
    left = VolumeConfigV1Alpha1(name="EPHEMERAL")
    left.provisioning_spec.disk_selector_spec.match = Expression("disk.size > 120")
    left.provisioning_spec.provisioning_min_size = ByteSize.parse("10GiB")
    right = VolumeConfigV1Alpha1(name="EPHEMERAL")
    right.provisioning_spec.disk_selector_spec.match = Expression("disk.size > 150")
    right.provisioning_spec.provisioning_max_size = Size.parse("2.5TiB")
    merge_structs(left, right)
    assert left.provisioning_spec.disk_selector_spec.match.text == "disk.size > 150"
    assert left.provisioning_spec.provisioning_max_size.text() == "2.5TiB"
    assert left.provisioning_spec.provisioning_min_size.text() == "10GiB"  # zero right side keeps left


def test_explicit_partition_volume_type_is_written() -> None:
    doc = VolumeConfigV1Alpha1(name="EPHEMERAL", volume_type=SetVolumeType.of("partition"))
    assert "volumeType: partition\n" in encode_doc(doc)


def _volume(name: str = "EPHEMERAL", **changes: object) -> VolumeConfigV1Alpha1:
    doc = VolumeConfigV1Alpha1(name=name)
    prov = doc.provisioning_spec
    for key, value in changes.items():
        if key == "selector":
            prov.disk_selector_spec.match = Expression(str(value))
        elif key == "min":
            prov.provisioning_min_size = ByteSize.parse(str(value))
        elif key == "max":
            prov.provisioning_max_size = Size.parse(str(value))
        elif key == "type":
            doc.volume_type = SetVolumeType.of(str(value))
        else:
            setattr(doc, key, value)
    return doc


def _luks(*keys: EncryptionKey) -> EncryptionSpec:
    return EncryptionSpec(encryption_provider=EncryptionProviderType.of("luks2"), encryption_keys=list(keys))


def _static(slot: int, lock: bool | None = None) -> EncryptionKey:
    return EncryptionKey(key_slot=slot, key_static=EncryptionKeyStatic("topsecret"), key_lock_to_state=lock)


ALL_VOLUMES = '["STATE" "EPHEMERAL" "IMAGECACHE" "ETCD" "CRI" "KUBELET" "LOG"]'
VOLUME_CASES: list[tuple[str, VolumeConfigV1Alpha1, str]] = [
    ("wrong name", _volume("wrong"), f"only {ALL_VOLUMES} volumes are supported"),
    (
        "filesystem config for image cache",
        _volume(
            "IMAGECACHE", filesystem_spec=block.SystemVolumeFilesystemSpec(XFSSpec(ByteSize.parse("128GiB")))
        ),
        'filesystem config is not allowed for the "IMAGECACHE" volume',
    ),
    ("min greater than max", _volume(min="2.5TiB", max="10GiB"), "min size is greater than max size"),
    ("min negative", _volume(min="-10GiB", max="10GiB"), "min size cannot be negative"),
    (
        "state provisioning",
        _volume("STATE", min="2.5GiB", max="10GiB"),
        'provisioning config is not allowed for the "STATE" volume',
    ),
    (
        "state lock to state",
        _volume("STATE", encryption_spec=_luks(_static(0), _static(1, lock=True))),
        'state-locked key is not allowed for the "STATE" volume',
    ),
    (
        "invalid pcrs",
        _volume(
            "STATE",
            encryption_spec=_luks(EncryptionKey(key_tpm=EncryptionKeyTPM(EncryptionKeyTPMOptions([24, 25])))),
        ),
        "TPM PCR 24 is out of range (0-23)\nTPM PCR 25 is out of range (0-23)",
    ),
    (
        "mount for STATE",
        _volume("STATE", mount_spec=block.MountSpec(mount_disable_access_time=True)),
        'mount config is not allowed for the "STATE" volume',
    ),
    (
        "mount for IMAGECACHE",
        _volume("IMAGECACHE", mount_spec=block.MountSpec(mount_secure=True)),
        'mount config is not allowed for the "IMAGECACHE" volume',
    ),
    (
        "mount for ETCD without provisioning",
        _volume("ETCD", mount_spec=block.MountSpec(mount_disable_access_time=True)),
        'mount config for the "ETCD" volume is only supported when it is provisioned '
        "onto a dedicated partition",
    ),
    (
        "LOG promotion with secure mount",
        _volume("LOG", max="50GiB", mount_spec=block.MountSpec(mount_secure=True)),
        "",
    ),
    (
        "ETCD promotion with selector",
        _volume("ETCD", selector='disk.transport == "nvme" && !system_disk', max="50GiB"),
        "",
    ),
    ("ETCD promotion encrypted", _volume("ETCD", max="50GiB", encryption_spec=_luks(_static(0))), ""),
    ("ETCD promotion trim", _volume("ETCD", max="50GiB", trim_spec=block.TrimConfig(trim_enabled=True)), ""),
    (
        "memory disallows selector",
        _volume(type="memory", selector="system_disk", min="3GiB"),
        'disk selector is not allowed for volumeType "memory"',
    ),
    (
        "memory requires min size",
        _volume(type="memory"),
        'size (provisioning.minSize) is required for volumeType "memory"',
    ),
    (
        "memory disallows max size",
        _volume(type="memory", min="3GiB", max="4GiB"),
        'max size is not allowed for volumeType "memory"',
    ),
    (
        "memory disallows encryption",
        _volume(type="memory", min="3GiB", encryption_spec=_luks(_static(0))),
        'encryption config is not allowed for volumeType "memory"',
    ),
    ("memory valid", _volume(type="memory", min="3GiB"), ""),
    ("disk type unsupported", _volume(type="disk"), 'unsupported volume type "disk"'),
    ("valid", _volume(selector="disk.size > 120u * GiB", max="2.5TiB", min="10GiB"), ""),
    ("valid negative", _volume(selector="disk.size > 120u * GiB", max="-2GiB", min="10GiB"), ""),
    ("valid percentage", _volume(selector="disk.size > 120u * GiB", max="90%", min="10GiB"), ""),
    (
        "selector syntax error",
        _volume(selector="disk.size >"),
        "disk selector is invalid: ERROR: <input>:1:12: Syntax error: mismatched input <EOF>\n"
        " | disk.size >\n | ...........^",
    ),
    (
        "bad scrub interval",
        _volume(scrub_spec=block.ScrubConfig(scrub_interval=Duration.of("1s"))),
        "scrub interval: minimum value is 10s",
    ),
]


@pytest.mark.parametrize(("doc", "expected"), [c[1:] for c in VOLUME_CASES], ids=[c[0] for c in VOLUME_CASES])
def test_volume_config_validate(doc: VolumeConfigV1Alpha1, expected: str) -> None:
    warnings, errors = doc.validate("metal")
    assert warnings == []
    assert "\n".join(errors) == expected


def test_encryption_spec_rules() -> None:
    spec = EncryptionSpec(encryption_keys=[EncryptionKey(key_slot=1), EncryptionKey(key_slot=1)])
    assert spec.validate() == [
        "unsupported encryption provider: none",
        "at least one encryption key type must be specified for slot 1",
        "duplicate key slot 1",
        "at least one encryption key type must be specified for slot 1",
    ]
    assert _luks().validate() == ["encryption keys are required"]
    assert EncryptionSpec().validate() == []
