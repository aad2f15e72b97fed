"""The project's exceptions: every user-facing error names where it happened."""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base error carrying the file, line and a message a person can act on.

    Prints as ``path:line: message`` (or ``path: message`` without a line).
    """

    #: CLI exit code for this kind of error
    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class InputError(KGError):
    """An input (annotation, ontology, shapes, query, RDF file) could not be read. Exit code 2."""

    exit_code = 2


class DataError(KGError):
    """The data was read but does not conform or is inconsistent. Exit code 1."""

    exit_code = 1


class QueryError(KGError):
    """A SPARQL query could not be parsed or run."""

    exit_code = 2


class QuerySyntaxError(QueryError):
    """A query that is not SPARQL: the message gives the line and column."""


class QueryRefused(QueryError):
    """A query the endpoint will not run: an update, SERVICE, or a graph that is not ours."""


class QueryLimitExceeded(QueryError):
    """A query that needed more time or memory than the limits allow, and was stopped."""


class QueryTimeout(QueryLimitExceeded):
    """A query that ran past the time limit and was stopped."""


class ResultNotAcceptable(QueryError):
    """A result that the format asked for cannot carry (a NUL in XML …); another format can."""


class QueryBusy(QueryLimitExceeded):
    """Every query process stayed busy for longer than a request may wait."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        #: seconds after which the client may try again
        self.retry_after = retry_after


class EngineFailure(KGError):
    """The engine failed on a query for a reason of ours (a crash, a bug): logged, answered 500."""


class InternalError(KGError):
    """A failure that is not the input's fault: memory ran out, or the program itself failed. Exit code 3."""

    exit_code = 3


class BuildBusy(KGError):
    """Another build is writing the same build folder. Exit code 4."""

    exit_code = 4
