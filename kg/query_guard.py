"""Static checks on a query before any engine sees it.

The endpoint is read-only and never opens a connection of its own, so a query is refused
(:class:`kg.errors.QueryRefused`) before evaluation when it

- is a SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE`` …);
- uses ``SERVICE`` anywhere, at any depth;
- names in ``FROM``/``FROM NAMED``, or in the protocol's ``default-graph-uri``/``named-graph-uri``,
  a graph that is not one of the dataset's named graphs.

The checks use rdflib's own parser, so what is checked is what an rdflib engine would evaluate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from kg.errors import QueryError, QueryRefused

#: the kind of query for each algebra root
KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def _is_update(text: str) -> str | None:
    """Return the first operation's name (``INSERT DATA`` …) when *text* parses as an update."""
    try:
        update = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return None
    operations = [op.name for op in update.request or [] if isinstance(op, CompValue)]
    if not operations:
        return None
    return {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
            "Modify": "DELETE/INSERT"}.get(operations[0], operations[0].upper())


@lru_cache(maxsize=128)
def parse(text: str) -> Query:
    """Parse and translate *text* (cached; callers must not change the result).

    :raises QueryRefused: when *text* is a SPARQL Update
    :raises QueryError: for a syntax error (with its line and column) or an undeclared prefix
    """
    try:
        return translateQuery(parseQuery(text))
    except ParseBaseException as exc:
        operation = _is_update(text)
        if operation:
            raise QueryRefused(f"this endpoint is read-only: SPARQL Update ({operation}) is not accepted") from None
        raise QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except RecursionError:
        raise QueryError("the query is nested too deeply to be parsed") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises a bare Exception for an undeclared prefix
        raise QueryError(f"invalid SPARQL: {exc}") from None


def kind(query: Query) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
    return KINDS[query.algebra.name]


def dataset_clause(query: Query) -> tuple[list[str], list[str]] | None:
    """The IRIs of the query's ``FROM`` and ``FROM NAMED`` clauses, or ``None`` when it has none."""
    clauses = query.algebra.get("datasetClause")
    if not clauses:
        return None
    default = [str(c["default"]) for c in clauses if "default" in c]
    named = [str(c["named"]) for c in clauses if "named" in c]
    return default, named


def _nodes(tree: Any) -> Iterator[CompValue]:
    """Every :class:`CompValue` in *tree*, depth first, without recursion."""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def check(
    text: str,
    graph_names: Collection[str],
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> Query:
    """Parse *text* and refuse it when it breaks one of the rules of the module docstring.

    :param graph_names: the IRIs of the dataset's named graphs
    :returns: the parsed query
    :raises QueryRefused: for an update, ``SERVICE`` or a foreign graph
    :raises QueryError: when *text* does not parse
    """
    query = parse(text)
    for node in _nodes(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE is not allowed: this endpoint does not query other services "
                               f"(SERVICE {node.get('term').n3()})")
    declared = dataset_clause(query) or ([], [])
    for source, iris in (("FROM", declared[0]), ("FROM NAMED", declared[1]),
                         ("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
        for iri in iris:
            if iri not in graph_names:
                raise QueryRefused(f"{source} <{iri}> is not a graph of this dataset; "
                                   f"the graphs are {', '.join(sorted(graph_names))}")
    return query
