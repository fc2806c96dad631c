"""Hardware documents: PCIDriverRebindConfig round trip (a base-60 looking name is single-quoted)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.types import hardware
from pytalos.machinery.config.types.hardware import PCIDriverRebindConfigV1Alpha1

from ._group_roundtrip import decode_doc, encode_doc, fixture_names, fixture_text, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(hardware)


@pytest.mark.parametrize("name", fixture_names("hardware"))
def test_fixture_round_trips_byte_for_byte(name: str) -> None:
    text = fixture_text("hardware", name)
    doc = decode_doc(text, KINDS)
    assert isinstance(doc, PCIDriverRebindConfigV1Alpha1)
    assert doc.identity() == "v1alpha1/PCIDriverRebindConfig/0000:04:00.00"
    assert doc.pci_target_driver == "vfio-pci"
    assert encode_doc(doc) == text
    assert doc.validate("metal") == ([], [])


def test_base60_looking_names_are_single_quoted() -> None:
    doc = PCIDriverRebindConfigV1Alpha1(name="0000:04:00.00", pci_target_driver="vfio-pci")
    assert "name: '0000:04:00.00'\n" in encode_doc(doc)
    doc.name = "0000:af:00.0"  # not a base-60 number: plain
    assert "name: 0000:af:00.0\n" in encode_doc(doc)
