"""Block codecs: human-readable sizes, text enums, CEL expressions, and the decode errors they raise."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types import block
from pytalos.machinery.config.types.block import (
    ByteSize,
    CELSyntaxError,
    Size,
    VolumeType,
    check_syntax,
    ibytes,
    parse_bytes,
)
from pytalos.machinery.yamlx import Scalar

from ._group_roundtrip import decode_doc, encode_doc, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(block)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10GiB", 10 * 1024**3),
        ("2.5TiB", int(2.5 * 1024**4)),
        ("100MB", 100 * 1000**2),
        ("100 mb", 100 * 1000**2),
        ("1,024", 1024),
        ("42", 42),
        ("1k", 1000),
        ("1Ki", 1024),
    ],
)
def test_parse_bytes(text: str, value: int) -> None:
    assert parse_bytes(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10XB", "unhandled size name: xb"),
        ("GiB", 'strconv.ParseFloat: parsing "": invalid syntax'),
        ("1.2.3GiB", 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'),
        ("99999EiB", "too large: 99999EiB"),
    ],
)
def test_parse_bytes_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        parse_bytes(text)


@pytest.mark.parametrize(
    ("value", "text"), [(5, "5 B"), (1024 * 1024, "1.0 MiB"), (128 * 1024**2, "128 MiB"), (1536, "1.5 KiB")]
)
def test_ibytes(value: int, text: str) -> None:
    assert ibytes(value) == text


def test_byte_size_round_trips_its_text() -> None:
    for text in ("10GiB", "2.5TiB", "-10GiB", "1024"):
        size = ByteSize.parse(text)
        assert size.text() == text
        assert size.is_negative() == text.startswith("-")
    assert ByteSize(value=5, negative=True).text() == "-5"
    assert ByteSize().is_zero()
    assert not ByteSize.parse("0").is_zero()


def test_size_percentages() -> None:
    size = Size.parse("80%")
    assert size.is_relative() and size.relative_value() == 80 and size.bytes() == 0
    assert Size.parse("-5%").is_negative()
    assert Size.parse("50GiB").relative_value() is None
    for text, message in [
        ("150%", "percentage must be between 0 and 100, got 150"),
        ("50%x", "percentage must end with '%'"),
        ("abc%", 'invalid percentage value: strconv.ParseFloat: parsing "abc": invalid syntax'),
    ]:
        with pytest.raises(ValueError) as exc:
            Size.parse(text)
        assert str(exc.value) == message


def test_numeric_size_is_written_as_a_quoted_string() -> None:
    text = "apiVersion: v1alpha1\nkind: VolumeConfig\nname: EPHEMERAL\nprovisioning:\n    minSize: 1024\n"
    assert encode_doc(decode_doc(text, KINDS)).endswith('    minSize: "1024"\n')


def test_bad_size_is_a_decode_error_with_path() -> None:
    text = "apiVersion: v1alpha1\nkind: VolumeConfig\nname: EPHEMERAL\nprovisioning:\n    maxSize: 10XB\n"
    with pytest.raises(DecodeError) as exc:
        decode_doc(text, KINDS)
    assert exc.value.path == "provisioning.maxSize"
    assert exc.value.line == 4
    assert "unhandled size name: xb" in str(exc.value)


def test_enums_are_case_insensitive_and_reject_unknown_names() -> None:
    assert VolumeType.of("Memory").name == "memory"
    assert VolumeType.decode(Scalar("DIRECTORY"), "volumeType") == VolumeType.of("directory")
    with pytest.raises(DecodeError, match="bogus does not belong to VolumeType values"):
        VolumeType.decode(Scalar("bogus"), "volumeType")
    text = "apiVersion: v1alpha1\nkind: ExternalVolumeConfig\nname: x\nfilesystemType: zfs\n"
    with pytest.raises(DecodeError, match="zfs does not belong to FilesystemType values"):
        decode_doc(text, KINDS)


def test_unknown_key_is_rejected() -> None:
    text = "apiVersion: v1alpha1\nkind: ZswapConfig\nmaxPoolPercnt: 5\n"
    with pytest.raises(DecodeError, match='unknown key "maxPoolPercnt"'):
        decode_doc(text, KINDS)


@pytest.mark.parametrize(
    "expression",
    [
        'disk.transport == "nvme" && !system_disk',
        "disk.size > 120u * GB && disk.size < 1u * TB",
        'volume.partition_label.startsWith("r-lvm")',
        'volume_id in ["r-a", "r-b",]',
        "a ? b : c || d",
        '{"a": 1}["a"] == 1 && 0x10u > 1.5e3',
        "r'raw\\d' != '''multi'''",
        "-(-1) == 1",
    ],
)
def test_cel_syntax_accepts(expression: str) -> None:
    check_syntax(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "disk.size >",
            "ERROR: <input>:1:12: Syntax error: mismatched input <EOF>\n | disk.size >\n | ...........^",
        ),
        ("a b", "ERROR: <input>:1:3: Syntax error: mismatched input 'b'\n | a b\n | ..^"),
        ("(a", "ERROR: <input>:1:3: Syntax error: mismatched input <EOF>\n | (a\n | ..^"),
        ("a $ b", "ERROR: <input>:1:3: Syntax error: token recognition error at: '$'\n | a $ b\n | ..^"),
        ("x.", "ERROR: <input>:1:3: Syntax error: mismatched input <EOF>\n | x.\n | ..^"),
    ],
)
def test_cel_syntax_errors(expression: str, message: str) -> None:
    with pytest.raises(CELSyntaxError) as exc:
        check_syntax(expression)
    assert str(exc.value) == message
