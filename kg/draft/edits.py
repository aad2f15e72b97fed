"""Applying the decisions of the review page to an annotation file, keeping its comments and order."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kg.draft.markers import DRAFT_KEY, pending
from kg.draft.writer import write_atomic
from kg.errors import InputError

MODALITIES = ("reported", "expected", "forecast", "possible")
BOUNDS = ("Exact", "Approximate", "LowerBound", "UpperBound", "Range")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(path: Path) -> CommentedMap:
    """Read *path* for a round trip.

    :raises InputError: if it cannot be read or is not a mapping
    """
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # ruamel raises many kinds; all mean the same to the person
        raise InputError(f"cannot read the annotation file: {exc}", path) from exc
    if not isinstance(data, CommentedMap):
        raise InputError("an annotation file must be a mapping", path, 1)
    return data


def save(path: Path, doc: CommentedMap) -> None:
    """Write *doc* back to *path* atomically."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    write_atomic(path, out.getvalue())


def at(doc: Any, path: list[Any]) -> Any:
    """The value at *path* of *doc*."""
    for part in path:
        doc = doc[part]
    return doc


def _purge(value: Any, node_id: str, replacement: str | None) -> None:
    """Drop (or replace) *node_id* in every list of ids below *value*; lists left empty go too."""
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            had = isinstance(item, list) and len(item) > 0
            _purge(item, node_id, replacement)
            if had and not item:
                del value[key]
    elif isinstance(value, list):
        for i in range(len(value) - 1, -1, -1):
            if value[i] == node_id:
                if replacement is None or replacement in value:
                    del value[i]
                else:
                    value[i] = replacement
            else:
                _purge(value[i], node_id, replacement)


def _flow_list(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _number(text: Any) -> int | float:
    value = float(str(text).replace(",", ".").replace(" ", ""))
    return int(value) if value.is_integer() else value


def _edit_figure(node: CommentedMap, values: dict[str, Any]) -> None:
    bound = values.get("bound", str(node.get("dip:bound", "")).removeprefix("dip:"))
    if bound not in BOUNDS:
        raise ValueError(f"unknown bound {bound!r}: one of {', '.join(BOUNDS)}")
    node["dip:bound"] = f"dip:{bound}"
    for key in ("dip:value", "dip:minValue", "dip:maxValue"):
        short = key.removeprefix("dip:")
        if short in values:
            if values[short] in ("", None):
                node.pop(key, None)
            else:
                node[key] = _number(values[short])


def _edit_claim(doc: CommentedMap, claim: CommentedMap, values: dict[str, Any]) -> None:
    if "modality" in values:
        if values["modality"] not in MODALITIES:
            raise ValueError(f"unknown modality {values['modality']!r}: one of {', '.join(MODALITIES)}")
        claim["modality"] = values["modality"]
    if values.get("statement"):
        claim["statement"] = values["statement"]
    if "attribution" in values:
        ids = [x.strip() for x in str(values["attribution"]).split(",") if x.strip()]
        if ids:
            attribution = claim.get("attribution") or CommentedMap()
            attribution["by"] = _flow_list(ids)
            claim["attribution"] = attribution
        else:
            claim.pop("attribution", None)


def _drop_own_figures(doc: CommentedMap, claim_id: str) -> None:
    """Remove the figure nodes that only the claim *claim_id* supports (they would be unsupported)."""
    others = {ref for k, c in doc["claims"].items() if k != claim_id for ref in c.get("supports") or []}
    nodes = doc.get("nodes") or {}
    for ref in list(doc["claims"][claim_id].get("supports") or []):
        if ref not in others and str((nodes.get(ref) or {}).get("type")) == "Observation":
            del nodes[ref]


def _relink_node(doc: CommentedMap, node_id: str, target: str) -> None:
    """Turn the proposed node *node_id* into mentions of the existing node *target*."""
    node = doc["nodes"].pop(node_id)
    mentions = doc.setdefault("mentions", CommentedMap())
    mentions.setdefault(target, CommentedSeq()).extend(node.get("mentions") or [])
    _purge(doc, node_id, target)


def _move_mention(doc: CommentedMap, path: list[Any], target: str) -> None:
    item = at(doc, path)
    items = at(doc, path[:-1])
    del items[path[-1]]
    if not items:
        del doc["mentions"][path[1]]
    doc["mentions"].setdefault(target, CommentedSeq()).append(item)


def apply(doc: CommentedMap, decisions: list[dict[str, Any]]) -> int:
    """Apply review *decisions* (``{path, action: accept|reject|edit, values}``) to *doc*.

    Decisions are applied from the last path to the first, so list indices stay valid.

    :returns: how many ``draft`` keys are left
    :raises ValueError: for a decision that names no proposal or gives a bad value
    """
    ordered = sorted(decisions, key=lambda d: [str(p).zfill(6) if isinstance(p, int) else p
                                               for p in d["path"]], reverse=True)
    for decision in ordered:
        path, action, values = list(decision["path"]), decision["action"], decision.get("values") or {}
        try:
            target = at(doc, path)
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"no proposal at {'.'.join(map(str, path))}") from exc
        if action == "reject":
            if path[0] == "claims":
                _drop_own_figures(doc, path[1])
            del at(doc, path[:-1])[path[-1]]
            if path[0] == "nodes":
                _purge(doc, path[1], None)
            if path[0] == "mentions" and not doc["mentions"][path[1]]:
                del doc["mentions"][path[1]]
            continue
        if action not in ("accept", "edit"):
            raise ValueError(f"unknown action {action!r}: accept, reject or edit")
        target.pop(DRAFT_KEY, None)
        if action == "accept":
            continue
        if path[0] == "mentions" and values.get("node") and values["node"] != path[1]:
            _move_mention(doc, path, values["node"])
        elif path[0] == "nodes" and values.get("link"):
            _relink_node(doc, path[1], values["link"])
        elif path[0] == "nodes" and str(target.get("type")) == "Observation":
            _edit_figure(target, values)
        elif path[0] == "nodes":
            for key in ("type",):
                if values.get(key):
                    target[key] = values[key]
            for lang in ("ru", "en"):
                if values.get(f"label_{lang}"):
                    target["rdfs:label"][lang] = values[f"label_{lang}"]
        elif path[0] == "claims":
            _edit_claim(doc, target, values)
        elif path == ["article"] and values.get("title"):
            title = target.get("title")
            if isinstance(title, dict):
                title["en"] = values["title"]
            else:
                target["title"] = CommentedMap(en=values["title"])
    return _count(doc)


def _count(value: Any) -> int:
    """Draft keys and placeholders left in *value*, as :func:`kg.draft.markers.unconfirmed` counts them."""
    return len(pending(value))
