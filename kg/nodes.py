"""Node descriptions from annotation files turned into triples, with references resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

from kg.iris import node_iri
from kg.vocabulary import OBJECT, ValueProblem, Vocabulary, lang_literals, literal
from kg.yamlsource import DocPath, YamlDoc

#: keys of a node mapping that are not properties
SPECIAL_KEYS = ("type", "wikidata", "mentions")


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


@dataclass
class NodeWriter:
    """Writes the nodes of one annotation file.

    :param doc: the file being written, for error locations
    :param vocab: ontology names and property facts
    :param base: the base IRI
    :param ids: every node id declared in any file
    :param minted: node IRIs minted so far (shared across files) and where
    """

    doc: YamlDoc
    vocab: Vocabulary
    base: str
    ids: dict[str, Declared]
    minted: dict[URIRef, Declared]
    count: int = 0
    mentioned: list[Mentioned] = field(default_factory=list)
    wikidata: list[tuple[URIRef, str]] = field(default_factory=list)

    def ref(self, value: Any, path: DocPath) -> URIRef:
        """Resolve a node id, a prefixed name (``dip:Reported``) or an http(s) IRI.

        :raises InputError: for unknown ids, prefixes or ``dip:`` terms
        """
        if not isinstance(value, str):
            raise self.doc.error(path, f"expected a node id, a prefixed name or a nested node, got {value!r}")
        if value.startswith(("http://", "https://")):
            return URIRef(value)
        if ":" in value:
            iri = self.term(value, path)
            if self.vocab.is_dip(iri) and not self.vocab.declares(iri):
                raise self.doc.error(path, f"unknown term {value!r}: declare it in ontology/diplomacy.ttl")
            return iri
        if value not in self.ids:
            raise self.doc.error(
                path, f"unknown reference {value!r}: declare a node with this id or use a prefixed name"
            )
        return node_iri(self.base, value)

    def term(self, name: str, path: DocPath) -> URIRef:
        """Expand a prefixed or bare (``dip:``) name, with the error located at *path*."""
        try:
            return self.vocab.expand(name)
        except ValueProblem as exc:
            raise self.doc.error(path, str(exc)) from exc

    def node(self, graph: Graph, key: str, data: dict[str, Any], path: DocPath) -> URIRef:
        """Write the node *key* (an id, or ``id/prop`` for a nested node) described by *data*.

        :returns: the node's IRI
        """
        iri = node_iri(self.base, key)
        line = self.doc.line(path)
        if iri in self.minted:
            other = self.minted[iri]
            raise self.doc.error(path, f"the node IRI <{iri}> is already used at {other.path}:{other.line}")
        self.minted[iri] = Declared(self.doc.path, line)
        self.count += 1
        if "type" not in data:
            raise self.doc.error(path, "a node needs a `type` (a class of the ontology, e.g. State or time:Instant)")
        types = data["type"] if isinstance(data["type"], list) else [data["type"]]
        for i, name in enumerate(types):
            tpath = path + (("type", i) if isinstance(data["type"], list) else ("type",))
            cls = self.term(name, tpath)
            if self.vocab.is_dip(cls) and not self.vocab.declares(cls):
                raise self.doc.error(tpath, f"unknown class {name!r}: declare it in ontology/diplomacy.ttl")
            graph.add((iri, RDF.type, cls))
        if "wikidata" in data:
            self.wikidata.append((iri, data["wikidata"]))
        if "mentions" in data:
            self.mentioned.append(Mentioned(key, iri, data["mentions"], path + ("mentions",)))
        for name, value in data.items():
            if name not in SPECIAL_KEYS:
                self._property(graph, iri, key, name, value, path + (name,))
        return iri

    def _property(self, graph: Graph, iri: URIRef, key: str, name: str, value: Any, path: DocPath) -> None:
        prop = self.term(name, path)
        kind = self.vocab.kind(prop)
        if kind is None:
            raise self.doc.error(
                path, f"unknown property {name!r} (<{prop}>): declare it in ontology/diplomacy.ttl "
                "as an owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty"
            )
        values = value if isinstance(value, list) else [value]
        local = name.partition(":")[2] or name
        nested = 0
        for i, item in enumerate(values):
            ipath = path + (i,) if isinstance(value, list) else path
            if kind == OBJECT:
                if isinstance(item, dict):
                    nested += 1
                    suffix = local if nested == 1 else f"{local}-{nested}"
                    obj = self.node(graph, f"{key}/{suffix}", item, ipath)
                else:
                    obj = self.ref(item, ipath)
                graph.add((iri, prop, obj))
                continue
            try:
                if isinstance(item, dict):
                    for lit in lang_literals(item, self.vocab.ranges(prop)):
                        graph.add((iri, prop, lit))
                else:
                    graph.add((iri, prop, literal(item, self.vocab.ranges(prop))))
            except ValueProblem as exc:
                raise self.doc.error(ipath, f"{name} ({kind} property): {exc}") from exc
