"""An article's metadata, its text, and the annotations anchored in it (evidence targets, mentions).

Everything here goes to the sources graph: it is what the article is and where in its text
each claim and mention stands.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, RDF, XSD, Graph, Literal, URIRef

from kg.iris import DIP, OA, SCHEMA, article_iri, mention_iri, target_iris
from kg.nodes import NodeWriter
from kg.textquote import QuoteNotFound, Span, find_quote
from kg.texts import read_article_text
from kg.yamlsource import DocPath, YamlDoc


@dataclass
class Article:
    """An article read from its annotation file."""

    id: str
    iri: URIRef
    text: str
    text_path: Path
    issued: datetime.date
    #: where the annotation file declares it
    doc: YamlDoc


def _date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


class ArticleWriter:
    """Writes one article's metadata, quotes and mentions into the sources graph.

    :param doc: the annotation file, for error locations
    :param graph: the sources graph
    :param nodes: resolves node ids (publisher, dateline, agencies …)
    :param base: the base IRI
    """

    def __init__(self, doc: YamlDoc, graph: Graph, nodes: NodeWriter, base: str) -> None:
        self.doc, self.graph, self.nodes, self.base = doc, graph, nodes, base
        self.article: Article | None = None
        self.mention_counts: dict[str, int] = {}
        self.mentions = 0
        #: the sha256 of the article text file, once read
        self.sha256 = ""

    def write(self, meta: dict[str, Any]) -> Article:
        """Write the article's metadata and text; return it.

        :raises InputError: for a wrong id, a missing or unreadable text, an unknown node
        """
        path: DocPath = ("article",)
        if meta["id"] != self.doc.path.stem:
            raise self.doc.error(path + ("id",), f"the article id {meta['id']!r} must equal the file name "
                                 f"{self.doc.path.stem!r} (rename the file or fix the id)")
        text_path = self.doc.path.parent / meta["text"]
        try:
            text, self.sha256 = read_article_text(text_path)
        except FileNotFoundError as exc:
            raise self.doc.error(path + ("text",), f"text file not found: {text_path}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise self.doc.error(path + ("text",), f"cannot read the text file {text_path}: {exc}") from exc
        iri = article_iri(self.base, meta["id"])
        self.article = Article(meta["id"], iri, text, text_path, _date(meta["issued"]), self.doc)
        g = self.graph
        g.add((iri, RDF.type, DIP.NewsArticle))
        for key, prop in (("title", DCTERMS.title), ("headline", SCHEMA.headline)):
            for lang, texts in meta.get(key, {}).items():
                for one in texts if isinstance(texts, list) else [texts]:
                    g.add((iri, prop, Literal(one, lang=lang)))
        refs = (("publisher", DCTERMS.publisher), ("dateline", DIP.dateline), ("author", SCHEMA.author),
                ("reliesOn", DIP.reliesOn))
        for key, prop in refs:
            values = meta.get(key, [])
            for i, value in enumerate(values if isinstance(values, list) else [values]):
                where = path + (key, i) if isinstance(values, list) else path + (key,)
                g.add((iri, prop, self.nodes.ref(value, where)))
        g.add((iri, DCTERMS.issued, Literal(self.article.issued, datatype=XSD.date)))
        if "published" in meta:
            published = meta["published"]
            if isinstance(published, str):
                published = datetime.datetime.fromisoformat(published)
            g.add((iri, SCHEMA.datePublished, Literal(published, datatype=XSD.dateTime)))
        g.add((iri, DCTERMS.language, Literal(meta["language"], datatype=XSD.language)))
        g.add((iri, DIP.text, Literal(text)))
        for key, prop in (("source", DCTERMS.source), ("license", DCTERMS.license)):
            if key in meta:
                g.add((iri, prop, URIRef(meta[key])))
        return self.article

    def locate(self, quote: str, occurrence: int, path: DocPath) -> Span:
        """Find *quote* in the article text.

        :raises InputError: when it is not there, with a hint
        """
        assert self.article is not None
        try:
            return find_quote(self.article.text, quote, occurrence)
        except QuoteNotFound as exc:
            raise self.doc.error(
                path, f"quote not found in {self.article.text_path.name}: \"{quote}\"; {exc}"
            ) from exc

    def target(self, annotation: URIRef, span: Span) -> URIRef:
        """Write the target of an evidence or mention: the article and two selectors."""
        assert self.article is not None
        g = self.graph
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

    def mention(self, key: str, node: URIRef, quotes: list[Any], path: DocPath) -> None:
        """Write the mentions of node *key* (quotes of the text, each ``str`` or ``{quote, occurrence}``)."""
        if self.article is None:
            raise self.doc.error(path, "mentions need an `article:` in this file (they are quotes of its text)")
        g = self.graph
        g.add((node, DIP.mentionedIn, self.article.iri))
        for i, item in enumerate(quotes):
            quote, occurrence = (item, 1) if isinstance(item, str) else (item["quote"], item.get("occurrence", 1))
            span = self.locate(quote, occurrence, path + (i,))
            n = self.mention_counts[key] = self.mention_counts.get(key, 0) + 1
            mention = mention_iri(self.base, self.article.id, key, n)
            g.add((mention, RDF.type, DIP.Mention))
            g.add((mention, OA.hasBody, node))
            g.add((mention, OA.hasTarget, self.target(mention, span)))
            self.mentions += 1
