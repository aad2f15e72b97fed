"""Reading RDF files with rdflib, for the build and the server alike.

The build pipeline and the web layer both read small RDF files (the ontology, the shapes, the VoID
description); this module holds the one reader they share, so that serving never imports the
build pipeline (and with it pyshacl and owlrl).
"""

from __future__ import annotations

import json
import warnings
import xml.sax
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from kg.errors import InputError
from kg.iris import DIP, OA, WD

#: formats that hold named graphs: their quads are read as one graph
_QUAD_FORMATS = ("trig", "nquads", "trix")


def _error_line(exc: Exception) -> int | None:
    if isinstance(exc, BadSyntax):
        return exc.lines + 1
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    if isinstance(exc, xml.sax.SAXParseException):
        return exc.getLineNumber()
    return None


def load_rdf(path: Path, fmt: str | None = None, base: str | None = None) -> Graph:
    """Parse an RDF file, its format given or guessed from its extension (Turtle by default).

    :param base: the IRI that relative IRIs resolve against (default: the file's own URI)

    :raises InputError: naming the file (and the line, when the parser tells) of a syntax error
    """
    fmt = fmt or guess_format(str(path)) or "turtle"
    graph = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's TriG and JSON-LD parsers use its deprecated classes
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib(\.|$)")
            if fmt in _QUAD_FORMATS:
                dataset = Dataset()
                dataset.parse(path, format=fmt, publicID=base)
                for s, p, o, _ in dataset.quads():
                    graph.add((s, p, o))
                for prefix, namespace in dataset.namespaces():
                    graph.bind(prefix, namespace)
            else:
                graph.parse(path, format=fmt, publicID=base)
    except FileNotFoundError as exc:
        raise InputError("file not found", path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path) from exc
    except BadSyntax as exc:
        raise InputError(f"{fmt} syntax error: {exc._why}", path, _error_line(exc)) from exc
    except (ParserError, SyntaxError, ValueError, xml.sax.SAXException) as exc:
        # JSONDecodeError is a ValueError, SAXParseException a SAXException
        raise InputError(f"cannot parse as {fmt}: {exc}", path, _error_line(exc)) from exc
    return graph


def namespaces() -> NamespaceManager:
    """Prefixes for the table and for Turtle: rdflib's usual ones plus ``dip:``, ``oa:`` and ``wd:``."""
    manager = NamespaceManager(Graph(), bind_namespaces="rdflib")
    for prefix, namespace in (("dip", DIP), ("oa", OA), ("wd", WD)):
        manager.bind(prefix, namespace)
    return manager
