"""YAML files read with the line of every value, and checked against a JSON Schema."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import best_match

from kg.errors import InputError

#: a position in a document: mapping keys (str) and list indices (int)
DocPath = tuple[str | int, ...]

#: the largest annotation file read, in bytes (a thousand-node file is about 0.1 MB)
MAX_FILE_BYTES = 16 * 1024 * 1024
#: the deepest nesting of mappings and lists accepted (annotation files need fewer than ten levels)
MAX_DEPTH = 64


def dotted(path: DocPath) -> str:
    """Render *path* as ``claims.turnover.supports[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class YamlDoc:
    """A parsed YAML file: its plain Python value and the 1-based line of every path in it."""

    path: Path
    data: Any
    lines: dict[DocPath, int] = field(default_factory=dict)

    def line(self, path: DocPath) -> int:
        """Return the line of *path*, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def error(self, path: DocPath, message: str) -> InputError:
        """Build an :class:`InputError` for *path*: ``file:line: dotted.path: message``."""
        prefix = f"{dotted(path)}: " if path else ""
        return InputError(prefix + message, self.path, self.line(path))


class _Refused(Exception):
    """A YAML construct that annotation files do not accept (an alias, an anchor, deep nesting)."""

    def __init__(self, message: str, event: yaml.Event) -> None:
        super().__init__(message)
        self.message = message
        self.line = event.start_mark.line + 1 if event.start_mark else None


_NO_ALIASES = "annotation files do not use anchors and aliases"


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader without anchors and aliases, and with nesting at most :data:`MAX_DEPTH` deep.

    Aliases are what lets a few kilobytes of YAML stand for gigabytes of values; annotation
    files do not need them, so every node is written out where it is used.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"the alias *{event.anchor} is not accepted: {_NO_ALIASES}; "
                           "write the value out in full where it is used", event)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(f"the anchor &{event.anchor} is not accepted: {_NO_ALIASES}; "
                           "remove it and write the value out in full wherever it is used", event)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"the values are nested more than {MAX_DEPTH} levels deep: "
                           "flatten them (declare nested nodes as nodes of their own)", event)
        try:
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1


def _compose(text: str) -> yaml.Node | None:
    """Compose the single document of *text* with :class:`_BoundedLoader`."""
    loader = _BoundedLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


class _Builder:
    """Turns a composed YAML node tree into Python values, recording lines."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: DocPath) -> Any:
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError as exc:
            raise self.doc.error(path, f"{node.value!r} is not a valid value: {exc}") from exc

    def _mapping(self, node: yaml.MappingNode, path: DocPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(f"{dotted(path) or 'top level'}: a key must be plain text", self.doc.path, line)
            key = str(key_node.value)
            if key in result:
                first = self.doc.lines[path + (key,)]
                what = "id" if path in (("nodes",), ("external",)) else "key"
                raise InputError(
                    f"{dotted(path + (key,))}: duplicate {what} {key!r} (first at line {first}); remove one of them",
                    self.doc.path,
                    line,
                )
            self.doc.lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,))
        return result


def load_yaml(path: Path) -> YamlDoc:
    """Read one YAML document from *path*, remembering where each value stands.

    Mapping keys are kept as written (``no`` stays the text ``no``); values get the
    usual YAML types (dates, integers, floats …).

    Anchors and aliases are refused, and so are files over :data:`MAX_FILE_BYTES` and values
    nested more than :data:`MAX_DEPTH` levels, so that a small file cannot take much memory or time.

    :raises InputError: for unreadable or too large files, YAML syntax errors, anchors, aliases
        and duplicate keys
    """
    doc = YamlDoc(path, None)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"the file has {size} bytes, more than the {MAX_FILE_BYTES} an annotation file may "
                             "have: split it into several files (nodes may be declared in any of them)", path)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path) from exc
    try:
        root = _compose(text)
    except _Refused as exc:
        raise InputError(exc.message, path, exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"YAML syntax error: {exc.problem or exc}", path, line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", path) from exc
    if root is None:
        raise InputError("the file is empty", path, 1)
    try:
        doc.data = _Builder(doc).build(root, ())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"YAML value error: {exc}", path, mark.line + 1 if mark else None) from exc
    return doc


def _jsonable(value: Any) -> Any:
    """Copy *value* with dates as ISO strings, the form JSON Schema checks."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def load_schema(schema_path: Path) -> jsonschema.Draft202012Validator:
    """Read a JSON Schema (Draft 2020-12) and return a validator that also checks formats.

    :raises InputError: if the schema cannot be read or is not a valid schema
    """
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the schema: {exc}", schema_path) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", schema_path, exc.lineno) from exc
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = dotted(tuple(exc.absolute_path))
        raise InputError(f"invalid JSON Schema at {where}: {exc.message}", schema_path) from exc
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _error_path(error: jsonschema.ValidationError) -> DocPath:
    """Path of the value an error is about; for unexpected or badly named keys, the key itself."""
    path: DocPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            return path + (extra[0],)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        return path + (error.instance,)
    return path


def _message(error: jsonschema.ValidationError) -> str:
    """Say what is wrong in words that fit annotation files."""
    if error.instance is None:
        return "the value is empty: give one or remove the key"
    if error.validator in ("anyOf", "oneOf") and error.context:
        reasons = dict.fromkeys(sub.message for sub in error.context)
        return "; or ".join(reasons)
    return error.message


def validate(doc: YamlDoc, validator: jsonschema.Draft202012Validator) -> None:
    """Check *doc* against the schema.

    :raises InputError: naming the line of the first problem (in file order)
    """
    errors = list(validator.iter_errors(_jsonable(doc.data)))
    if not errors:
        return
    first = min(errors, key=lambda e: (doc.line(_error_path(e)), -len(e.absolute_path)))
    first = best_match([first])
    path = _error_path(first)
    more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
    raise doc.error(path, f"{_message(first)}{more}")
