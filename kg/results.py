"""Serialise a :class:`kg.engine.QueryResult` in the formats of the SPARQL 1.1 Protocol.

SELECT and ASK: SPARQL Results JSON, XML, CSV and TSV. CONSTRUCT and DESCRIBE: Turtle,
N-Triples, JSON-LD and RDF/XML. Every body is UTF-8 and the Content-Type says so.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from xml.etree import ElementTree as ET

from rdflib import BNode, Literal
from rdflib.term import Identifier

from kg.engine import QueryResult

#: media types for SELECT and ASK results; the first is the default
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
#: media types for CONSTRUCT and DESCRIBE results; the first is the default
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
#: rdflib serializer for each graph media type
GRAPH_SERIALIZERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                     "application/rdf+xml": "xml"}
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def offers(result: QueryResult) -> tuple[str, ...]:
    """The media types *result* can be sent as."""
    return GRAPH_TYPES if result.graph is not None else RESULT_TYPES


def content_type(media: str) -> str:
    return f"{media}; charset=utf-8"


def serialize(result: QueryResult, media: str) -> bytes:
    """Return the body of *result* as *media* (one of :func:`offers`)."""
    if result.graph is not None:
        return result.graph.serialize(format=GRAPH_SERIALIZERS[media], encoding="utf-8")
    writer: Callable[[QueryResult], str] = {
        "application/sparql-results+json": to_json, "application/sparql-results+xml": to_xml,
        "text/csv": to_csv, "text/tab-separated-values": to_tsv,
    }[media]
    return writer(result).encode("utf-8")


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "bnode" if isinstance(term, BNode) else "uri", "value": str(term)}


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [{v: _json_term(c) for v, c in zip(result.variables, row) if c is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    root = ET.Element("sparql", xmlns=RESULTS_NS)
    head = ET.SubElement(root, "head")
    if result.kind == "ASK":
        ET.SubElement(root, "boolean").text = "true" if result.boolean else "false"
    else:
        for variable in result.variables:
            ET.SubElement(head, "variable", name=variable)
        results = ET.SubElement(root, "results")
        for row in result.rows:
            element = ET.SubElement(results, "result")
            for variable, cell in zip(result.variables, row):
                if cell is None:
                    continue
                binding = ET.SubElement(element, "binding", name=variable)
                if isinstance(cell, Literal):
                    literal = ET.SubElement(binding, "literal")
                    if cell.language:
                        literal.set("xml:lang", cell.language)
                    elif cell.datatype:
                        literal.set("datatype", str(cell.datatype))
                    literal.text = str(cell)
                else:
                    ET.SubElement(binding, "bnode" if isinstance(cell, BNode) else "uri").text = str(cell)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values; ASK as the column ``_askResult``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if c is None else f"_:{c}" if isinstance(c, BNode) else str(c) for c in row])
    return out.getvalue()


def _tsv_term(term: Identifier | None) -> str:
    if term is None:
        return ""
    return term.n3().replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their Turtle form; ASK as the column ``?_askResult``."""
    if result.kind == "ASK":
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(c) for c in row) for row in result.rows]
    return "\n".join(lines) + "\n"
