"""A query process: ``python -m kg.query.worker SPEC`` (started by :mod:`kg.query.pool`).

It asks the kernel to kill it when the process that started it dies (``PR_SET_PDEATHSIG``), opens
the store read-only, limits its address space (``RLIMIT_AS``) and, before each query, its CPU time
(``RLIMIT_CPU``: the time limit plus a second, as a backstop to the parent's clock), then answers
requests from its socket one at a time. Everything a query costs (parsing, evaluation,
serialisation) happens here, inside these limits.

Messages: the parent sends a pickled :class:`kg.query.executor.Request`; the worker answers
``("ok", form, media)`` followed by the body, or ``("error", kind, message)`` with ``kind`` one of
``syntax``, ``query``, ``refused``, ``limit``, ``unacceptable``, ``failure``.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import pickle
import resource
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.errors import EngineFailure, KGError, QueryLimitExceeded, QueryRefused, QuerySyntaxError, ResultNotAcceptable
from kg.query.executor import Executor, Request

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel send SIGKILL to this process when its parent ends; exit if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))


def limit_memory(megabytes: int) -> None:
    """Let the address space grow by at most *megabytes* beyond its size now."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + megabytes * 1024 * 1024, hard))


def limit_cpu(seconds: float) -> None:
    """Let this process use at most *seconds* more CPU time (then the kernel sends SIGXCPU)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))


def error_kind(exc: KGError) -> str:
    """The name under which an error crosses the socket (see the module docstring)."""
    for cls, kind in ((QueryRefused, "refused"), (QueryLimitExceeded, "limit"), (QuerySyntaxError, "syntax"),
                      (ResultNotAcceptable, "unacceptable"), (EngineFailure, "failure")):
        if isinstance(exc, cls):
            return kind
    return "query"


def answer(executor: Executor, request: Request) -> tuple[tuple[Any, ...], bytes | None]:
    """The header and body that answer *request*."""
    try:
        reply = executor.run(request)
    except KGError as exc:
        return ("error", error_kind(exc), exc.message), None
    except MemoryError:
        return ("error", "limit", "memory"), None
    except RecursionError:
        return ("error", "syntax", "the query is nested too deeply to be evaluated"), None
    return ("ok", reply.form, reply.media), reply.body


def serve(connection: Connection, executor: Executor, timeout: float) -> None:
    """Answer requests until the socket closes."""
    while True:
        try:
            request = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        limit_cpu(timeout + 1)
        header, body = answer(executor, request)
        connection.send_bytes(pickle.dumps(header))
        if body is not None:
            connection.send_bytes(body)


def main(argv: list[str]) -> None:
    spec = json.loads(argv[1])
    die_with_parent(int(spec["parent"]))
    sys.setrecursionlimit(10_000)
    connection = Connection(int(spec["fd"]))
    store = ox.Store.read_only(spec["store"])
    executor = Executor(store, union_default_graph=bool(spec["union"]), max_rows=int(spec["max_rows"]),
                        max_bytes=int(spec["max_bytes"]))
    executor.graph_names()
    limit_memory(int(spec["memory_mb"]))
    connection.send_bytes(pickle.dumps(("ready", os.getpid())))
    serve(connection, executor, float(spec["timeout"]))


if __name__ == "__main__":
    main(sys.argv)
