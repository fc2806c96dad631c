"""ImageVerificationConfig: the machine-wide image signature policy (verify, skip or deny by pattern).

Rules are evaluated top-down, so patches must not reorder them: Talos's ``ImageVerificationRules.Merge``
replaces a rule in place when a patch carries the same image pattern and appends new patterns at the
end; :func:`merge_rules` does the same.
"""

from __future__ import annotations

import copy
from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield


class ImageKeylessVerifierV1Alpha1(Struct):
    """Go ``security.ImageKeylessVerifierV1Alpha1``: Cosign keyless (OIDC identity) verification."""

    keyless_issuer: str = yfield("issuer", omitempty=True, doc="OIDC issuer URL.")
    keyless_subject: str = yfield("subject", omitempty=True, doc="Exact identity that signed the image.")
    keyless_subject_regex: str = yfield(
        "subjectRegex", omitempty=True, doc="Regular expression matching the signing identity."
    )


class ImagePublicKeyVerifierV1Alpha1(Struct):
    """Go ``security.ImagePublicKeyVerifierV1Alpha1``: verification with a static public key."""

    config_certificate: str = yfield("certificate", omitempty=True, doc="PEM certificate holding the key.")


class ImageVerificationRuleV1Alpha1(Struct):
    """Go ``security.ImageVerificationRuleV1Alpha1``: what to do with images matching one pattern."""

    rule_image_pattern: str = yfield("image", omitempty=True, doc="Glob over registry and repository.")
    rule_skip: bool = yfield("skip", omitempty=True, doc="Pull matching images without verification.")
    rule_deny: bool = yfield("deny", omitempty=True, doc="Refuse to pull matching images.")
    rule_keyless_verifier: ImageKeylessVerifierV1Alpha1 | None = yfield(
        "keyless", omitempty=True, doc="Keyless verifier for matching images."
    )
    rule_public_key_verifier: ImagePublicKeyVerifierV1Alpha1 | None = yfield(
        "publicKey", omitempty=True, doc="Public key verifier for matching images."
    )


def merge_rules(
    left: list[ImageVerificationRuleV1Alpha1] | None, right: list[ImageVerificationRuleV1Alpha1] | None
) -> list[ImageVerificationRuleV1Alpha1]:
    """Go ``ImageVerificationRules.Merge``: same pattern replaces in place, new patterns append."""
    merged = [copy.deepcopy(rule) for rule in left or []]
    index = {rule.rule_image_pattern: i for i, rule in enumerate(merged)}
    for rule in right or []:
        if rule.rule_image_pattern in index:
            merged[index[rule.rule_image_pattern]] = copy.deepcopy(rule)
        else:
            merged.append(copy.deepcopy(rule))
    return merged


def _validate_rule(i: int, rule: ImageVerificationRuleV1Alpha1) -> list[str]:
    errors: list[str] = []
    if not rule.rule_image_pattern:
        errors.append(f"rule {i}: image pattern must be specified")
    actions = [
        name
        for name, chosen in (
            ("skip", rule.rule_skip),
            ("deny", rule.rule_deny),
            ("keyless", rule.rule_keyless_verifier is not None),
            ("publicKey", rule.rule_public_key_verifier is not None),
        )
        if chosen
    ]
    if not actions:
        errors.append(f"rule {i}: one of skip, deny, keyless or publicKey must be specified")
    elif len(actions) > 1:
        errors.append(f"rule {i}: only one of skip, deny, keyless or publicKey can be specified")
    keyless = rule.rule_keyless_verifier
    if keyless is not None:
        if not keyless.keyless_issuer:
            errors.append(f"rule {i}: verifier OIDC issuer must be specified")
        if not keyless.keyless_subject and not keyless.keyless_subject_regex:
            errors.append(f"rule {i}: verifier subject or subjectRegex must be specified")
    public_key = rule.rule_public_key_verifier
    if public_key is not None and not public_key.config_certificate:
        errors.append(f"rule {i}: verifier certificates must be specified")
    return errors


@register
class ImageVerificationConfigV1Alpha1(Document):
    """Go ``security.ImageVerificationConfigV1Alpha1`` (kind ImageVerificationConfig)."""

    KIND: ClassVar[str] = "ImageVerificationConfig"

    config_rules: list[ImageVerificationRuleV1Alpha1] = yfield(
        "rules", omitempty=True, merge=merge_rules, doc="Verification rules; the first match applies."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        for i, rule in enumerate(self.config_rules):
            errors.extend(_validate_rule(i, rule))
        return [], errors
