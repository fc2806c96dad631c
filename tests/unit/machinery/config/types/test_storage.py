"""Storage documents (LVM volume groups / logical volumes, RAID arrays): round trips and validation."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.document import Document
from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types import storage
from pytalos.machinery.config.types.block import ByteSize, Expression, Size
from pytalos.machinery.config.types.storage import (
    LVMLogicalVolumeConfigV1Alpha1,
    LVMLogicalVolumeType,
    LVMVolumeGroupConfigV1Alpha1,
    MDMetadata,
    ProvisioningVolumeParent,
    RAIDArrayConfigV1Alpha1,
)

from ._group_roundtrip import decode_doc, encode_doc, fixture_round_trip_test, fixture_text, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(storage)
NAME_CHARS = "name can only contain ASCII letters, digits, hyphens and underscores"


def test_every_kind_is_registered() -> None:
    assert set(KINDS) == {"LVMLogicalVolumeConfig", "LVMVolumeGroupConfig", "RAIDArrayConfig"}


test_fixture_round_trips_byte_for_byte = fixture_round_trip_test("storage", KINDS, valid=True)


def test_metadata_enum_and_zero_value() -> None:
    doc = decode_doc(fixture_text("storage", "raidarrayconfig_metadata12.yaml"), KINDS)
    assert isinstance(doc, RAIDArrayConfigV1Alpha1)
    assert doc.metadata_format == MDMetadata.of("1.2")
    doc.metadata_format = MDMetadata.of("1.0")  # the zero value is omitted, as Talos does
    assert "metadata" not in encode_doc(doc)
    assert "level: raid1\n" in encode_doc(RAIDArrayConfigV1Alpha1(name="x"))


def _lv(lv_type: str = "linear", **kw: object) -> LVMLogicalVolumeConfigV1Alpha1:
    doc = LVMLogicalVolumeConfigV1Alpha1(
        name=str(kw.pop("name", "lv-data")), lv_type=LVMLogicalVolumeType.of(lv_type)
    )
    doc.provisioning.volume_group = str(kw.pop("vg", "vg-pool"))
    if "max" in kw:
        doc.provisioning.provisioning_max_size = Size.parse(str(kw.pop("max")))
    if "min" in kw:
        doc.provisioning.provisioning_min_size = ByteSize.parse(str(kw.pop("min")))
    for key, value in kw.items():
        setattr(doc, key, value)
    return doc


def _vg(
    selector: str = "", parents: list[ProvisioningVolumeParent] | None = None
) -> LVMVolumeGroupConfigV1Alpha1:
    doc = LVMVolumeGroupConfigV1Alpha1(name="vg_pool")
    doc.provisioning_spec.volume_selector.match = Expression(selector)
    doc.provisioning_spec.parents = parents or []
    return doc


CASES: list[tuple[str, Document, str]] = [
    ("lv valid", _lv(max="50%"), ""),
    ("lv no max", _lv(), "provisioning.maxSize is required"),
    ("lv no vg", _lv(vg="", max="1GiB"), "provisioning.volumeGroup is required"),
    ("lv negative", _lv(max="-1GiB"), "provisioning.maxSize must not be negative"),
    (
        "lv min over max",
        _lv(max="1GiB", min="2GiB"),
        "provisioning.minSize must not exceed provisioning.maxSize",
    ),
    ("lv bad name", _lv(name="lv data", max="1GiB"), NAME_CHARS),
    (
        "lv mirrors on linear",
        _lv(max="1GiB", lv_mirrors=2),
        "mirrors is only valid for raid1/raid10, not linear",
    ),
    ("lv zero mirrors", _lv("raid1", max="1GiB", lv_mirrors=0), "mirrors must be at least 1"),
    (
        "lv stripes on raid1",
        _lv("raid1", max="1GiB", lv_stripes=2),
        "stripes is only valid for raid0/raid10, not raid1",
    ),
    ("lv one stripe", _lv("raid10", max="1GiB", lv_stripes=1), "stripes must be at least 2"),
    ("vg nothing", _vg(), "either provisioning.volumeSelector.match or provisioning.parents is required"),
    (
        "vg both",
        _vg("true", [ProvisioningVolumeParent("RawVolume", "a")]),
        "provisioning.volumeSelector and provisioning.parents are mutually exclusive",
    ),
    (
        "vg bad parent kind",
        _vg(parents=[ProvisioningVolumeParent("UserVolume", "a")]),
        'provisioning.parents[0].kind: unsupported kind "UserVolume", only "RawVolume" is supported',
    ),
    (
        "vg parent without name",
        _vg(parents=[ProvisioningVolumeParent("RawVolume", "")]),
        "provisioning.parents[0].name is required",
    ),
    ("vg parents valid", _vg(parents=[ProvisioningVolumeParent("RawVolume", "d1")]), ""),
    (
        "vg bad selector",
        _vg("volume_id =="),
        "provisioning.volumeSelector.match: ERROR: <input>:1:13: Syntax error: mismatched input <EOF>\n"
        " | volume_id ==\n | ............^",
    ),
    (
        "raid no selector",
        RAIDArrayConfigV1Alpha1(name="md0"),
        "provisioning.volumeSelector.match is required",
    ),
    (
        "raid long name",
        RAIDArrayConfigV1Alpha1(name="x" * 33),
        "name must be between 1 and 32 characters long\nprovisioning.volumeSelector.match is required",
    ),
]


@pytest.mark.parametrize(("doc", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate(doc: Document, expected: str) -> None:
    assert "\n".join(doc.validate("metal")[1]) == expected


def test_lv_defaults_and_bad_type() -> None:
    assert _lv("raid10").mirrors() == 1
    assert _lv("raid0").mirrors() == 0
    text = "apiVersion: v1alpha1\nkind: LVMLogicalVolumeConfig\nname: x\ntype: raid5\n"
    with pytest.raises(DecodeError, match="raid5 does not belong to LVMLogicalVolumeType values"):
        decode_doc(text, KINDS)
