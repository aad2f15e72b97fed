"""Finding the proposals of a draft that nobody has confirmed yet (the ``draft`` keys)."""

from __future__ import annotations

from typing import Any

from kg.yamlsource import DocPath, YamlDoc

#: the key that marks a proposal to confirm
DRAFT_KEY = "draft"
#: how a value the drafter could not write begins (an English statement, a title)
PLACEHOLDER = "DRAFT:"


def pending(value: Any, path: DocPath = (), drafted: bool = False) -> list[tuple[DocPath, Any]]:
    """The ``draft`` keys below *value*, and the ``DRAFT:`` placeholders outside any mapping that
    still has a ``draft`` key (whose message already says what to write).

    :returns: ``(path, what to confirm)`` pairs, depth first in key order
    """
    found: list[tuple[DocPath, Any]] = []
    if isinstance(value, dict):
        here = drafted or DRAFT_KEY in value
        for key, item in value.items():
            if key == DRAFT_KEY:
                found.append((path + (key,), item))
            else:
                found.extend(pending(item, path + (key,), here))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(pending(item, path + (i,), drafted))
    elif isinstance(value, str) and value.startswith(PLACEHOLDER) and not drafted:
        found.append((path, value.removeprefix(PLACEHOLDER).strip()))
    return found


def unconfirmed(doc: YamlDoc) -> list[tuple[DocPath, str]]:
    """Every ``draft`` key of *doc*, and every value still holding the drafter's ``DRAFT:``
    placeholder, in file order, with a message saying what to confirm and how.

    :returns: ``(path of the draft key, message)`` pairs; empty when everything is confirmed
    """
    found = sorted(pending(doc.data), key=lambda item: doc.line(item[0]))
    total = len(found)
    out = []
    for n, (path, what) in enumerate(found, 1):
        if path[-1] == DRAFT_KEY:
            how = "Check it, correct it if needed and delete the `draft` key"
        else:
            how = "Replace the placeholder with the text"
        out.append((path, (
            f"unconfirmed draft ({n} of {total} in this file): {what}. {how} (or confirm it in `kg review {doc.path}`)"
        )))
    return out
