"""SideroLinkConfig: round trip, validation and join-token redaction."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.types import siderolink
from pytalos.machinery.config.types.cluster import URL
from pytalos.machinery.config.types.siderolink import ConfigV1Alpha1, SideroLinkConfigV1Alpha1

from ._group_roundtrip import decode_doc, fixture_round_trip_test, fixture_text, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(siderolink)


def test_kind_is_registered() -> None:
    assert {"SideroLinkConfig": ConfigV1Alpha1} == KINDS
    assert SideroLinkConfigV1Alpha1 is ConfigV1Alpha1


test_fixture_round_trips_byte_for_byte = fixture_round_trip_test("siderolink", KINDS, valid=True)


def test_redact_replaces_join_token() -> None:
    doc = decode_doc(fixture_text("siderolink", "document.yaml"), KINDS)
    assert isinstance(doc, ConfigV1Alpha1)
    doc.redact("REDACTED")
    assert doc.api_url_config.text == "https://siderolink.api/?jointoken=REDACTED&user=alice"
    other = ConfigV1Alpha1(api_url_config=URL("grpc://omni:8090?z=1&a=x+y"))
    other.redact("REDACTED")  # no token: query only re-encoded (sorted), like Go's Values.Encode
    assert other.api_url_config.text == "grpc://omni:8090?a=x+y&z=1"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", "apiUrl is required"),
        ("http://omni", "apiUrl scheme must be https:// or grpc://"),
        ("https://omni/join", "apiUrl path must be empty"),
        ("grpc://omni:8090/", None),
    ],
)
def test_validate(url: str, error: str | None) -> None:
    assert ConfigV1Alpha1(api_url_config=URL(url)).validate("metal")[1] == ([error] if error else [])
