"""Finding the proposals of a draft that nobody has confirmed yet (the ``draft`` keys)."""

from __future__ import annotations

from typing import Any

from kg.yamlsource import DocPath, YamlDoc

#: the key that marks a proposal to confirm
DRAFT_KEY = "draft"


def _walk(value: Any, path: DocPath) -> list[tuple[DocPath, Any]]:
    found: list[tuple[DocPath, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == DRAFT_KEY:
                found.append((path + (key,), item))
            else:
                found.extend(_walk(item, path + (key,)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_walk(item, path + (i,)))
    return found


def unconfirmed(doc: YamlDoc) -> list[tuple[DocPath, str]]:
    """Every ``draft`` key of *doc*, in file order, with a message saying what to confirm and how.

    :returns: ``(path of the draft key, message)`` pairs; empty when everything is confirmed
    """
    found = sorted(_walk(doc.data, ()), key=lambda item: doc.line(item[0]))
    total = len(found)
    out = []
    for n, (path, what) in enumerate(found, 1):
        out.append((path, (
            f"unconfirmed draft ({n} of {total} in this file): {what}. Check it, correct it if needed and "
            f"delete the `draft` key (or confirm it in `kg review {doc.path}`)"
        )))
    return out
