"""Kubeconfig merging with go-kubeconfig's conflict rules and client-go's output layout."""

from __future__ import annotations

import pytest
import yaml

from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.kubernetes.kubeconfig import render
from pytalos.machinery.kubernetes.merge import Component, Decision, Kubeconfig, KubeconfigError

pytestmark = pytest.mark.unit


def _admin(crt: bytes, server: str = "https://10.5.0.2:6443", ca: bytes = b"CA") -> Kubeconfig:
    text = render(
        cluster_name="demo",
        endpoint=server,
        accepted_cas=[ca],
        client=CertificateAndKey(crt, b"KEY"),
        username="admin",
        context_name="admin",
    )
    return Kubeconfig.parse(text)


def _always(decision: Decision, seen: list[tuple[Component, str]]):  # type: ignore[no-untyped-def]
    def handler(component: Component, name: str) -> Decision:
        seen.append((component, name))
        return decision

    return handler


def test_merge_into_empty_and_identical_is_quiet() -> None:
    base = Kubeconfig.parse("")
    lines: list[str] = []
    seen: list[tuple[Component, str]] = []
    base.merge(_admin(b"C1"), _always(Decision.RENAME, seen), report=lines.append)
    base.merge(_admin(b"C1"), _always(Decision.RENAME, seen), report=lines.append)
    assert seen == [] and lines == []
    assert sorted(base.contexts) == ["admin@demo"] and base.current_context == "admin@demo"


def test_rename_user_and_context_on_new_certificate() -> None:
    base = _admin(b"C1")
    lines: list[str] = []
    seen: list[tuple[Component, str]] = []
    base.merge(_admin(b"C2"), _always(Decision.RENAME, seen), report=lines.append)
    assert seen == [(Component.AUTH_INFO, "admin@demo")]
    assert lines == [
        'renamed auth info "admin@demo" -> "admin@demo-1"',
        'renamed context "admin@demo" -> "admin@demo-1"',
    ]
    assert base.current_context == "admin@demo-1"
    assert base.contexts["admin@demo-1"]["user"] == "admin@demo-1"
    assert base.contexts["admin@demo"]["user"] == "admin@demo"
    base.merge(_admin(b"C3"), _always(Decision.RENAME, seen), report=lines.append)
    assert base.current_context == "admin@demo-2"


def test_overwrite_and_forced_context_name() -> None:
    base = _admin(b"C1")
    lines: list[str] = []
    base.merge(_admin(b"C2"), _always(Decision.OVERWRITE, []), report=lines.append)
    assert lines == [] and list(base.users) == ["admin@demo"]
    assert base.users["admin@demo"]["client-certificate-data"] == "QzI="
    base.merge(_admin(b"C3"), _always(Decision.OVERWRITE, []), force_context_name="mine", report=lines.append)
    assert lines == ['renamed context "admin@demo" -> "mine"'] and base.current_context == "mine"


def test_cluster_conflict_renames_through_user_and_context() -> None:
    base = _admin(b"C1")
    lines: list[str] = []
    base.merge(_admin(b"C1", server="https://other:6443"), _always(Decision.RENAME, []), report=lines.append)
    assert lines[0] == 'renamed cluster "demo" -> "demo-1"'
    assert base.contexts["admin@demo-1"] == {
        "cluster": "demo-1",
        "namespace": "default",
        "user": "admin@demo-1",
    }


def test_dump_is_client_go_layout() -> None:
    text = _admin(b"C1").dump()
    assert text.splitlines()[:4] == [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: Q0E=",
    ]
    assert "preferences: {}\n" in text and "kind: Config\n" in text
    assert yaml.safe_load(text)["current-context"] == "admin@demo"
    assert list(yaml.safe_load(text)) == [
        "apiVersion", "clusters", "contexts", "current-context", "kind", "preferences", "users"
    ]  # fmt: skip


def test_parse_errors_name_the_file() -> None:
    with pytest.raises(KubeconfigError, match="cfg: clusters: expected a list"):
        Kubeconfig.parse("clusters: 3\n", "cfg")
    with pytest.raises(KubeconfigError, match=r"cfg: users\[0\]: expected an entry with a name"):
        Kubeconfig.parse("users:\n- user: {}\n", "cfg")
