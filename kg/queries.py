"""The named queries of ``queries/`` and running a query over an rdflib graph (see :mod:`kg.query.named`)."""

from kg.query.named import NamedQuery, check_syntax, load_dataset, load_queries, load_query, parse_header, run_query

__all__ = ["NamedQuery", "check_syntax", "load_dataset", "load_queries", "load_query", "parse_header", "run_query"]
