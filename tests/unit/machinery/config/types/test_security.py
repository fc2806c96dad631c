"""Security documents: byte-exact fixture round-trips, rule-list merge, validation, trust bundle."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.schema import merge_structs
from pytalos.machinery.config.types import security as _group
from pytalos.machinery.config.types.security import (
    ImageKeylessVerifierV1Alpha1,
    ImagePublicKeyVerifierV1Alpha1,
    ImageVerificationConfigV1Alpha1,
    ImageVerificationRuleV1Alpha1,
    TrustedRootsConfigV1Alpha1,
    merge_rules,
)

from ._group_roundtrip import decode_doc, fixture_round_trip_test, fixture_text, group_kinds

pytestmark = pytest.mark.unit

KINDS = group_kinds(_group)

Rule = ImageVerificationRuleV1Alpha1


test_fixture_round_trip = fixture_round_trip_test("security", KINDS)


def test_image_verification_fixture_is_valid() -> None:
    doc = decode_doc(fixture_text("security", "imageverificationconfig.yaml"), KINDS)
    assert isinstance(doc, ImageVerificationConfigV1Alpha1)
    assert [r.rule_image_pattern for r in doc.config_rules] == [
        "ghcr.io/*",
        "my-registry/*",
        "no-verifier/*",
        "deny-all/*",
    ]
    assert doc.config_rules[2].rule_skip and doc.config_rules[3].rule_deny
    assert doc.validate("metal") == ([], [])


def test_rules_merge_replaces_same_pattern_in_place() -> None:
    left = ImageVerificationConfigV1Alpha1(
        config_rules=[Rule("a/*", rule_deny=True), Rule("b/*", rule_skip=True), Rule("**", rule_deny=True)]
    )
    right = ImageVerificationConfigV1Alpha1(
        config_rules=[Rule("b/*", rule_deny=True), Rule("c/*", rule_skip=True)]
    )
    merge_structs(left, right)
    assert left.config_rules == [
        Rule("a/*", rule_deny=True),
        Rule("b/*", rule_deny=True),
        Rule("**", rule_deny=True),
        Rule("c/*", rule_skip=True),
    ]


def test_rules_merge_does_not_alias() -> None:
    left = [Rule("a/*", rule_deny=True)]
    merged = merge_rules(left, [Rule("a/*", rule_skip=True)])
    merged[0].rule_image_pattern = "changed"
    assert left == [Rule("a/*", rule_deny=True)]


def test_rule_validation() -> None:
    doc = ImageVerificationConfigV1Alpha1(
        config_rules=[
            Rule(""),
            Rule("x/*", rule_skip=True, rule_deny=True),
            Rule("k/*", rule_keyless_verifier=ImageKeylessVerifierV1Alpha1()),
            Rule("p/*", rule_public_key_verifier=ImagePublicKeyVerifierV1Alpha1()),
            Rule("ok/*", rule_keyless_verifier=ImageKeylessVerifierV1Alpha1("https://issuer", "me@x")),
        ]
    )
    assert doc.validate("metal") == (
        [],
        [
            "rule 0: image pattern must be specified",
            "rule 0: one of skip, deny, keyless or publicKey must be specified",
            "rule 1: only one of skip, deny, keyless or publicKey can be specified",
            "rule 2: verifier OIDC issuer must be specified",
            "rule 2: verifier subject or subjectRegex must be specified",
            "rule 3: verifier certificates must be specified",
        ],
    )


def test_trusted_roots_bundle_fragment() -> None:
    doc = decode_doc(fixture_text("security", "trustedrootsconfig.yaml"), KINDS)
    assert isinstance(doc, TrustedRootsConfigV1Alpha1)
    assert doc.identity() == "v1alpha1/TrustedRootsConfig/custom-ca"
    (fragment,) = doc.extra_trusted_root_certificates()
    assert fragment.startswith("\ncustom-ca:\n==========\n-----BEGIN CERTIFICATE-----\n")
    assert fragment.endswith("-----END CERTIFICATE-----")
