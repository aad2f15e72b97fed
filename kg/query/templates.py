"""The SPARQL templates behind the linked-data pages and the home page (``kg/query/sparql/*.rq``).

A template is a plain SPARQL query in which IRIs of the form ``<urn:kg:NAME>`` stand for values
given at run time (``<urn:kg:this>`` for the resource a page describes, ``<urn:kg:asserted>`` for
a named graph …). :func:`bind` replaces each of them by an IRI after checking that the IRI cannot
change the query's structure.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.query.engine import Engine, QueryResult
from kg.query.executor import Reply, Request

TEMPLATE_DIR = Path(__file__).resolve().parent / "sparql"

_PLACEHOLDER = re.compile(r"<urn:kg:([a-z][a-z0-9-]*)>")
#: an absolute IRI without the characters SPARQL forbids inside ``<…>`` (RFC 3987 / SPARQL IRIREF)
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def is_safe_iri(iri: str) -> bool:
    """Return whether *iri* is absolute and may be written as ``<iri>`` in a query."""
    return bool(_SAFE_IRI.match(iri))


@cache
def load(name: str) -> str:
    """Return the text of the template ``kg/query/sparql/<name>.rq``.

    :raises InputError: when the file does not exist
    """
    path = TEMPLATE_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("SPARQL template not found", path) from None


def placeholders(text: str) -> set[str]:
    """Return the names of the ``<urn:kg:NAME>`` placeholders in *text*."""
    return set(_PLACEHOLDER.findall(text))


def bind(text: str, iris: dict[str, str]) -> str:
    """Replace every ``<urn:kg:NAME>`` in *text* by ``<iris[NAME]>``.

    :raises ValueError: for an IRI that is not safe to write in a query, or a placeholder
        without a value
    """
    for name, iri in iris.items():
        if not is_safe_iri(iri):
            raise ValueError(f"not an IRI that can be queried: {iri!r} (for <urn:kg:{name}>)")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in iris:
            raise ValueError(f"no value given for <urn:kg:{name}>")
        return f"<{iris[name]}>"

    return _PLACEHOLDER.sub(replace, text)


def run(engine: Engine, name: str, max_rows: int | None = None, **iris: str) -> QueryResult:
    """Bind the template *name* with *iris* and run it on *engine*.

    :param max_rows: rows or triples to return at most (default: the engine's limit)
    """
    return engine.query(bind(load(name), iris), max_rows=max_rows)


def document(engine: Engine, name: str, media: str, prefixes: dict[str, str], max_rows: int | None = None,
             **iris: str) -> Reply:
    """Bind the CONSTRUCT template *name* with *iris* and answer it as *media* (an RDF media type)."""
    request = Request(bind(load(name), iris), results_media=None, graph_media=media, max_rows=max_rows,
                      prefixes=prefixes)
    return engine.answer(request)
