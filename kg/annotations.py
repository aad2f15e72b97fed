"""Annotation files (``data/articles/*.yaml``) and their article texts turned into RDF.

The format is described in ``docs/data-model.md``. :func:`load_corpus` reads every file,
resolves node ids across all of them and returns the asserted and external graphs.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, PROV, RDF, SKOS, XSD, Graph, Literal, URIRef

from kg.draft.markers import unconfirmed
from kg.errors import InputError
from kg.iris import (
    DEFAULT_BASE_IRI,
    DIP,
    OA,
    WD,
    article_iri,
    claim_iri,
    evidence_iri,
    external_iri,
    mention_iri,
    target_iris,
)
from kg.nodes import Declared, NodeWriter
from kg.textquote import QuoteNotFound, Span, find_quote
from kg.vocabulary import Vocabulary
from kg.yamlsource import DocPath, YamlDoc, load_schema, load_yaml, validate


@dataclass
class SourceFile:
    """An input file of the build and its checksum."""

    path: Path
    sha256: str
    role: str  # "annotations" | "text"


@dataclass
class Corpus:
    """Everything read from the annotation files."""

    asserted: Graph
    external: Graph
    sources: list[SourceFile] = field(default_factory=list)
    articles: list[URIRef] = field(default_factory=list)
    nodes: int = 0
    claims: int = 0
    mentions: int = 0


@dataclass
class _Article:
    id: str
    iri: URIRef
    text: str
    text_name: str


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


def _register(docs: list[YamlDoc]) -> dict[str, Declared]:
    """Collect every node id (``nodes:`` and ``external:`` keys) of every file.

    :raises InputError: for an id declared twice, naming both places
    """
    ids: dict[str, Declared] = {}
    articles: dict[str, Declared] = {}
    for doc in docs:
        for section in ("nodes", "external"):
            for node_id in doc.data.get(section, {}):
                here = Declared(doc.path, doc.line((section, node_id)))
                if node_id in ids:
                    first = ids[node_id]
                    raise doc.error(
                        (section, node_id),
                        f"duplicate id {node_id!r}: already declared at {first.path}:{first.line}; "
                        "declare each node once and refer to it by id",
                    )
                ids[node_id] = here
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

    def __init__(self, doc: YamlDoc, corpus: Corpus, writer: NodeWriter, base: str) -> None:
        self.doc, self.corpus, self.writer, self.base = doc, corpus, writer, base
        self.article: _Article | None = None
        self.mention_counts: dict[str, int] = {}

    def run(self) -> None:
        data, g = self.doc.data, self.corpus.asserted
        if "article" in data:
            self._article(data["article"])
        for node_id, node in data.get("nodes", {}).items():
            self.writer.node(g, node_id, node, ("nodes", node_id))
        for entry_id, entry in data.get("external", {}).items():
            self._external(entry_id, entry)
        for item in self.writer.mentioned:
            self._mentions(item.key, item.iri, item.quotes, item.path)
        for node_id, quotes in data.get("mentions", {}).items():
            iri = self.writer.ref(node_id, ("mentions", node_id))
            self._mentions(node_id, iri, quotes, ("mentions", node_id))
        for iri, qid in self.writer.wikidata:
            self.corpus.external.add((iri, SKOS.exactMatch, WD[qid]))
        for claim_id, claim in data.get("claims", {}).items():
            self._claim(claim_id, claim)
        self.corpus.nodes += self.writer.count

    def _article(self, meta: dict[str, Any]) -> None:
        path: DocPath = ("article",)
        if meta["id"] != self.doc.path.stem:
            raise self.doc.error(path + ("id",), f"the article id {meta['id']!r} must equal the file name "
                                 f"{self.doc.path.stem!r} (rename the file or fix the id)")
        text_path = self.doc.path.parent / meta["text"]
        try:
            text = text_path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise self.doc.error(path + ("text",), f"text file not found: {text_path}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise self.doc.error(path + ("text",), f"cannot read the text file {text_path}: {exc}") from exc
        self.corpus.sources.append(SourceFile(text_path, _sha256(text_path), "text"))
        iri = article_iri(self.base, meta["id"])
        self.article = _Article(meta["id"], iri, text, meta["text"])
        self.corpus.articles.append(iri)
        issued = meta["issued"]
        if isinstance(issued, str):
            issued = datetime.date.fromisoformat(issued)
        g = self.corpus.asserted
        g.add((iri, RDF.type, DIP.NewsArticle))
        for lang, title in meta["title"].items():
            for one in title if isinstance(title, list) else [title]:
                g.add((iri, DCTERMS.title, Literal(one, lang=lang)))
        g.add((iri, DCTERMS.publisher, self.writer.ref(meta["publisher"], path + ("publisher",))))
        g.add((iri, DIP.dateline, self.writer.ref(meta["dateline"], path + ("dateline",))))
        g.add((iri, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
        g.add((iri, DCTERMS.language, Literal(meta["language"], datatype=XSD.language)))
        g.add((iri, DIP.text, Literal(text)))
        for key, prop in (("source", DCTERMS.source), ("license", DCTERMS.license)):
            if key in meta:
                g.add((iri, prop, URIRef(meta[key])))

    def _locate(self, quote: str, occurrence: int, path: DocPath) -> Span:
        assert self.article is not None
        try:
            return find_quote(self.article.text, quote, occurrence)
        except QuoteNotFound as exc:
            raise self.doc.error(
                path, f"quote not found in {self.article.text_name}: \"{quote}\"; {exc}"
            ) from exc

    def _target(self, annotation: URIRef, span: Span) -> URIRef:
        """Write the target of an evidence or mention: the article and two selectors."""
        assert self.article is not None
        g = self.corpus.asserted
        target, quote, position = target_iris(annotation)
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, self.article.iri))
        g.add((target, OA.hasSelector, quote))
        g.add((target, OA.hasSelector, position))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(span.exact)))
        if span.prefix:
            g.add((quote, OA.prefix, Literal(span.prefix)))
        if span.suffix:
            g.add((quote, OA.suffix, Literal(span.suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        return target

    def _mentions(self, key: str, node: URIRef, quotes: list[Any], path: DocPath) -> None:
        if self.article is None:
            raise self.doc.error(path, "mentions need an `article:` in this file (they are quotes of its text)")
        g = self.corpus.asserted
        g.add((node, DIP.mentionedIn, self.article.iri))
        for i, item in enumerate(quotes):
            quote, occurrence = (item, 1) if isinstance(item, str) else (item["quote"], item.get("occurrence", 1))
            span = self._locate(quote, occurrence, path + (i,))
            n = self.mention_counts[key] = self.mention_counts.get(key, 0) + 1
            mention = mention_iri(self.base, self.article.id, key, n)
            g.add((mention, RDF.type, DIP.Mention))
            g.add((mention, OA.hasBody, node))
            g.add((mention, OA.hasTarget, self._target(mention, span)))
            self.corpus.mentions += 1

    def _claim(self, claim_id: str, claim: dict[str, Any]) -> None:
        path: DocPath = ("claims", claim_id)
        if self.article is None:
            raise self.doc.error(path, "claims need an `article:` in this file (their quotes come from its text)")
        g = self.corpus.asserted
        iri = claim_iri(self.base, self.article.id, claim_id)
        span = self._locate(claim["quote"], claim.get("occurrence", 1), path + ("quote",))
        g.add((iri, RDF.type, DIP.Claim))
        g.add((iri, DIP.modality, DIP[claim["modality"].capitalize()]))
        g.add((iri, DIP.statement, Literal(claim["statement"], lang="en")))
        if "note" in claim:
            g.add((iri, DIP.note, Literal(claim["note"], lang="en")))
        for key, prop in (("supports", DIP.supports), ("attributedTo", DIP.attributedTo)):
            for i, ref in enumerate(claim.get(key, [])):
                g.add((iri, prop, self.writer.ref(ref, path + (key, i))))
        g.add((iri, PROV.wasDerivedFrom, self.article.iri))
        evidence = evidence_iri(self.base, self.article.id, claim_id)
        g.add((iri, DIP.hasEvidence, evidence))
        g.add((evidence, RDF.type, DIP.Evidence))
        g.add((evidence, OA.hasBody, iri))
        g.add((evidence, OA.hasTarget, self._target(evidence, span)))
        self.corpus.claims += 1

    def _external(self, entry_id: str, entry: dict[str, Any]) -> None:
        path: DocPath = ("external", entry_id)
        g = self.corpus.external
        start = len(self.writer.mentioned)
        node = self.writer.node(g, entry_id, entry["node"], path + ("node",))
        if len(self.writer.mentioned) > start:
            bad = self.writer.mentioned[start]
            raise self.doc.error(bad.path, "an external fact is not quoted from the article: remove these mentions")
        fact = external_iri(self.base, entry_id)
        g.add((fact, RDF.type, PROV.Entity))
        g.add((fact, DCTERMS.source, URIRef(entry["source"])))
        if "note" in entry:
            g.add((fact, DIP.note, Literal(entry["note"], lang="en")))
        g.add((fact, DIP.supports, node))


def _annotation_files(data_dirs: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in data_dirs:
        if not Path(folder).is_dir():
            raise InputError("the annotation folder does not exist", folder)
        files.extend(sorted(Path(folder).glob("*.yaml")))
    return files


def load_corpus(
    data_dirs: Sequence[Path], ontology: Graph, schema_path: Path, base_iri: str = DEFAULT_BASE_IRI
) -> Corpus:
    """Read every ``*.yaml`` annotation file in *data_dirs* (sorted) with its article text.

    :param data_dirs: folders holding ``<id>.yaml`` and ``<id>.<lang>.txt`` files
    :param ontology: the ontology graph: prefixes, property kinds and ranges come from it
    :param schema_path: the JSON Schema of annotation files
    :param base_iri: the base of every minted IRI
    :returns: the asserted and external graphs, the files read and counts
    :raises InputError: naming file and line of the first problem found
    """
    validator = load_schema(schema_path)
    vocab = Vocabulary(ontology)
    docs = []
    corpus = Corpus(_new_graph(vocab), _new_graph(vocab))
    for path in _annotation_files(data_dirs):
        doc = load_yaml(path)
        if not isinstance(doc.data, dict):
            raise InputError("an annotation file must be a mapping with article/nodes/claims/external", path, 1)
        validate(doc, validator)
        for draft_path, message in unconfirmed(doc)[:1]:
            raise doc.error(draft_path, message)
        docs.append(doc)
        corpus.sources.append(SourceFile(path, _sha256(path), "annotations"))
    ids = _register(docs)
    minted: dict[URIRef, Declared] = {}
    for doc in docs:
        writer = NodeWriter(doc, vocab, base_iri, ids, minted)
        _FileLoader(doc, corpus, writer, base_iri).run()
    return corpus
