"""Annotation files (``data/articles/*.yaml``) and their article texts turned into RDF.

The format is described in ``docs/data-model.md``. :func:`load_corpus` reads every file, resolves
node ids, claim ids and article ids across all of them, and returns the entities, sources and
external graphs and one assertion graph per claim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, PROV, RDF, SKOS, Graph, Literal, URIRef

from kg.articles import Article, ArticleWriter
from kg.claims import ClaimRef, ClaimWriter, Relation, resolve_relations
from kg.draft.markers import unconfirmed
from kg.errors import InputError
from kg.iris import DEFAULT_BASE_IRI, DIP, OA, WD, external_iri, graph_iri
from kg.nodes import Declared, NodeWriter, nested_nodes
from kg.vocabulary import Vocabulary
from kg.yamlsource import YamlDoc, load_schema, load_yaml, validate

#: the graphs a corpus fills besides the claims' own, by name (see kg.iris.GRAPH_NAMES)
CORPUS_GRAPHS = ("entities", "sources", "external")


@dataclass
class SourceFile:
    """An input file of the build and its checksum."""

    path: Path
    sha256: str
    role: str  # "annotations" | "text" | "ontology" | "shapes" | "schema" | "rules"


@dataclass
class Corpus:
    """Everything read from the annotation files."""

    graphs: dict[str, Graph]
    #: one graph per claim: its assertion graph IRI -> what the claim asserts
    assertions: dict[URIRef, Graph] = field(default_factory=dict)
    #: the files each assertion graph comes from (its annotation file and article text)
    origins: dict[URIRef, tuple[Path, ...]] = field(default_factory=dict)
    sources: list[SourceFile] = field(default_factory=list)
    articles: list[URIRef] = field(default_factory=list)
    nodes: int = 0
    claims: int = 0
    mentions: int = 0

    def data(self) -> list[Graph]:
        """Every graph of the corpus: the named ones, then the assertions in IRI order."""
        return [*self.graphs.values(), *(self.assertions[iri] for iri in sorted(self.assertions))]

    def named(self, base: str) -> dict[URIRef, Graph]:
        """Every graph of the corpus by its name: ``{base}graph/entities`` … and the assertions."""
        return {graph_iri(base, name): graph for name, graph in self.graphs.items()} | self.assertions


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new_graph(vocab: Vocabulary) -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix in ("dip", "oa", "prov", "dcterms", "skos", "wd", "schema", "org", "time", "foaf"):
        if prefix in vocab.prefixes:
            graph.bind(prefix, vocab.prefixes[prefix])
    graph.bind("oa", OA, override=False)
    graph.bind("wd", WD, override=False)
    return graph


def _declare(ids: dict[str, Declared], doc: YamlDoc, node_id: str, path: tuple[Any, ...]) -> None:
    here = Declared(doc.path, doc.line(path))
    if node_id in ids:
        first = ids[node_id]
        raise doc.error(path, f"duplicate id {node_id!r}: already declared at {first.path}:{first.line}; "
                        "declare each node once, and put what another source says of it under a claim's `asserts:`")
    ids[node_id] = here


def _register(docs: list[YamlDoc]) -> dict[str, Declared]:
    """Collect every node id of every file: ``nodes:`` and ``external:`` keys and nested nodes.

    :raises InputError: for an id declared twice, naming both places
    """
    ids: dict[str, Declared] = {}
    articles: dict[str, Declared] = {}
    for doc in docs:
        for node_id, node in doc.data.get("nodes", {}).items():
            _declare(ids, doc, node_id, ("nodes", node_id))
            for child, _, path in nested_nodes(node_id, node, ("nodes", node_id)):
                _declare(ids, doc, child, path)
        for entry_id, entry in doc.data.get("external", {}).items():
            if "node" in entry:
                _declare(ids, doc, entry_id, ("external", entry_id))
                for child, _, path in nested_nodes(entry_id, entry["node"], ("external", entry_id, "node")):
                    _declare(ids, doc, child, path)
            for subject, facts in entry.get("asserts", {}).items():
                for child, _, path in nested_nodes(subject, facts, ("external", entry_id, "asserts", subject)):
                    _declare(ids, doc, child, path)
        for claim_id, claim in doc.data.get("claims", {}).items():
            for subject, facts in claim.get("asserts", {}).items():
                for child, _, path in nested_nodes(subject, facts, ("claims", claim_id, "asserts", subject)):
                    _declare(ids, doc, child, path)
        if "article" in doc.data:
            article_id = doc.data["article"]["id"]
            if article_id in articles:
                first = articles[article_id]
                raise doc.error(
                    ("article", "id"), f"duplicate article id {article_id!r} (also {first.path}:{first.line})"
                )
            articles[article_id] = Declared(doc.path, doc.line(("article", "id")))
    return ids


class _FileLoader:
    """Writes one annotation file into the corpus."""

    def __init__(self, doc: YamlDoc, corpus: Corpus, nodes: NodeWriter, base: str) -> None:
        self.doc, self.corpus, self.nodes, self.base = doc, corpus, nodes, base
        self.articles = ArticleWriter(doc, corpus.graphs["sources"], nodes, base)
        self.held: dict[str, Graph] = {}
        self.claims = ClaimWriter(doc, self.articles, nodes, corpus.graphs["sources"], corpus.assertions,
                                  self.held, base)

    def run(self) -> Article | None:
        data = self.doc.data
        article = self.articles.write(data["article"]) if "article" in data else None
        if article is not None:
            self.corpus.articles.append(article.iri)
            self.corpus.sources.append(SourceFile(article.text_path, self.articles.sha256, "text"))
        for node_id, node in data.get("nodes", {}).items():
            self.held[node_id] = Graph()
            self.nodes.node(node_id, node, ("nodes", node_id), self.held[node_id])
        for entry_id, entry in data.get("external", {}).items():
            self._external(entry_id, entry)
        for item in self.nodes.mentioned:
            self.articles.mention(item.key, item.iri, item.quotes, item.path)
        for node_id, quotes in data.get("mentions", {}).items():
            iri = self.nodes.ref(node_id, ("mentions", node_id))
            self.articles.mention(node_id, iri, quotes, ("mentions", node_id))
        for iri, qid in self.nodes.wikidata:
            self.corpus.graphs["external"].add((iri, SKOS.exactMatch, WD[qid]))
        for claim_id, claim in data.get("claims", {}).items():
            self.claims.write(claim_id, claim)
        if article is not None:
            for graph in self.claims.graphs:
                self.corpus.origins[graph] = (self.doc.path, article.text_path)
        self._check_covered()
        self.corpus.nodes += self.nodes.count
        self.corpus.claims += len(self.claims.claims)
        self.corpus.mentions += self.articles.mentions
        return article

    def _check_covered(self) -> None:
        """Every fact of a node declared here must be asserted by a claim or be a background fact."""
        for node_id, facts in self.held.items():
            if len(facts) and node_id not in self.claims.covered:
                path = ("nodes", node_id)
                what = ", ".join(sorted({self.nodes.vocab.name(URIRef(str(p))) for _, p, _ in facts}))
                raise self.doc.error(
                    path, f"{node_id!r} carries facts ({what}) that no claim of this file asserts: list "
                    f"{node_id!r} under a claim's `supports:`, move the facts under a claim's `asserts:`, "
                    "or make them an `external:` fact with its source"
                )

    def _external(self, entry_id: str, entry: dict[str, Any]) -> None:
        path = ("external", entry_id)
        g = self.corpus.graphs["external"]
        fact = external_iri(self.base, entry_id)
        start = len(self.nodes.mentioned)
        if "node" in entry:
            g.add((fact, DIP.supports, self.nodes.node(entry_id, entry["node"], path + ("node",), g)))
        for subject, facts in entry.get("asserts", {}).items():
            g.add((fact, DIP.supports, self.nodes.facts(subject, facts, path + ("asserts", subject), g)))
        if len(self.nodes.mentioned) > start:
            bad = self.nodes.mentioned[start]
            raise self.doc.error(bad.path, "an external fact is not quoted from the article: remove these mentions")
        g.add((fact, RDF.type, PROV.Entity))
        g.add((fact, DCTERMS.source, URIRef(entry["source"])))
        if "note" in entry:
            g.add((fact, DIP.note, Literal(entry["note"], lang="en")))


def _annotation_files(data_dirs: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in data_dirs:
        if not Path(folder).is_dir():
            raise InputError("the annotation folder does not exist", folder)
        files.extend(sorted(Path(folder).glob("*.yaml")))
    return files


def _republications(loaded: list[tuple[YamlDoc, Article]], sources: Graph) -> None:
    """Write ``dip:republishes`` links once every article is known."""
    by_id = {article.id: article for _, article in loaded}
    for doc, article in loaded:
        target = doc.data["article"].get("republishes")
        if target is None:
            continue
        path = ("article", "republishes")
        if target not in by_id:
            raise doc.error(path, f"unknown article {target!r}" + Vocabulary.hint(target, by_id))
        if by_id[target].issued > article.issued:
            raise doc.error(path, f"{target!r} was issued {by_id[target].issued}, after this article "
                            f"({article.issued}): an article can only republish an earlier one")
        sources.add((article.iri, DIP.republishes, by_id[target].iri))


def load_corpus(
    data_dirs: Sequence[Path], ontology: Graph, schema_path: Path, base_iri: str = DEFAULT_BASE_IRI
) -> Corpus:
    """Read every ``*.yaml`` annotation file in *data_dirs* (sorted) with its article text.

    :param data_dirs: folders holding ``<id>.yaml`` and ``<id>.<lang>.txt`` files
    :param ontology: the ontology graph: prefixes, terms, property kinds and ranges come from it
    :param schema_path: the JSON Schema of annotation files
    :param base_iri: the base of every minted IRI
    :returns: the graphs, the files read and counts
    :raises InputError: naming file and line of the first problem found
    """
    validator = load_schema(schema_path)
    vocab = Vocabulary(ontology)
    docs = []
    corpus = Corpus({name: _new_graph(vocab) for name in CORPUS_GRAPHS})
    for path in _annotation_files(data_dirs):
        doc = load_yaml(path)
        if not isinstance(doc.data, dict):
            raise InputError("an annotation file must be a mapping with article/nodes/claims/external", path, 1)
        for draft_path, message in unconfirmed(doc)[:1]:  # before the schema: a draft is not done yet
            raise doc.error(draft_path, message)
        validate(doc, validator)
        docs.append(doc)
        corpus.sources.append(SourceFile(path, _sha256(path), "annotations"))
    ids = _register(docs)
    minted: dict[URIRef, Declared] = {}
    claims: dict[tuple[str, str], ClaimRef] = {}
    relations: list[Relation] = []
    loaded: list[tuple[YamlDoc, Article]] = []
    for doc in docs:
        nodes = NodeWriter(doc, vocab, base_iri, ids, minted, corpus.graphs["entities"])
        loader = _FileLoader(doc, corpus, nodes, base_iri)
        article = loader.run()
        if article is not None:
            loaded.append((doc, article))
            claims.update({(article.id, cid): ref for cid, ref in loader.claims.claims.items()})
        relations += loader.claims.relations
    resolve_relations(relations, claims, corpus.graphs["sources"])
    _republications(loaded, corpus.graphs["sources"])
    for graph in corpus.assertions.values():
        for prefix, namespace in corpus.graphs["sources"].namespaces():
            graph.bind(prefix, namespace, override=False)
    return corpus
