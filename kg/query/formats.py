"""The media types the service answers in, and the writers of query results.

:data:`MEDIA_TYPES` is the one table of formats: every module that negotiates, names a file
extension or picks a serializer reads it. SELECT and ASK results are written here (SPARQL
Results JSON, XML, CSV and TSV); graphs are written by pyoxigraph (Turtle, N-Triples, JSON-LD,
RDF/XML). XML cannot carry some characters at all (NUL and most other C0 controls): a result
holding one is refused in the XML formats (:class:`kg.errors.ResultNotAcceptable`, 406) and the
message names the formats that can carry it. Every body is UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.errors import ResultNotAcceptable


@dataclass(frozen=True)
class MediaType:
    """One format: its media type, what it can carry, its names and its serializers."""

    media: str
    #: ``results`` (SELECT/ASK), ``graph`` (CONSTRUCT/DESCRIBE and RDF documents) or ``page``
    kind: str
    #: the file extension of linked-data documents (``None``: not offered as a document)
    extension: str | None
    #: the names the ``format`` parameter accepts
    names: tuple[str, ...]
    #: the rdflib serializer (for the small RDF documents the web layer writes itself)
    rdflib: str | None = None


MEDIA_TYPES: tuple[MediaType, ...] = (
    MediaType("application/sparql-results+json", "results", None, ("json",)),
    MediaType("application/sparql-results+xml", "results", None, ("xml",)),
    MediaType("text/csv", "results", None, ("csv",)),
    MediaType("text/tab-separated-values", "results", None, ("tsv",)),
    MediaType("text/turtle", "graph", "ttl", ("ttl", "turtle"), "turtle"),
    MediaType("application/n-triples", "graph", "nt", ("nt", "ntriples"), "nt"),
    MediaType("application/ld+json", "graph", "jsonld", ("jsonld", "json-ld"), "json-ld"),
    MediaType("application/rdf+xml", "graph", "rdf", ("rdfxml", "rdf"), "xml"),
    MediaType("text/html", "page", "html", ("html",)),
)
BY_MEDIA = {m.media: m for m in MEDIA_TYPES}
#: media types for SELECT and ASK results; the first is the default
RESULT_TYPES = tuple(m.media for m in MEDIA_TYPES if m.kind == "results")
#: media types for CONSTRUCT and DESCRIBE results and RDF documents; the first is the default
GRAPH_TYPES = tuple(m.media for m in MEDIA_TYPES if m.kind == "graph")
#: the internal format: terms as tuples for the pages and the command line (never sent to clients)
TERMS = "application/x-kg-terms"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_OXIGRAPH = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
#: characters XML 1.0 cannot hold, not even as character references
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})

Term = Any  # a pyoxigraph NamedNode, BlankNode, Literal or Triple


def content_type(media: str) -> str:
    """The ``Content-Type`` header for *media*."""
    return f"{media}; charset=utf-8"


def _refuse_for_xml(text: str, media: str) -> None:
    bad = _NOT_XML.search(text)
    if bad:
        others = ", ".join(t for t in (GRAPH_TYPES if media in GRAPH_TYPES else RESULT_TYPES) if "xml" not in t)
        raise ResultNotAcceptable(f"the result holds the character U+{ord(bad.group()):04X}, which {media} "
                                  f"cannot carry; ask for {others}")


def wire(term: Term | None) -> tuple[str, ...] | None:
    """A term as a tuple of strings: ``("u", iri)``, ``("b", id)``, ``("l", value, language, datatype)``,
    or ``("t", n-triples)`` for a quoted triple."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return ("l", term.value, term.language or "", term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.NamedNode):
        return ("u", term.value)
    return ("t", str(term))


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _encode(text: str) -> bytes:
    """UTF-8, with a lone surrogate (which UTF-8 cannot hold) written as a backslash escape."""
    return text.encode("utf-8", "backslashreplace")


def write_json(variables: Sequence[str], rows: Iterable[Sequence[Term | None]] | None, boolean: bool | None) -> bytes:
    """SPARQL 1.1 Query Results JSON (``rows`` is ``None`` for ASK)."""
    if rows is None:
        return json.dumps({"head": {}, "boolean": bool(boolean)}).encode()
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    try:
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON can carry it as an escape
        return json.dumps(document, ensure_ascii=True).encode("ascii")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.Literal):
        value = term.value.translate(_XML_ESCAPES)
        if term.language:
            return f'<literal xml:lang="{term.language}">{value}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{term.datatype.value.translate(_XML_ESCAPES)}">{value}</literal>'
        return f"<literal>{value}</literal>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{term.value}</bnode>"
    if isinstance(term, ox.NamedNode):
        return f"<uri>{term.value.translate(_XML_ESCAPES)}</uri>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def write_xml(variables: Sequence[str], rows: Iterable[Sequence[Term | None]] | None, boolean: bool | None) -> bytes:
    """SPARQL Query Results XML; refuses a value XML cannot carry."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sparql xmlns="{RESULTS_NS}"><head>']
    if rows is None:
        parts.append(f"</head><boolean>{'true' if boolean else 'false'}</boolean></sparql>\n")
    else:
        parts += [f'<variable name="{v}"/>' for v in variables]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            parts += [f'<binding name="{v}">{_xml_term(t)}</binding>' for v, t in zip(variables, row) if t is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
    text = "".join(parts)
    _refuse_for_xml(text, "application/sparql-results+xml")
    return text.encode("utf-8")


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value if hasattr(term, "value") else str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]] | None, boolean: bool | None) -> bytes:
    """SPARQL 1.1 Query Results CSV: plain values; ASK as the column ``_askResult``."""
    if rows is None:
        return f"_askResult\r\n{'true' if boolean else 'false'}\r\n".encode()
    lines = [",".join(variables)] + [",".join(_csv_field(t) for t in row) for row in rows]
    return _encode("\r\n".join(lines) + "\r\n")


def write_tsv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]] | None, boolean: bool | None) -> bytes:
    """SPARQL 1.1 Query Results TSV: terms in their N-Triples form; ASK as the column ``?_askResult``."""
    if rows is None:
        return f"?_askResult\n{'true' if boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return _encode("\n".join(lines) + "\n")


WRITERS = {"application/sparql-results+json": write_json, "application/sparql-results+xml": write_xml,
           "text/csv": write_csv, "text/tab-separated-values": write_tsv}


def write_graph(triples: Sequence[Any], media: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise *triples* (pyoxigraph triples) as *media*, one of :data:`GRAPH_TYPES`."""
    body = ox.serialize(triples, format=_OXIGRAPH[media], prefixes=prefixes if media == "text/turtle" else None) or b""
    if media == "application/rdf+xml":
        _refuse_for_xml(body.decode("utf-8"), media)
    return body
