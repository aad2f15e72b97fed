"""The ``kg`` command (also ``python -m kg``): build, validate, query and serve the graph.

Results go to standard output, errors to standard error as ``Error: file:line: message``.
Exit codes: 0 ok, 1 the data does not conform or is inconsistent, 2 an input could not be read,
3 memory ran out or the program failed (an internal error), 4 another build holds the build folder,
130 interrupted.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

import click

from kg import paths
from kg.build import build as run_build
from kg.build import is_stale
from kg.errors import InternalError, KGError, QueryError
from kg.query.engine import decode_reply
from kg.query.executor import Request
from kg.query.formats import TERMS
from kg.query.limits import Limits
from kg.query.named import load_queries
from kg.query.oxigraph import OxigraphEngine
from kg.query.store import STORE_DIR
from kg.shacl import format_report
from kg.rdfio import namespaces
from kg.tables import FORMATS, GRAPH_MEDIA, RESULT_MEDIA, to_table
from kg.validate import validate_files


def _internal_error(exc: BaseException, command: str) -> InternalError:
    """Describe a failure of the program itself, naming where it happened (the innermost frame).

    :param command: the subcommand that failed
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return InternalError(
        f"internal error in `kg {command}`: {type(exc).__name__}{': ' + detail if detail else ''}{where}; "
        "the program failed on this input: please report it with the command and the input "
        "(KG_DEBUG=1 prints the traceback)"
    )


def _out_of_memory(command: str) -> InternalError:
    """Say that memory ran out in *command* and what can be done."""
    return InternalError(
        f"out of memory in `kg {command}`: it needed more memory than this process may use; "
        "free memory or raise the limit (ulimit -v, the container's memory limit), or build fewer articles at once"
    )


class KGGroup(click.Group):
    """A click group that reports our errors as ``Error: …`` with the error's exit code.

    Running out of memory and failures of the program itself exit with code 3 and a one-line
    message (never a traceback, which ``KG_DEBUG=1`` restores); an interrupt exits with 130.
    """

    def invoke(self, ctx: click.Context) -> Any:
        failure: KGError
        try:
            return super().invoke(ctx)
        except KGError as exc:
            failure = exc
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except MemoryError:
            # leaving this block frees the frames that held the memory, so the message can be printed
            failure = _out_of_memory(ctx.invoked_subcommand or "")
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last resort: a message and exit code 3, not a traceback
            if os.environ.get("KG_DEBUG"):
                traceback.print_exc()
            failure = _internal_error(exc, ctx.invoked_subcommand or "")
        click.echo(f"Error: {failure}", err=True)
        ctx.exit(failure.exit_code)


@click.group(cls=KGGroup)
@click.version_option(package_name="diplomacy-kg")
def main() -> None:
    """Build, check, query and serve the diplomacy knowledge graph."""


@main.command()
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder of articles and their annotations (repeatable). Default: data/articles.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="The output folder. Default: build.")
@click.option("--base-iri", help="The base of every minted IRI. Default: https://w3id.org/diplomacy-kg/.")
def build(data_dirs: tuple[Path, ...], out: Path | None, base_iri: str | None) -> None:
    """Read the annotated articles, check them and write the graph to the build folder."""
    summary = run_build({"DATA_DIR": list(data_dirs), "BUILD_DIR": out, "BASE_IRI": base_iri})
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.option("--articles", "count", type=click.IntRange(min=1), required=True, help="How many articles to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write the corpus into (created; build it with kg build --data DIR).")
@click.option("--seed", type=int, default=1, show_default=True, help="The seed: the same seed gives the same files.")
def synth(count: int, out: Path, seed: int) -> None:
    """Write a synthetic corpus of COUNT articles in the annotation format, for scale tests.

    Example: kg synth --articles 100 --out /tmp/corpus && kg build --data /tmp/corpus --out /tmp/build
    """
    from kg.synth import Generator

    files = Generator(count, seed).write(out)
    click.echo(f"wrote {files} files ({count} articles and their texts, and the shared entities) to {out}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the standard SHACL validation report (Turtle) to this file.")
def validate(files: tuple[Path, ...], report: Path | None) -> None:
    """Check RDF FILES (any format rdflib reads, by extension) against the ontology and the shapes.

    Exits with 0 when the data conforms, 1 when it does not or is inconsistent, 2 when a file
    cannot be read.
    """
    result = validate_files(list(files))
    click.echo(format_report(result), nl=False)
    if report is not None:
        report.write_text(result.graph.serialize(format="turtle"), encoding="utf-8")
    if not result.conforms:
        raise click.exceptions.Exit(1)


def _query_text(query: str) -> tuple[str, str]:
    """Return the SPARQL text and its source for a query name, a ``.rq`` file or a query text."""
    named = load_queries(paths.queries_dir())
    if query in named:
        return named[query].text, str(named[query].path)
    if query.endswith(".rq"):
        path = Path(query)
        try:
            return path.read_text(encoding="utf-8"), query
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"cannot read {query}: {exc}") from exc
    if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        known = ", ".join(named) or "none"
        raise click.BadParameter(f"{query!r} is not a named query ({known}), a .rq file or a SPARQL query")
    return query, "query"


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table (aligned text), csv, tsv or json (SPARQL 1.1 results formats).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: build.")
def query(query: str, fmt: str, build_dir: Path | None) -> None:
    """Run QUERY (a named query in queries/, a .rq file, or SPARQL text) on the built graph.

    The query goes through the same checks and limits as on the endpoint (KG_QUERY_TIMEOUT,
    KG_MAX_ROWS …). The default graph is the union of the named graphs. Builds first if the build
    folder is missing.
    """
    text, source = _query_text(query)
    config: dict[str, Any] = {"BUILD_DIR": build_dir}
    target = paths.build_dir(config) / STORE_DIR
    if not target.exists():
        click.echo(f"{target} is missing: building it first", err=True)
        for line in run_build(config).lines():
            click.echo(line, err=True)
    settings = {key[3:]: os.environ[key] for key in os.environ if key.startswith("KG_")}
    engine = OxigraphEngine(target, Limits.from_config({**settings, "QUERY_WORKERS": 1}), union_default_graph=True)
    names = namespaces()
    request = Request(text, results_media=RESULT_MEDIA[fmt], graph_media=GRAPH_MEDIA[fmt],
                      prefixes={prefix: str(namespace) for prefix, namespace in names.namespaces()})
    try:
        reply = engine.answer(request)
    except QueryError as exc:
        raise QueryError(exc.message, source, exc.line) from None
    finally:
        engine.close()
    if reply.media == TERMS:
        click.echo(to_table(decode_reply(reply), names), nl=False)
    else:
        body = reply.body.decode("utf-8")
        click.echo(body if body.endswith("\n") else body + "\n", nl=False)


@main.command()
@click.option("--host", envvar="KG_HOST", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", envvar="KG_PORT", type=int, default=5000, show_default=True, help="Port (0: any free port).")
@click.option("--workers", envvar="KG_WORKERS", type=int, default=2, show_default=True, help="Worker processes.")
@click.option("--threads", envvar="KG_THREADS", type=int, default=8, show_default=True, help="Threads per worker.")
@click.option("--query-timeout", envvar="KG_QUERY_TIMEOUT", type=float, help="Seconds a query may run. Default: 10.")
@click.option("--build-dir", envvar="KG_BUILD_DIR", type=click.Path(file_okay=False, path_type=Path),
              help="The built dataset. Default: build/.")
@click.option("--no-build", is_flag=True, help="Serve the build folder as it is, even if older than its sources.")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Serve this RDF file (Turtle, TriG, N-Triples, N-Quads; repeatable) instead of the build: "
                   "triples go to the default graph, quads keep their graph. A folder holding an Oxigraph "
                   "store is served as it is.")
@click.option("--union-default-graph/--no-union-default-graph", default=None,
              help="Whether the default graph is the union of all graphs. Default: yes for the build "
                   "(all its data is in named graphs), no for --data.")
def serve(host: str, port: int, workers: int, threads: int, query_timeout: float | None,
          build_dir: Path | None, no_build: bool, data_files: tuple[Path, ...],
          union_default_graph: bool | None) -> None:
    """Serve the graph (SPARQL endpoint, linked data, editor) with gunicorn; build it first if stale."""
    from kg.serve import serve as run_server

    config: dict[str, Any] = {"BUILD_DIR": build_dir, "QUERY_TIMEOUT": query_timeout,
                              "DATA_FILES": list(data_files) or None, "UNION_DEFAULT_GRAPH": union_default_graph}
    missing_store = not (paths.build_dir(config) / STORE_DIR).exists()
    if not data_files and not no_build and (is_stale(config) or missing_store):
        click.echo("The build is missing or older than its sources: building first.")
        for line in run_build(config).lines():
            click.echo(line)
    run_server(host=host, port=port, workers=workers, threads=threads, config=config)


@main.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The annotation file to write. Default: <id>.yaml beside the article.")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folders whose annotation files hold the nodes to link to (repeatable). Default: data/articles.")
@click.option("--force", is_flag=True, help="Overwrite the annotation file if it exists.")
def draft(article: Path, out: Path | None, data_dirs: tuple[Path, ...], force: bool) -> None:
    """Write a draft annotation for the Russian ARTICLE text (<id>.<lang>.txt): entities linked to the
    graph's nodes or proposed, figures with bounds and units, periods, claims with modality and
    attribution. Every proposal carries a `draft` key to confirm before `kg build` accepts the file.
    """
    from kg.draft.run import draft_file

    summary = draft_file(article, out, list(data_dirs) or [paths.data_dir()], force)
    click.echo(summary)


@main.command()
@click.argument("annotation", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folders whose nodes are offered as links (repeatable). Default: data/articles.")
def review(annotation: Path, port: int, data_dirs: tuple[Path, ...]) -> None:
    """Confirm the draft ANNOTATION (a .yaml file, or its article text) in a local page on 127.0.0.1."""
    from kg.draft.review import serve_review

    serve_review(annotation, port, list(data_dirs) or [paths.data_dir()], click.echo)


@main.command()
@click.argument("annotation", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1)
@click.option("--all", "confirm_all", is_flag=True, help="Confirm every proposal left in the file.")
def confirm(annotation: Path, paths: tuple[str, ...], confirm_all: bool) -> None:
    """Confirm proposals of the draft ANNOTATION: delete the `draft` keys at PATHS (as `kg build`
    names them, e.g. `claims.putin-arrival` or `mentions.russia[0]`), or all of them with --all.
    Comments and order are kept; the file is rewritten atomically.
    """
    from kg.draft.confirm import confirm_paths

    left = confirm_paths(annotation, list(paths), confirm_all)
    click.echo(f"{annotation}: {left} proposals left to confirm")
