"""``no diagnostics`` (Talos's ``diagnostics.go``): no node has a ``Diagnostics`` resource.

A node that does not serve the type (``PermissionDenied``: ``resource type … is not supported``)
skips the check, as Talos does for nodes older than diagnostics; pytalos nodes do not define
``Diagnostics`` yet, so on them the check is skipped with that reason.
"""

from __future__ import annotations

from .access import AccessError, NodeAccess, ResourceData
from .conditions import CheckError, SkipCheck, on_all_nodes
from .info import ClusterInfo

RUNTIME_NAMESPACE = "runtime"
DIAGNOSTIC_TYPE = "Diagnostics.runtime.talos.dev"


async def no_diagnostics(access: NodeAccess, info: ClusterInfo) -> None:
    async def diagnostics(node: str) -> list[ResourceData]:
        try:
            return await access.list_resources(node, RUNTIME_NAMESPACE, DIAGNOSTIC_TYPE)
        except AccessError as err:
            if err.code == "PermissionDenied":
                raise SkipCheck(f"{node} does not serve {DIAGNOSTIC_TYPE}: {err}") from None
            raise

    answers = await on_all_nodes(info.nodes, diagnostics)
    warnings = []
    for node in sorted(answers):
        found = answers[node]
        if found:
            texts = [str(d.spec.get("message", d.id)) if isinstance(d.spec, dict) else d.id for d in found]
            warnings.append(f"{node}: {', '.join(texts)}")
    if warnings:
        raise CheckError(f"active diagnostics: {'; '.join(warnings)}")
