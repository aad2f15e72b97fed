"""The SPARQL Service Description, from the Turtle file ``kg/templates/service-description.ttl``.

In the file, ``<urn:kg:endpoint>`` stands for the endpoint's URL, ``<urn:kg:base/…>`` for an IRI
under the base IRI, and ``{QUERY_TIMEOUT}``, ``{QUERY_MEMORY_MB}`` and ``{MAX_ROWS}`` inside
literals for the limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.build import load_rdf

TEMPLATE = Path(__file__).resolve().parent / "templates" / "service-description.ttl"
_ENDPOINT = "urn:kg:endpoint"
_BASE = "urn:kg:base/"


@cache
def _template() -> Graph:
    return load_rdf(TEMPLATE, "turtle")


def service_description(endpoint: str, base: str, limits: Mapping[str, Any]) -> Graph:
    """Return the description of the endpoint at *endpoint* over the dataset under *base*.

    :param limits: the values of ``QUERY_TIMEOUT``, ``QUERY_MEMORY_MB`` and ``MAX_ROWS``
    """
    def substitute(node: Node) -> Node:
        if isinstance(node, URIRef):
            if str(node) == _ENDPOINT:
                return URIRef(endpoint)
            if str(node).startswith(_BASE):
                return URIRef(base + str(node)[len(_BASE):])
        if isinstance(node, Literal) and "{" in node:
            text = str(node)
            for key, value in limits.items():
                text = text.replace("{" + key + "}", f"{value:g}" if isinstance(value, float) else str(value))
            return Literal(text, lang=node.language, datatype=node.datatype)
        return node

    out = Graph()
    for prefix, namespace in _template().namespaces():
        out.bind(prefix, namespace)
    for triple in _template():
        out.add(tuple(substitute(term) for term in triple))  # type: ignore[arg-type]
    return out
