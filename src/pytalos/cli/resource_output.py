"""``talosctl get`` output writers: table, yaml and json, as ``cmd/talosctl/cmd/talos/output/*.go``.

* table: ``NODE NAMESPACE TYPE ID VERSION`` then the definition's print columns (upper-cased names,
  values from their JSONPath over the spec: ``{.field.sub}`` or ``{@}``; lists and maps print as compact
  JSON, a missing key as nothing), aligned like Go's tabwriter, written once every row is known;
* yaml: per resource a ``node: <node>`` line then ``metadata:`` (COSI's field order; labels,
  annotations and finalizers only when present; plain scalars as go-yaml writes untagged nodes) and
  ``spec:`` (4-space indentation), resources separated by ``---``;
* json: the same document read back the way Go does (YAML → ``map[string]interface{}``), ``"node"``
  added, keys sorted, 4-space indentation, ``<``, ``>``, ``&`` escaped.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

import click

from pytalos.machinery.yamlx import dumps, loads

from .commands.config import tabwrite
from .cosi_client import Definition, RemoteResource
from .nodeclient import CLIError

_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`")


class Writer(Protocol):
    def header(self, definition: Definition) -> None: ...

    def resource(self, node: str, res: RemoteResource) -> None: ...

    def flush(self) -> None: ...


def _plain_ok(text: str) -> bool:
    return not (
        text != text.strip()
        or text[0] in _PLAIN_UNSAFE_START
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\n" in text
    )


def _scalar(text: str) -> str:
    """An untagged go-yaml scalar node: plain when YAML allows it, quoted only when it must be."""
    if not text:
        return ""
    return f" {text}" if _plain_ok(text) else " " + dumps(text).strip()


def _metadata_pairs(res: RemoteResource) -> list[tuple[str, str]]:
    return [
        ("namespace", res.namespace),
        ("type", res.type),
        ("id", res.id),
        ("version", res.version),
        ("owner", res.owner),
        ("phase", res.phase),
        ("created", res.created),
        ("updated", res.updated),
    ]


def resource_yaml(res: RemoteResource) -> str:
    lines = ["metadata:"]
    lines += [f"    {key}:{_scalar(value)}" for key, value in _metadata_pairs(res)]
    for name, mapping in (("labels", res.labels), ("annotations", res.annotations)):
        if mapping:
            lines.append(f"    {name}:")
            lines += [f"        {k}:{_scalar(mapping[k])}" for k in sorted(mapping)]
    if res.finalizers:
        lines.append("    finalizers:")
        lines += [f"        -{_scalar(f)}" for f in res.finalizers]
    return "\n".join(lines) + "\n" + dumps({"spec": res.spec})


def _reparse(text: str) -> Any:
    """What Go's YAML round trip makes of an untagged scalar (``1`` → 1, empty → null)."""
    if not text:
        return None
    return loads(text) if _plain_ok(text) else text


def resource_json_data(node: str, res: RemoteResource) -> dict[str, Any]:
    meta: dict[str, Any] = {key: _reparse(value) for key, value in _metadata_pairs(res)}
    if res.labels:
        meta["labels"] = {k: _reparse(v) for k, v in res.labels.items()}
    if res.annotations:
        meta["annotations"] = {k: _reparse(v) for k, v in res.annotations.items()}
    if res.finalizers:
        meta["finalizers"] = [_reparse(f) for f in res.finalizers]
    return {"metadata": meta, "spec": res.spec, "node": node}


def go_json(data: Any, indent: int | None = 4) -> str:
    """``encoding/json`` output: sorted keys, HTML characters escaped, UTF-8 kept."""
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False, separators=separators)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_PATH = re.compile(r"^\{(@|(?:\.[^.{}]+)+)\}$")


def jsonpath_value(expression: str, data: Any) -> str:
    """The subset of Kubernetes JSONPath Talos's print columns use: ``{@}`` and ``{.a.b}``."""
    match = _PATH.match(expression.strip())
    if match is None:
        raise ValueError(f"unsupported print column JSONPath {expression!r}")
    value = data
    if match.group(1) != "@":
        for key in match.group(1)[1:].split("."):
            if not isinstance(value, dict) or key not in value:
                return ""
            value = value[key]
    if isinstance(value, dict | list):
        return go_json(value, indent=None)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


class TableWriter:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.definition: Definition | None = None

    def header(self, definition: Definition) -> None:
        self.definition = definition
        columns = [name.upper() for name, _ in definition.print_columns]
        self.rows.append(["NODE", "NAMESPACE", "TYPE", "ID", "VERSION", *columns])

    def resource(self, node: str, res: RemoteResource) -> None:
        assert self.definition is not None
        extra = [jsonpath_value(path, res.spec) for _, path in self.definition.print_columns]
        self.rows.append([node, res.namespace, self.definition.display_type, res.id, res.version, *extra])

    def flush(self) -> None:
        if self.rows:
            click.echo(tabwrite(self.rows), nl=False)
        self.rows = []


class YAMLWriter:
    def __init__(self) -> None:
        self.need_dashes = False

    def header(self, definition: Definition) -> None:
        pass

    def resource(self, node: str, res: RemoteResource) -> None:
        if self.need_dashes:
            click.echo("---")
        self.need_dashes = True
        click.echo(f"node:{_scalar(node)}")
        click.echo(resource_yaml(res), nl=False)

    def flush(self) -> None:
        pass


class JSONWriter:
    def header(self, definition: Definition) -> None:
        pass

    def resource(self, node: str, res: RemoteResource) -> None:
        click.echo(go_json(resource_json_data(node, res)))

    def flush(self) -> None:
        pass


def new_writer(name: str) -> Writer:
    writers: dict[str, type[TableWriter] | type[YAMLWriter] | type[JSONWriter]] = {
        "table": TableWriter,
        "yaml": YAMLWriter,
        "json": JSONWriter,
    }
    if name not in writers:
        raise CLIError(f'output format "{name}" is not supported')
    return writers[name]()
