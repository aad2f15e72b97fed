"""Query results as text for the command line: an aligned table for people, or a SPARQL 1.1
results format (CSV, TSV, JSON), which the engine writes.

CONSTRUCT and DESCRIBE results are graphs: Turtle for ``table``, N-Triples for ``csv``/``tsv``,
JSON-LD for ``json``.
"""

from __future__ import annotations

from rdflib import XSD, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier

from kg.query.engine import QueryResult
from kg.query.formats import TERMS

FORMATS = ("table", "csv", "tsv", "json")
#: media type the engine answers in, per format, for SELECT/ASK and for CONSTRUCT/DESCRIBE
RESULT_MEDIA = {"table": TERMS, "csv": "text/csv", "tsv": "text/tab-separated-values",
                "json": "application/sparql-results+json"}
GRAPH_MEDIA = {"table": "text/turtle", "csv": "application/n-triples", "tsv": "application/n-triples",
               "json": "application/ld+json"}
#: longest cell of a table before it is cut
MAX_CELL = 80
#: datatypes shown as their bare lexical form, as Turtle would write them
_BARE = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}


def _cell(term: Identifier | None, names: NamespaceManager) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return names.normalizeUri(term)
        except Exception:  # noqa: BLE001 - a term rdflib cannot shorten is shown in full
            return f"<{term}>"
    if isinstance(term, Literal) and term.datatype in _BARE:
        text = str(term)
    else:
        text = term.n3(names) if isinstance(term, Literal) else f"_:{term}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def to_table(result: QueryResult, names: NamespaceManager) -> str:
    """An aligned text table, IRIs as prefixed names (per *names*), long values cut; then the row count."""
    if result.kind == "ASK":
        return ("yes" if result.boolean else "no") + "\n"
    rows = [[_cell(t, names) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(result.variables), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"
