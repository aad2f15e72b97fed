"""Named queries (``queries/*.rq``, by file stem) and running SPARQL over a built dataset.

A query file starts with a header of comment lines::

    # title: Evidence of claims
    # description: For any claim: which quote supports it?
    #   (more description lines, each starting with '#')

Every query is parsed when it is loaded, so a broken file stops the loading and the error names
the file, line and column.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyparsing import ParseBaseException
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery

from kg.engine import QueryResult
from kg.errors import InputError, QueryError

_FIELD = re.compile(r"^#\s*(title|description)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name (the file stem), the title and description of its header, its text."""

    name: str
    title: str
    description: str
    text: str
    path: Path


def parse_header(text: str) -> tuple[str, str]:
    """Return the title and description of the leading ``#`` comment lines of *text*.

    A field continues on the following comment lines until the next field or the first line
    that is not a comment.
    """
    fields: dict[str, list[str]] = {"title": [], "description": []}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        found = _FIELD.match(line)
        if found:
            current = found.group(1)
            fields[current].append(found.group(2))
        elif current and line.lstrip("#").strip():
            fields[current].append(line.lstrip("#").strip())
    return " ".join(fields["title"]), " ".join(fields["description"])


def check_syntax(text: str, path: Path | str | None = None) -> None:
    """Parse *text* as a SPARQL query.

    :raises QueryError: naming *path*, the line and column of a syntax error, or an unknown prefix
    """
    try:
        prepareQuery(text)
    except ParseBaseException as exc:
        raise QueryError(f"SPARQL syntax error at column {exc.col}: {exc.msg}", path or "query", exc.lineno) from exc
    except Exception as exc:  # rdflib raises a bare Exception for an undeclared prefix
        raise QueryError(f"invalid SPARQL: {exc}", path or "query") from exc


def load_query(path: Path) -> NamedQuery:
    """Read, parse and describe one query file.

    :raises InputError: when the file cannot be read
    :raises QueryError: for a missing title or a query that does not parse
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the query: {exc}", path) from exc
    title, description = parse_header(text)
    if not title:
        raise QueryError("the query needs a header line '# title: …' (and '# description: …')", path, 1)
    check_syntax(text, path)
    return NamedQuery(path.stem, title, description, text, path)


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Load every ``*.rq`` file of *folder*, by name (sorted).

    :raises InputError: when the folder does not exist
    :raises QueryError: naming the first file that does not parse
    """
    if not folder.is_dir():
        raise InputError("the queries folder does not exist", folder)
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence the deprecation warnings rdflib 7 raises from inside its own TriG and Dataset code."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib(\.|$)")
        yield


def load_dataset(path: Path) -> Dataset:
    """Load a TriG file as a dataset whose default graph is the union of its named graphs.

    :raises InputError: when the file cannot be read or parsed
    """
    dataset = Dataset(default_union=True)
    try:
        with _quiet_rdflib():
            dataset.parse(path, format="trig")
    except FileNotFoundError as exc:
        raise InputError("the built dataset is missing: run `kg build`", path) from exc
    except Exception as exc:  # rdflib's TriG parser raises several exception types
        raise InputError(f"cannot parse the dataset: {exc}", path) from exc
    return dataset


def run_query(graph: Graph, text: str, source: Path | str | None = None) -> QueryResult:
    """Run the SPARQL query *text* on *graph* (a dataset queries the union of its graphs).

    :raises QueryError: when the query does not parse or fails, naming *source*
    """
    check_syntax(text, source)
    try:
        with _quiet_rdflib():
            result = graph.query(text)
            if result.type == "SELECT":
                variables = [str(v) for v in result.vars or []]
                rows = [tuple(row) for row in result]  # type: ignore[arg-type]
                return QueryResult("SELECT", variables=variables, rows=rows)  # type: ignore[arg-type]
            if result.type == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            out = Graph()
            for prefix, namespace in graph.namespaces():
                out.bind(prefix, namespace)
            if result.graph is not None:
                out += result.graph
            return QueryResult(str(result.type), graph=out)
    except Exception as exc:  # evaluation errors come as many types; keep the message
        raise QueryError(f"the query failed: {exc}", source or "query") from exc
