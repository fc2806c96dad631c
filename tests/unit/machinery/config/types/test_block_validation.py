"""Validation texts of the user/raw/swap/existing/external volume and node-wide block documents."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.codecs import Duration
from pytalos.machinery.config.document import Document
from pytalos.machinery.config.types import block
from pytalos.machinery.config.types.block import (
    ByteSize,
    EncryptionKey,
    EncryptionKeyStatic,
    EncryptionProviderType,
    EncryptionSpec,
    ExistingVolumeConfigV1Alpha1,
    Expression,
    ExternalVolumeConfigV1Alpha1,
    FilesystemScrubConfigV1Alpha1,
    FilesystemSpec,
    FilesystemTrimConfigV1Alpha1,
    FilesystemType,
    RawVolumeConfigV1Alpha1,
    SetVolumeType,
    Size,
    SwapVolumeConfigV1Alpha1,
    TrimConfig,
    UserVolumeConfigV1Alpha1,
    ZswapConfigV1Alpha1,
)

pytestmark = pytest.mark.unit

NAME_CHARS = "name can only contain lowercase and uppercase ASCII letters, digits, and hyphens"


def _user(name: str = "data", vtype: str | None = None, **kw: object) -> UserVolumeConfigV1Alpha1:
    doc = UserVolumeConfigV1Alpha1(name=name, volume_type=SetVolumeType.of(vtype) if vtype else None)
    prov = doc.provisioning_spec
    prov.disk_selector_spec.match = Expression(str(kw.pop("selector", "!system_disk")))
    if "min" in kw:
        prov.provisioning_min_size = ByteSize.parse(str(kw.pop("min")))
    if "max" in kw:
        prov.provisioning_max_size = Size.parse(str(kw.pop("max")))
    for key, value in kw.items():
        setattr(doc, key, value)
    return doc


def _fs(fstype: str, quota: bool | None = None, xfs: bool = False) -> FilesystemSpec:
    return FilesystemSpec(FilesystemType.of(fstype), quota, block.XFSSpec() if xfs else None)


USER_CASES: list[tuple[str, Document, str]] = [
    ("valid partition", _user(min="10GiB"), ""),
    (
        "no name",
        _user(name="", min="1GiB"),
        "name is required\nname must be between 1 and 34 characters long",
    ),
    ("long name", _user(name="a" * 35, min="1GiB"), "name must be between 1 and 34 characters long"),
    ("bad chars", _user(name="my_vol", min="1GiB"), NAME_CHARS),
    ("no size", _user(), "min size or max size is required"),
    ("no selector", _user(selector="", min="1GiB"), "disk selector is required"),
    ("disk with size", _user(vtype="disk", min="1GiB"), "min size, max size and grow are not supported"),
    ("disk valid", _user(vtype="disk"), ""),
    (
        "directory with selector",
        _user(vtype="directory"),
        "provisioning spec is invalid for volumeType directory",
    ),
    (
        "directory with everything",
        _user(
            vtype="directory",
            selector="",
            filesystem_spec=_fs("xfs"),
            encryption_spec=EncryptionSpec(encryption_provider=EncryptionProviderType.of("luks2")),
            mount_spec=block.UserMountSpec(mount_disable_access_time=True),
        ),
        "encryption spec is invalid for volumeType directory\n"
        "filesystem spec is invalid for volumeType directory\n"
        "mount.disableAccessTime is invalid for volumeType directory",
    ),
    ("tmpfs unsupported", _user(vtype="tmpfs"), 'unsupported volume type "tmpfs"'),
    ("vfat", _user(min="1GiB", filesystem_spec=_fs("vfat")), "unsupported filesystem type: vfat"),
    (
        "quota on ext4",
        _user(min="1GiB", filesystem_spec=_fs("ext4", quota=True)),
        "project quota support is only available for xfs filesystem",
    ),
    (
        "xfs opts on btrfs",
        _user(min="1GiB", filesystem_spec=_fs("btrfs", xfs=True)),
        "xfs options are only available for xfs filesystem",
    ),
    ("quota on default xfs", _user(min="1GiB", filesystem_spec=_fs("none", quota=True)), ""),
    (
        "trim too small chunk",
        _user(min="1GiB", trim_spec=TrimConfig(trim_chunk_size=ByteSize.parse("4KiB"))),
        "trim chunk size cannot be less than 1.0 MiB",
    ),
    (
        "raw valid",
        RawVolumeConfigV1Alpha1(name="ceph"),
        "disk selector is required\nmin size or max size is required",
    ),
    (
        "swap bad name",
        SwapVolumeConfigV1Alpha1(name="swap!"),
        f"{NAME_CHARS}\ndisk selector is required\nmin size or max size is required",
    ),
]


@pytest.mark.parametrize(("doc", "expected"), [c[1:] for c in USER_CASES], ids=[c[0] for c in USER_CASES])
def test_user_raw_swap_validate(doc: Document, expected: str) -> None:
    assert "\n".join(doc.validate("metal")[1]) == expected


def test_raw_and_swap_validate_encryption() -> None:
    for cls in (RawVolumeConfigV1Alpha1, SwapVolumeConfigV1Alpha1):
        doc = cls(name="vol")
        doc.provisioning_spec.disk_selector_spec.match = Expression("!system_disk")
        doc.provisioning_spec.provisioning_max_size = Size.parse("10GiB")
        assert doc.validate("metal") == ([], [])
        doc.encryption_spec = EncryptionSpec(
            encryption_provider=EncryptionProviderType.of("luks2"),
            encryption_keys=[
                EncryptionKey(0, EncryptionKeyStatic("a")),
                EncryptionKey(0, EncryptionKeyStatic("b")),
            ],
        )
        assert doc.validate("metal")[1] == ["duplicate key slot 0"]


def test_existing_volume_validate() -> None:
    doc = ExistingVolumeConfigV1Alpha1(name="my data")
    assert doc.validate("metal")[1] == [NAME_CHARS, "volume selector is required"]
    doc = ExistingVolumeConfigV1Alpha1(name="data")
    doc.volume_discovery_spec.volume_selector_config.match = Expression('volume.partition_label == "X" &&')
    (error,) = doc.validate("metal")[1]
    assert error.startswith("volume selector is invalid: ERROR: <input>:1:")


def test_external_volume_validate() -> None:
    doc = ExternalVolumeConfigV1Alpha1(name="share", filesystem_type=FilesystemType.of("virtiofs"))
    assert doc.validate("metal")[1] == ["virtiofs mount spec is required"]
    doc.mount_spec.mount_virtiofs = block.VirtiofsMountSpec("")
    assert doc.validate("metal")[1] == ["virtiofs tag is required"]
    doc.mount_spec.mount_virtiofs.virtiofs_tag = "Data"
    assert doc.validate("metal") == ([], [])
    assert ExternalVolumeConfigV1Alpha1(name="x", filesystem_type=FilesystemType.of("xfs")).validate("metal")[
        1
    ] == ["invalid filesystem type: xfs"]


def _trim(**kw: object) -> FilesystemTrimConfigV1Alpha1:
    doc = FilesystemTrimConfigV1Alpha1()
    for key, value in kw.items():
        if key in ("trim_interval", "trim_chunk_delay"):
            setattr(doc, key, Duration.of(str(value)))
        else:
            setattr(doc, key, ByteSize.parse(str(value)))
    return doc


TRIM_CASES = [
    ({}, ""),
    ({"trim_interval": "168h"}, ""),
    ({"trim_interval": "-1s"}, "interval cannot be negative"),
    ({"trim_chunk_delay": "-1s"}, "chunk delay cannot be negative"),
    ({"trim_chunk_size": "-1GiB"}, "chunk size cannot be negative"),
    ({"trim_chunk_size": "512KiB"}, "chunk size cannot be less than 1.0 MiB"),
    ({"trim_min_length": "-1MiB"}, "minimum length cannot be negative"),
    ({"trim_min_length": "256MiB"}, "minimum length cannot be greater than 128 MiB"),
    ({"trim_chunk_size": "1MiB", "trim_min_length": "128MiB"}, ""),
]


@pytest.mark.parametrize(("changes", "expected"), TRIM_CASES)
def test_filesystem_trim_validate(changes: dict[str, str], expected: str) -> None:
    assert "\n".join(_trim(**changes).validate("metal")[1]) == expected


def test_per_volume_trim_validate() -> None:
    assert TrimConfig(trim_interval=Duration.of("-1s")).validate() == ["trim interval cannot be negative"]
    assert TrimConfig(trim_chunk_delay=block.specs.SetDuration(-(10**9))).validate() == [
        "trim chunk delay cannot be negative"
    ]
    assert TrimConfig(trim_min_length=ByteSize.parse("129MiB")).validate() == [
        "trim minimum length cannot be greater than 128 MiB"
    ]
    explicit_zero = TrimConfig(trim_chunk_delay=block.specs.SetDuration(0))
    assert explicit_zero.validate() == []


def test_scrub_and_zswap_validate() -> None:
    assert FilesystemScrubConfigV1Alpha1().validate("metal") == ([], [])
    scrub = FilesystemScrubConfigV1Alpha1(scrub_interval=Duration.of("1s"))
    assert scrub.validate("metal")[1] == ["scrub interval: minimum value is 10s"]
    assert FilesystemScrubConfigV1Alpha1().interval() == Duration.of("168h")
    assert ZswapConfigV1Alpha1(max_pool_percent_config=101).validate("metal")[1] == [
        "maxPoolPercent must be between 0 and 100"
    ]
    assert ZswapConfigV1Alpha1().max_pool_percent() == 20
