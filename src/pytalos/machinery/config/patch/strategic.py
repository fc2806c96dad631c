"""Strategic merge of a patch container into a config container (Talos ``configpatcher/strategic.go``).

Each patch document is matched to the config document with the same ``apiVersion/kind[/name]`` and
merged into it with Talos's merge rules (:func:`~pytalos.machinery.config.schema.merge_structs`), or
appended when the config has no such document. Delete selectors remove keys, list elements or whole
documents; a selector for a document the config does not have is skipped, but a path that does not
exist inside an existing document is an error. Patch entries are applied strictly in order, so
several documents with one identity in a patch act one after another.
"""

from __future__ import annotations

import copy

from ..container import Container, doc_api_version, doc_identity, doc_kind, doc_name
from ..deletes import DeleteSelector
from ..errors import ConfigError
from ..schema import merge_structs


def strategic_merge(config: Container, patch: Container) -> Container:
    """Return a new container: ``config`` with every entry of ``patch`` applied in order."""
    result = config.clone()
    for entry in patch.documents:
        if isinstance(entry, DeleteSelector):
            target = result.find(entry.identity())
            if target is None:
                continue
            try:
                drop = entry.apply_to(target, doc_api_version(target), doc_kind(target), doc_name(target))
            except ConfigError as exc:
                raise exc.with_source(exc.source or patch.source) from None
            if drop:
                result.remove(target)
            continue
        doc = copy.deepcopy(entry)
        target = result.find(doc_identity(doc))
        if target is None:
            result.append(doc)
            continue
        try:
            merge_structs(target, doc)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"merging document {doc_identity(doc)}: {exc}", source=patch.source) from None
    return Container(result.documents, allow_duplicates=config.allow_duplicates, source=config.source)
