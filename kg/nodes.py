"""Node descriptions from annotation files turned into triples, with references resolved.

A node's identity (its types, labels and the properties the ontology marks ``dip:identifying``)
goes to the entities graph; everything else a description says is a fact, written to the graph the
caller gives: a claim's assertion, the background facts, or a holding graph that the claims of the
same file take over (see :mod:`kg.annotations`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

from kg.iris import node_iri
from kg.vocabulary import OBJECT, ValueProblem, Vocabulary, lang_literals, literal
from kg.yamlsource import DocPath, YamlDoc

#: keys of a node mapping that are not properties
SPECIAL_KEYS = ("id", "type", "wikidata", "mentions")


@dataclass
class Declared:
    """Where an id was declared."""

    path: Path
    line: int


@dataclass
class Mentioned:
    """A node that carries ``mentions:``; located later in its file's article."""

    key: str
    iri: URIRef
    quotes: list[Any]
    path: DocPath


def nested_nodes(key: str, data: dict[str, Any], path: DocPath) -> Iterator[tuple[str, dict[str, Any], DocPath]]:
    """Yield the id, description and path of every node nested in *data*, at any depth.

    A nested node's id is its ``id:`` key, else ``<parent id>/<property>`` (``-2``, ``-3`` … for
    the 2nd and 3rd nested value of the same property), the rule :meth:`NodeWriter.node` mints by.
    """
    for name, value in data.items():
        if name in SPECIAL_KEYS:
            continue
        values = value if isinstance(value, list) else [value]
        local = name.partition(":")[2] or name
        nested = 0
        for i, item in enumerate(values):
            if isinstance(item, dict) and "type" in item:
                nested += 1
                child = item.get("id") or (f"{key}/{local}" if nested == 1 else f"{key}/{local}-{nested}")
                ipath = path + (name, i) if isinstance(value, list) else path + (name,)
                yield str(child), item, ipath
                yield from nested_nodes(str(child), item, ipath)


@dataclass
class NodeWriter:
    """Writes the nodes and facts of one annotation file.

    :param doc: the file being written, for error locations
    :param vocab: ontology names and property facts
    :param base: the base IRI
    :param ids: every node id declared in any file (nested ones included)
    :param minted: node IRIs minted so far (shared across files) and where
    :param entities: the graph that receives every node's identity
    """

    doc: YamlDoc
    vocab: Vocabulary
    base: str
    ids: dict[str, Declared]
    minted: dict[URIRef, Declared]
    entities: Graph
    count: int = 0
    mentioned: list[Mentioned] = field(default_factory=list)
    wikidata: list[tuple[URIRef, str]] = field(default_factory=list)

    def ref(self, value: Any, path: DocPath) -> URIRef:
        """Resolve a node id, a prefixed name (``dip:Reported``) or an http(s) IRI.

        :raises InputError: for unknown ids, prefixes or terms
        """
        if not isinstance(value, str):
            raise self.doc.error(path, f"expected a node id, a prefixed name or a nested node, got {value!r}")
        if value.startswith(("http://", "https://")):
            return URIRef(value)
        if ":" in value:
            return self.known(value, path, "term")
        if value not in self.ids:
            raise self.doc.error(
                path, f"unknown reference {value!r}: declare a node with this id, or use a prefixed name"
                + self.vocab.hint(value, self.ids)
            )
        return node_iri(self.base, value)

    def term(self, name: str, path: DocPath) -> URIRef:
        """Expand a prefixed or bare (``dip:``) name, with the error located at *path*."""
        try:
            return self.vocab.expand(name)
        except ValueProblem as exc:
            raise self.doc.error(path, str(exc)) from exc

    def known(self, name: str, path: DocPath, what: str) -> URIRef:
        """Expand *name* and check that the ontology declares it, in whatever namespace.

        :raises InputError: naming the nearest declared term
        """
        iri = self.term(name, path)
        if not self.vocab.declares(iri):
            raise self.doc.error(
                path, f"unknown {what} {name!r} (<{iri}>): the ontology does not declare it{self.vocab.did_you_mean(iri)} "
                "(declare reused terms in ontology/diplomacy.ttl)"
            )
        return iri

    def node(self, key: str, data: dict[str, Any], path: DocPath, facts: Graph) -> URIRef:
        """Write the node *key* (an id, or ``id/prop`` for a nested node) described by *data*.

        :param facts: the graph that receives what is not identity
        :returns: the node's IRI
        """
        iri = node_iri(self.base, key)
        line = self.doc.line(path)
        if iri in self.minted:
            other = self.minted[iri]
            raise self.doc.error(
                path, f"the node IRI <{iri}> is already used at {other.path}:{other.line}; "
                "give this node an `id:` of its own or refer to the existing one by its id"
            )
        self.minted[iri] = Declared(self.doc.path, line)
        self.count += 1
        if "type" not in data:
            raise self.doc.error(path, "a node needs a `type` (a class of the ontology, e.g. State or time:Instant)")
        types = data["type"] if isinstance(data["type"], list) else [data["type"]]
        for i, name in enumerate(types):
            tpath = path + (("type", i) if isinstance(data["type"], list) else ("type",))
            self.entities.add((iri, RDF.type, self.known(name, tpath, "class")))
        if "wikidata" in data:
            self.wikidata.append((iri, data["wikidata"]))
        if "mentions" in data:
            self.mentioned.append(Mentioned(key, iri, data["mentions"], path + ("mentions",)))
        self._properties(iri, key, data, path, facts, declaring=True)
        return iri

    def facts(self, subject: str, data: dict[str, Any], path: DocPath, facts: Graph) -> URIRef:
        """Write what a claim or background fact asserts about the existing node *subject*.

        Identity cannot be asserted here: it belongs where the node is declared.
        """
        iri = self.ref(subject, path)
        for key in ("type", "wikidata", "mentions", "id"):
            if key in data:
                raise self.doc.error(
                    path + (key,), f"`{key}` is part of a node's identity: give it where {subject!r} is declared"
                )
        self._properties(iri, subject, data, path, facts, declaring=False)
        return iri

    def _properties(self, iri: URIRef, key: str, data: dict[str, Any], path: DocPath, facts: Graph,
                    declaring: bool) -> None:
        nested = {id(item): child for child, item, _ in nested_nodes(key, data, path)}
        for name, value in data.items():
            if name in SPECIAL_KEYS:
                continue
            ppath = path + (name,)
            prop = self._property(name, ppath)
            identity = self.vocab.identifying(prop)
            if identity and not declaring:
                raise self.doc.error(
                    ppath, f"{name} is an identifying property (what {key!r} is, not what a source says "
                    "of it): give it where the node is declared"
                )
            graph = self.entities if identity else facts
            values = value if isinstance(value, list) else [value]
            for i, item in enumerate(values):
                ipath = ppath + (i,) if isinstance(value, list) else ppath
                self._value(graph, iri, prop, name, item, ipath, nested, facts)

    def _property(self, name: str, path: DocPath) -> URIRef:
        prop = self.term(name, path)
        if self.vocab.kind(prop) is None:
            raise self.doc.error(
                path, f"unknown property {name!r} (<{prop}>){self.vocab.did_you_mean(prop)} — declare it in "
                "ontology/diplomacy.ttl "
                "as an owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty"
            )
        return prop

    def _value(self, graph: Graph, iri: URIRef, prop: URIRef, name: str, item: Any, path: DocPath,
               nested: dict[int, str], facts: Graph) -> None:
        kind = self.vocab.kind(prop)
        if kind == OBJECT:
            if isinstance(item, dict):
                if id(item) not in nested:
                    raise self.doc.error(path, "a nested node needs a `type` (a class of the ontology)")
                obj = self.node(nested[id(item)], item, path, facts)
            else:
                obj = self.ref(item, path)
            graph.add((iri, prop, obj))
            return
        try:
            if isinstance(item, dict):
                for lit in lang_literals(item, self.vocab.ranges(prop)):
                    graph.add((iri, prop, lit))
            else:
                graph.add((iri, prop, literal(item, self.vocab.ranges(prop))))
        except ValueProblem as exc:
            raise self.doc.error(path, f"{name} ({kind} property): {exc}") from exc
