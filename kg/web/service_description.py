"""The SPARQL Service Description, from the Turtle files in ``kg/web/data/``.

``service-description.ttl`` holds the constant part; ``sd-named-graph.ttl`` is added once per named
graph of the store (``<urn:kg:graph>`` its IRI, ``<urn:kg:graph-entry>`` a blank node), with the
comment ``sd-graph-comments.ttl`` gives a graph of that IRI, and ``sd-union.ttl`` when the default
graph is their union. In the files, ``<urn:kg:endpoint>``
stands for the endpoint's URL, ``<urn:kg:base/…>`` for an IRI under the base IRI, and
``{QUERY_TIMEOUT}`` (and the other limits) inside literals for the configured values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdfio import load_rdf

DATA = Path(__file__).resolve().parent / "data"
_ENDPOINT = "urn:kg:endpoint"
_BASE = "urn:kg:base/"


@cache
def _template(name: str) -> Graph:
    return load_rdf(DATA / name, "turtle")


def service_description(endpoint: str, base: str, limits: Mapping[str, Any], graphs: Iterable[str] = (),
                        union_default_graph: bool = True) -> Graph:
    """Return the description of the endpoint at *endpoint* over the dataset under *base*.

    :param limits: the configured limits (``QUERY_TIMEOUT``, ``MAX_ROWS`` …)
    :param graphs: the IRIs of the named graphs
    """
    def substitute(node: Node, values: Mapping[str, Node]) -> Node:
        if isinstance(node, URIRef):
            if str(node) in values:
                return values[str(node)]
            if str(node).startswith(_BASE):
                return URIRef(base + str(node)[len(_BASE):])
        if isinstance(node, Literal) and "{" in node:
            text = str(node)
            for key, value in limits.items():
                text = text.replace("{" + key + "}", f"{value:g}" if isinstance(value, float) else str(value))
            return Literal(text, lang=node.language, datatype=node.datatype)
        return node

    out = Graph()
    for prefix, namespace in _template("service-description.ttl").namespaces():
        out.bind(prefix, namespace)
    parts: list[tuple[str, dict[str, Node]]] = [("service-description.ttl", {})]
    if union_default_graph:
        parts.append(("sd-union.ttl", {}))
    entries = {iri: BNode() for iri in sorted(graphs)}
    parts += [("sd-named-graph.ttl", {"urn:kg:graph": URIRef(iri), "urn:kg:graph-entry": entry})
              for iri, entry in entries.items()]
    for name, values in parts:
        values = {_ENDPOINT: URIRef(endpoint), **values}
        for triple in _template(name):
            out.add(tuple(substitute(term, values) for term in triple))  # type: ignore[arg-type]
    for graph, predicate, comment in _template("sd-graph-comments.ttl"):
        entry = entries.get(str(substitute(graph, {})))
        if entry is not None:
            out.add((entry, predicate, comment))
    return out
