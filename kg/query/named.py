"""Named queries (``queries/*.rq``, by file stem), and running SPARQL in-process over small graphs.

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

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.errors import InputError, QueryError
from kg.query.engine import QueryResult, run_terms
from kg.query.executor import Executor, Reply, Request

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
    """Parse *text* as a SPARQL query, with the guard and the engine's parser (on an empty store).

    :raises QueryError: naming *path* and the line and column of a syntax error
    """
    try:
        run_in_process(ox.Store(), text)
    except QueryError as exc:
        raise QueryError(exc.message, path or "query", exc.line) from None


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


def run_in_process(store: ox.Store, text: str, *, union_default_graph: bool = True,
                   max_rows: int = 1_000_000) -> QueryResult:
    """Run *text* on *store* in this process, through the guard and the result encoding of the endpoint.

    For the command line's tests and for checking files: no time or memory limit applies here.
    """
    executor = Executor(store, union_default_graph=union_default_graph, max_rows=max_rows, max_bytes=1 << 40)

    class _InProcess:
        limits = None

        def answer(self, request: Request) -> Reply:
            return executor.run(request)

    return run_terms(_InProcess(), text, max_rows=max_rows)  # type: ignore[arg-type]


def to_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding *graph* (a dataset keeps its named graphs)."""
    store = ox.Store()
    with _quiet_rdflib():
        data = graph.serialize(format="nquads" if isinstance(graph, Dataset) else "nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_QUADS if isinstance(graph, Dataset) else ox.RdfFormat.N_TRIPLES)
    return store


def run_query(graph: Graph, text: str, source: Path | str | None = None) -> QueryResult:
    """Run the SPARQL query *text* on *graph* with the engine of the endpoint (a dataset: the union of its graphs).

    :raises QueryError: when the query does not parse or fails, naming *source*
    """
    try:
        return run_in_process(to_store(graph), text)
    except QueryError as exc:
        raise QueryError(exc.message, source or "query", exc.line) from None
