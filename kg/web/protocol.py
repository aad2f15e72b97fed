"""The SPARQL 1.1 Protocol at ``/sparql``, the VoID description, ``/health`` and CORS.

- ``GET /sparql?query=…``, ``POST`` as ``application/x-www-form-urlencoded`` (``query=…``) or as
  ``application/sparql-query`` (the body is the query); ``default-graph-uri`` and
  ``named-graph-uri`` (in the URL or the form) choose the dataset.
- ``GET /sparql`` without a query: the Service Description (RDF, or HTML for browsers).
- ``format`` (``json``, ``xml``, ``csv``, ``tsv``, ``ttl``, ``nt``, ``jsonld``, ``rdfxml``) overrides ``Accept``.
- Errors: 400 bad query or parameters (a query sent both as the body and as a parameter, a
  malformed body), 403 refused query (update, SERVICE, foreign graph), 405 method, 406 no
  acceptable format, 413 request too large, 415 media type, 503 a limit reached (time, memory,
  rows, bytes, or every query process busy: with ``Retry-After``).

The query itself is checked, parsed, evaluated and serialised by the engine, in a query process;
this module only reads the request and negotiates the format for each query form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from rdflib import Graph
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotAcceptable,
    NotFound,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from kg.errors import QueryRefused
from kg.query.executor import Request
from kg.query.formats import BY_MEDIA, GRAPH_TYPES, RESULT_TYPES, content_type
from kg.web.negotiation import choose
from kg.web.service_description import service_description

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
    try:
        body = request.get_data(cache=False)
    except HTTPException:
        raise
    except Exception as exc:  # noqa: BLE001 - each WSGI server has its own classes for a malformed body
        raise BadRequest(f"the request body could not be read ({type(exc).__name__}: {exc}); "
                         "check its Content-Length or chunked encoding") from None
    if media == QUERY_BODY:
        if "query" in fields:
            raise BadRequest(f"send the query either as the {QUERY_BODY} body or as the query parameter, not both")
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
    results_media, graph_media, refusal = negotiate_forms(request.headers.get("Accept"), _one(fields, "format"))
    reply = kg.engine.answer(Request(
        text, results_media=results_media, graph_media=graph_media, not_acceptable=refusal,
        default_graph_uris=tuple(fields.get("default-graph-uri", [])),
        named_graph_uris=tuple(fields.get("named-graph-uri", []))))
    g.query_kind = reply.form
    return Response(reply.body, headers={"Content-Type": content_type(reply.media), "Vary": "Accept"})


def negotiate_forms(accept: str | None, fmt: str | None,
                    extra: tuple[str, ...] = ()) -> tuple[str | None, str | None, tuple[str, str]]:
    """The media type for SELECT/ASK and for CONSTRUCT/DESCRIBE answers (``None``: not acceptable).

    :param extra: media types offered after those of the engine (``text/html`` for the pages)
    :returns: the two media types and, for each, the message when it is ``None``
    :raises BadRequest: for a ``format`` that names no format at all
    """
    chosen: list[str | None] = []
    refusals: list[str] = []
    for offers in (RESULT_TYPES, GRAPH_TYPES):
        try:
            chosen.append(choose((*offers, *extra), accept, fmt))
            refusals.append("")
        except NotAcceptable as exc:
            chosen.append(None)
            refusals.append(str(exc.description))
    return chosen[0], chosen[1], (refusals[0], refusals[1])


def _describe_service() -> Response:
    kg = state()
    endpoint = kg.endpoint
    limits = {key: current_app.config[key] for key in
              ("QUERY_TIMEOUT", "QUERY_MEMORY_MB", "MAX_ROWS", "MAX_RESULT_BYTES", "MAX_QUERY_LENGTH")}
    graph = service_description(endpoint, kg.base_iri, limits, kg.graph_names, kg.engine.union_default_graph)
    media = choose((*GRAPH_TYPES, "text/html"), request.headers.get("Accept"), request.args.get("format"))
    if media == "text/html":
        html = render_template("sparql_service.html", endpoint=endpoint, limits=limits,
                               graphs=sorted(kg.graph_triples.items()), triples=kg.triples,
                               union=kg.engine.union_default_graph,
                               turtle=graph.serialize(format="turtle"))
        return Response(html, headers={"Content-Type": content_type(media), "Vary": "Accept"})
    return _rdf(graph, media)


def _rdf(graph: Graph, media: str) -> Response:
    body = graph.serialize(format=BY_MEDIA[media].rdflib or "turtle", encoding="utf-8")
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
    """The VoID description the build wrote (``build/void.ttl``, read at startup), by content negotiation."""
    void = state().void
    if void is None:
        raise NotFound("this dataset has no VoID description: the server was not started on a build folder "
                       "with void.ttl (run `kg build`)")
    return _rdf(void, choose(GRAPH_TYPES, request.headers.get("Accept"), request.args.get("format")))


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
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response
