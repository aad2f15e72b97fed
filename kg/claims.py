"""Claims: each one's assertion graph, its evidence, attribution, and its relations to other claims.

A claim's content goes to a named graph of its own (``{claim}/assertion``); what the claim is —
modality, statement, evidence, attribution, relations — goes to the sources graph.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from rdflib import PROV, RDF, XSD, Graph, Literal, URIRef

from kg.articles import Article, ArticleWriter
from kg.iris import DIP, OA, assertion_iri, claim_iri, evidence_iri
from kg.nodes import NodeWriter
from kg.vocabulary import Vocabulary
from kg.yamlsource import DocPath, YamlDoc

#: annotation keys of the relations between claims -> their property
RELATIONS = {"fulfils": DIP.fulfils, "confirms": DIP.confirms, "contradicts": DIP.contradicts,
             "updates": DIP.updates}


@dataclass
class ClaimRef:
    """A claim as other claims refer to it."""

    iri: URIRef
    article: Article
    path: DocPath


@dataclass
class Relation:
    """A relation one claim declares to another, resolved once every file is read."""

    source: ClaimRef
    key: str
    target: str
    doc: YamlDoc
    path: DocPath


class ClaimWriter:
    """Writes the claims of one annotation file.

    :param article: the file's article (its text holds the quotes)
    :param held: facts this file's ``nodes:`` give, by node id, for its claims' ``supports:``
    """

    def __init__(self, doc: YamlDoc, articles: ArticleWriter, nodes: NodeWriter, sources: Graph,
                 assertions: dict[URIRef, Graph], held: dict[str, Graph], base: str) -> None:
        self.doc, self.articles, self.nodes, self.sources = doc, articles, nodes, sources
        self.assertions, self.held, self.base = assertions, held, base
        self.relations: list[Relation] = []
        self.claims: dict[str, ClaimRef] = {}
        #: node ids whose held facts some claim asserted
        self.covered: set[str] = set()
        #: the assertion graphs this file's claims wrote
        self.graphs: list[URIRef] = []

    def write(self, claim_id: str, claim: dict[str, Any]) -> ClaimRef:
        """Write one claim and its assertion graph."""
        path: DocPath = ("claims", claim_id)
        article = self.articles.article
        if article is None:
            raise self.doc.error(path, "claims need an `article:` in this file (their quotes come from its text)")
        g = self.sources
        iri = claim_iri(self.base, article.id, claim_id)
        span = self.articles.locate(claim["quote"], claim.get("occurrence", 1), path + ("quote",))
        content = Graph()
        subjects: list[URIRef] = []
        for i, node_id in enumerate(claim.get("supports", [])):
            subjects.append(self._supported(node_id, content, path + ("supports", i)))
        for subject, facts in claim.get("asserts", {}).items():
            subjects.append(self.nodes.facts(subject, facts, path + ("asserts", subject), content))
        g.add((iri, RDF.type, DIP.Claim))
        g.add((iri, DIP.modality, DIP[claim["modality"].capitalize()]))
        g.add((iri, DIP.statement, Literal(claim["statement"], lang="en")))
        if "note" in claim:
            g.add((iri, DIP.note, Literal(claim["note"], lang="en")))
        for subject in dict.fromkeys([*subjects, *(s for s, _, _ in content)]):
            g.add((iri, DIP.supports, subject))
        for i, node_id in enumerate(claim.get("about", [])):
            g.add((iri, DIP.about, self.nodes.ref(node_id, path + ("about", i))))
        if len(content):
            graph = assertion_iri(self.base, article.id, claim_id)
            self.assertions[graph] = content
            self.graphs.append(graph)
            g.add((iri, DIP.assertion, graph))
        self._attribution(iri, claim.get("attribution"), path + ("attribution",), article)
        g.add((iri, PROV.wasDerivedFrom, article.iri))
        evidence = evidence_iri(self.base, article.id, claim_id)
        g.add((iri, DIP.hasEvidence, evidence))
        g.add((evidence, RDF.type, DIP.Evidence))
        g.add((evidence, OA.hasBody, iri))
        g.add((evidence, OA.hasTarget, self.articles.target(evidence, span)))
        ref = self.claims[claim_id] = ClaimRef(iri, article, path)
        for key in RELATIONS:
            targets = claim.get(key, [])
            for i, target in enumerate(targets if isinstance(targets, list) else [targets]):
                where = path + (key, i) if isinstance(targets, list) else path + (key,)
                self.relations.append(Relation(ref, key, str(target), self.doc, where))
        return ref

    def _supported(self, node_id: str, content: Graph, path: DocPath) -> URIRef:
        if node_id not in self.held:
            if node_id in self.nodes.ids:
                raise self.doc.error(
                    path, f"{node_id!r} is declared in another file: put what this claim says of it "
                    f"under `asserts: {{{node_id}: …}}`"
                )
            raise self.doc.error(path, f"unknown reference {node_id!r}: `supports` lists nodes declared in "
                                 "this file" + Vocabulary.hint(node_id, self.held))
        content += self.held[node_id]
        self.covered.add(node_id)
        return self.nodes.ref(node_id, path)

    def _attribution(self, iri: URIRef, attribution: dict[str, Any] | None, path: DocPath,
                     article: Article) -> None:
        if not attribution:
            return
        for i, actor in enumerate(attribution.get("by", [])):
            self.sources.add((iri, DIP.attributedTo, self.nodes.ref(actor, path + ("by", i))))
        if "on" in attribution:
            on = attribution["on"]
            on = datetime.date.fromisoformat(on) if isinstance(on, str) else on
            if on > article.issued:
                raise self.doc.error(path + ("on",), f"the statement is dated {on}, after the article was "
                                     f"issued ({article.issued}): fix the date")
            self.sources.add((iri, DIP.statedOn, Literal(on, datatype=XSD.date)))


def resolve_relations(relations: list[Relation], claims: dict[tuple[str, str], ClaimRef], sources: Graph) -> None:
    """Write each declared relation between claims, once every claim is known.

    :param claims: every claim by (article id, claim id)
    :raises InputError: for an unknown claim, a relation to a claim of the same article, or a
        fulfilment or update pointing forward in time
    """
    for rel in relations:
        article_id, sep, claim_id = rel.target.rpartition("/")
        key = (article_id, claim_id) if sep else (rel.source.article.id, rel.target)
        target = claims.get(key)
        if target is None:
            known = [f"{a}/{c}" for a, c in claims]
            raise rel.doc.error(rel.path, f"unknown claim {rel.target!r}: write <article id>/<claim id> "
                                "(or a claim id of this file)" + Vocabulary.hint(rel.target, known))
        if target.iri == rel.source.iri:
            raise rel.doc.error(rel.path, f"a claim cannot {rel.key[:-1]} itself")
        later, earlier = rel.source.article.issued, target.article.issued
        if rel.key in ("fulfils", "updates") and earlier > later:
            raise rel.doc.error(
                rel.path, f"{rel.key} points forward in time: {rel.target} is from an article issued "
                f"{earlier}, after this one ({later}); a later report {rel.key} an earlier claim, "
                "so declare the relation on the later claim"
            )
        sources.add((rel.source.iri, RELATIONS[rel.key], target.iri))

