"""The SPARQL 1.1 Protocol at ``/sparql``, the VoID description, ``/health`` and CORS.

- ``GET /sparql?query=…``, ``POST`` as ``application/x-www-form-urlencoded`` (``query=…``) or as
  ``application/sparql-query`` (the body is the query); ``default-graph-uri`` and
  ``named-graph-uri`` (in the URL or the form) choose the dataset.
- ``GET /sparql`` without a query: the Service Description (RDF, or HTML for browsers).
- ``format`` (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``, ``nt``, ``jsonld``, ``rdfxml``) overrides ``Accept``.
- Errors: 400 bad query or parameters, 403 refused query (update, SERVICE, foreign graph),
  405 method, 406 no acceptable format, 413 request too large, 415 media type, 503 time or memory
  limit reached.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from rdflib import Graph
from werkzeug.exceptions import (
    BadRequest,
    NotFound,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from kg import query_guard
from kg.build import load_rdf
from kg.errors import QueryRefused
from kg.negotiation import choose
from kg.results import (
    GRAPH_SERIALIZERS,
    GRAPH_TYPES,
    RESULT_TYPES,
    content_type,
    serialize,
)
from kg.service_description import service_description

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def state() -> Any:
    return current_app.extensions["kg"]


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{what} is not valid UTF-8 (bad byte at offset {exc.start})") from None


def _fields(raw: bytes, what: str) -> dict[str, list[str]]:
    """Decode URL-encoded *raw* strictly as UTF-8 (werkzeug would replace bad bytes silently)."""
    try:
        pairs = parse_qsl(_text(raw, what), keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=200)
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{what} is not valid UTF-8 once percent-decoded ({exc.reason})") from None
    except ValueError as exc:
        raise BadRequest(f"{what}: {exc}") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _request_fields() -> tuple[dict[str, list[str]], str | None]:
    """Return the parameters of the request and the query sent as the body, if any."""
    fields = _fields(request.query_string, "the query string")
    if request.method != "POST":
        return fields, None
    media, charset = request.mimetype, request.mimetype_params.get("charset", "utf-8").lower()
    if media == UPDATE_BODY:
        raise QueryRefused(READ_ONLY)
    if media not in (FORM, QUERY_BODY):
        raise UnsupportedMediaType(f"send the query as {FORM} (query=…) or as {QUERY_BODY}, not {media or 'no type'}")
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the query must be sent in UTF-8, not {charset}")
    body = request.get_data(cache=False)
    if media == QUERY_BODY:
        return fields, _text(body, "the query")
    for name, values in _fields(body, "the form").items():
        fields.setdefault(name, []).extend(values)
    return fields, None


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name, [])
    if len(values) > 1:
        raise BadRequest(f"give one {name} parameter, not {len(values)}")
    return values[0] if values else None


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """Answer a query, or describe the service when there is none."""
    if request.method == "OPTIONS":
        return _preflight()
    fields, text = _request_fields()
    if "update" in fields:
        raise QueryRefused(READ_ONLY)
    if text is None:
        text = _one(fields, "query")
    if text is None:
        if request.method == "POST":
            raise BadRequest("no query: send query=… or a body of type application/sparql-query")
        return _describe_service()
    if len(text) > current_app.config["MAX_QUERY_LENGTH"]:
        raise RequestEntityTooLarge(f"the query is longer than {current_app.config['MAX_QUERY_LENGTH']} characters")
    kg = state()
    defaults, named = fields.get("default-graph-uri", []), fields.get("named-graph-uri", [])
    query = query_guard.check(text, kg.graph_names, defaults, named)
    g.query_kind = query_guard.kind(query)
    available = GRAPH_TYPES if g.query_kind in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    media = choose(available, request.headers.get("Accept"), _one(fields, "format"))
    result = kg.engine.query(text, default_graph_uris=defaults, named_graph_uris=named)
    response = Response(serialize(result, media), headers={"Content-Type": content_type(media), "Vary": "Accept"})
    if result.truncated:
        response.headers["KG-Result-Truncated"] = "true"
    return response


def _describe_service() -> Response:
    kg = state()
    endpoint = request.base_url
    limits = {"QUERY_TIMEOUT": float(current_app.config["QUERY_TIMEOUT"]),
              "QUERY_MEMORY_MB": int(current_app.config["QUERY_MEMORY_MB"]),
              "MAX_ROWS": int(current_app.config["MAX_ROWS"])}
    graph = service_description(endpoint, kg.base_iri, limits)
    media = choose((*GRAPH_TYPES, "text/html"), request.headers.get("Accept"), request.args.get("format"))
    if media == "text/html":
        html = render_template("sparql_service.html", endpoint=endpoint, limits=limits,
                               graphs=sorted(kg.graph_triples.items()), triples=kg.triples,
                               turtle=graph.serialize(format="turtle"))
        return Response(html, headers={"Content-Type": content_type(media), "Vary": "Accept"})
    return _rdf(graph, media)


def _rdf(graph: Graph, media: str) -> Response:
    body = graph.serialize(format=GRAPH_SERIALIZERS[media], encoding="utf-8")
    return Response(body, headers={"Content-Type": content_type(media), "Vary": "Accept"})


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type")
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description the build wrote (``build/void.ttl``), by content negotiation."""
    path = state().build_dir / "void.ttl"
    if not path.is_file():
        raise NotFound("the VoID description is missing from the build folder: run `kg build`")
    return _rdf(load_rdf(path, "turtle"), choose(GRAPH_TYPES, request.headers.get("Accept"), request.args.get("format")))


@bp.route("/health")
def health() -> Response:
    """200 with the number of triples once the dataset is loaded (the app exists only then)."""
    kg = state()
    return jsonify(status="ok", triples=kg.triples, graphs=kg.graph_triples)


@bp.after_app_request
def allow_any_origin(response: Response) -> Response:
    """CORS: browser clients on any origin may query the endpoint and read the descriptions."""
    if request.path in ("/sparql", "/.well-known/void", "/health"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "KG-Result-Truncated"
    return response
