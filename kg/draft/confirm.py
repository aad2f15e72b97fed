"""``kg confirm``: delete the ``draft`` keys of chosen proposals (or all) from an annotation file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from kg.draft import edits
from kg.draft.markers import DRAFT_KEY, pending
from kg.errors import InputError

PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(dotted: str) -> list[str | int]:
    """``mentions.russia[0].draft`` -> ``["mentions", "russia", 0]`` (a trailing ``draft`` is dropped)."""
    parts: list[str | int] = [int(m[2]) if m[2] is not None else m[1] for m in PART.finditer(dotted)]
    return parts[:-1] if parts and parts[-1] == DRAFT_KEY else parts


def confirm_paths(annotation: Path, paths: Sequence[str], confirm_all: bool = False) -> int:
    """Confirm the proposals at *paths* (or every one) of *annotation* and write it back.

    :returns: how many proposals and placeholders are left
    :raises InputError: for no path and no ``--all``, or a path that holds no proposal
    """
    if not paths and not confirm_all:
        raise InputError("name the proposals to confirm (as `kg build` prints them) or pass --all", annotation)
    if not annotation.is_file():
        raise InputError("the annotation file does not exist", annotation)
    doc = edits.load(annotation)
    if confirm_all:
        targets = [list(p[:-1]) for p, _ in pending(doc) if p[-1] == DRAFT_KEY]
    else:
        targets = [parse_path(p) for p in paths]
        for target, dotted in zip(targets, paths, strict=True):
            try:
                value = edits.at(doc, target)
            except (KeyError, IndexError, TypeError):
                value = None
            if not isinstance(value, dict) or DRAFT_KEY not in value:
                raise InputError(f"{dotted} is not an unconfirmed proposal (a mapping with a `draft` key)",
                                 annotation)
    left = edits.apply(doc, [{"path": t, "action": "accept"} for t in targets])
    edits.save(annotation, doc)
    return left
