"""A bounded pool of reused query processes, and the admission control of the server.

Each server process has its own pool (made on first use after a fork, so the processes of a
pool always belong to the process that talks to them). A request takes an idle query process,
waiting at most ``queue_timeout`` seconds (then :class:`kg.errors.QueryBusy`, answered 503 with
``Retry-After``), sends it the query and waits for the answer. When the answer does not come
within the time limit, or the process grows past its memory limit, the process is killed, the
request gets a 503 naming the limit, and a fresh process takes its place. One long-lived thread
starts the processes: ``PR_SET_PDEATHSIG`` follows the thread that started a process, so the
processes live exactly as long as that thread's process.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import (
    EngineFailure,
    QueryBusy,
    QueryError,
    QueryLimitExceeded,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultNotAcceptable,
)
from kg.query.executor import Request
from kg.query import store as stores
from kg.query.limits import Limits

log = logging.getLogger("kg.query")

#: seconds a new query process may take to open the store
STARTUP_TIMEOUT = 60.0
#: seconds between two looks at a busy process's memory
WATCH_INTERVAL = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_ERRORS: dict[str, type[QueryError]] = {"syntax": QuerySyntaxError, "query": QueryError, "refused": QueryRefused,
                                        "limit": QueryLimitExceeded, "unacceptable": ResultNotAcceptable}


@dataclass
class _Process:
    popen: subprocess.Popen[bytes]
    connection: Connection
    #: resident bytes once the store was open
    baseline: int = 0

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.popen.pid}/statm", encoding="ascii") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self) -> None:
        try:
            self.popen.kill()
        except OSError:
            pass
        self.connection.close()
        self.popen.wait()


class Pool:
    """Query processes over the store at *store* (see the module docstring).

    :param union_default_graph: whether the default graph is the union of all graphs
    """

    def __init__(self, store: Path, limits: Limits, *, union_default_graph: bool) -> None:
        self.store = store
        self.limits = limits
        self.union_default_graph = union_default_graph
        self._owner = -1
        self._lock = threading.Lock()

    def _reset(self) -> None:
        """Start afresh in this process (the first time, and in the child after a fork)."""
        self._owner = os.getpid()
        self._idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        #: every live process of this pool, idle or busy, by pid
        self._processes: dict[int, _Process] = {}
        self._alive = 0
        self._failure: str | None = None
        self._spawns: queue.Queue[int | None] = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name="kg-query-spawner", daemon=True)
        self._spawner.start()
        self._spawns.put(self.limits.workers)

    def start(self) -> None:
        """Start the processes now rather than at the first query (they start in the background)."""
        with self._lock:
            if self._owner != os.getpid():
                self._reset()

    def pids(self) -> list[int]:
        """The process ids of this pool's query processes (for monitoring and tests)."""
        with self._lock:
            return sorted(self._processes) if self._owner == os.getpid() else []

    def close(self) -> None:
        """Stop every idle process and the spawner (busy ones stop when their query returns)."""
        with self._lock:
            if self._owner != os.getpid():
                return
            self._owner = -1
            self._spawns.put(None)
            while True:
                try:
                    self._idle.get_nowait().kill()
                except queue.Empty:
                    break

    def _give_back(self, process: _Process) -> None:
        """Put *process* back among the idle ones, or end it when the pool was closed meanwhile."""
        with self._lock:
            if self._owner == os.getpid():
                self._idle.put(process)
                return
        process.kill()

    def _spec(self, fd: int) -> str:
        return json.dumps({"parent": os.getpid(), "fd": fd, "store": str(self.store),
                           # a store that holds the union as its default graph needs no union at query time
                           "union": self.union_default_graph and not stores.has_union(self.store),
                           "max_rows": self.limits.max_rows,
                           "max_bytes": self.limits.max_bytes, "memory_mb": self.limits.memory_mb,
                           "timeout": self.limits.timeout})

    def _spawn_loop(self) -> None:
        owner = os.getpid()
        while True:
            count = self._spawns.get()
            if count is None or os.getpid() != owner:
                return
            started = []
            for _ in range(count):
                ours, theirs = socket.socketpair()
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                    p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}
                popen = subprocess.Popen([sys.executable, "-m", "kg.query.worker", self._spec(theirs.fileno())],
                                         pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
                theirs.close()
                started.append(_Process(popen, Connection(ours.detach())))
            for process in started:
                self._welcome(process)

    def _welcome(self, process: _Process) -> None:
        try:
            ready = process.connection.poll(STARTUP_TIMEOUT) and pickle.loads(process.connection.recv_bytes())
        except (EOFError, OSError):
            ready = None
        if not ready or ready[0] != "ready":
            process.kill()
            self._failure = f"a query process could not open the store {self.store} (exit code {process.popen.returncode})"
            log.error("%s", self._failure)
            return
        process.baseline = process.rss()
        with self._lock:
            self._alive += 1
            self._failure = None
            self._processes[process.popen.pid] = process
        self._give_back(process)

    def _replace(self, process: _Process) -> None:
        process.kill()
        with self._lock:
            self._alive -= 1
            self._processes.pop(process.popen.pid, None)
        if self._owner == os.getpid():
            self._spawns.put(1)

    def run(self, request: Request) -> tuple[str, str, bytes]:
        """Answer *request* in a query process: ``(form, media, body)``.

        :raises QueryBusy: when no process became free within the queue timeout
        :raises QueryTimeout: when the answer did not come within the time limit
        :raises QueryLimitExceeded: for the memory limit, and the limits the process enforces
        :raises EngineFailure: when the process died for another reason
        """
        self.start()
        # while no process is up yet (at start, or when all are being replaced), wait for one to start
        wait = self.limits.queue_timeout if self._alive else max(self.limits.queue_timeout, STARTUP_TIMEOUT)
        process = self._take(time.monotonic() + wait)
        try:
            answer = self._ask(process, request)
        except _Healthy as reported:
            self._give_back(process)
            raise reported.error from None
        except BaseException:
            self._replace(process)
            raise
        self._give_back(process)
        return answer

    def _take(self, deadline: float) -> _Process:
        """An idle process, waiting until *deadline*."""
        while True:
            try:
                return self._idle.get(timeout=min(0.1, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if self._failure and not self._alive:
                    raise EngineFailure(self._failure) from None
                if time.monotonic() >= deadline:
                    raise QueryBusy(f"all {self.limits.workers} query processes stayed busy for "
                                    f"{self.limits.queue_timeout:g} s; try again in a moment") from None

    def _ask(self, process: _Process, request: Request) -> tuple[str, str, bytes]:
        deadline = time.monotonic() + self.limits.timeout
        connection = process.connection
        try:
            connection.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            header = pickle.loads(self._receive(process, deadline, 4096))
            if header[0] == "error":
                _, kind, message = header
                if kind == "limit" and message == "memory":
                    raise _Healthy(QueryLimitExceeded(self._memory_message()))
                if kind == "failure":
                    raise _Healthy(EngineFailure(message))
                raise _Healthy(_ERRORS[kind](message))
            body = self._receive(process, deadline, self.limits.max_bytes + 1)
        except (EOFError, OSError):
            raise self._death(process) from None
        return header[1], header[2], body

    def _receive(self, process: _Process, deadline: float, maxlength: int) -> bytes:
        connection = process.connection
        ceiling = process.baseline + self.limits.memory_mb * 1024 * 1024
        while not connection.poll(min(WATCH_INTERVAL, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise QueryTimeout(f"query exceeded the time limit of {self.limits.timeout:g} s")
            if process.rss() > ceiling:
                raise QueryLimitExceeded(self._memory_message())
            if process.popen.poll() is not None:
                raise EOFError
        return connection.recv_bytes(maxlength)

    def _memory_message(self) -> str:
        return f"query exceeded the memory limit of {self.limits.memory_mb} MB"

    def _death(self, process: _Process) -> QueryError | EngineFailure:
        try:
            code = process.popen.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        if code == -signal.SIGXCPU:
            return QueryTimeout(f"query exceeded the time limit of {self.limits.timeout:g} s")
        if code == -signal.SIGABRT:  # Rust aborts when an allocation fails under RLIMIT_AS
            return QueryLimitExceeded(self._memory_message())
        log.error("a query process ended while answering (exit code %s)", code)
        return EngineFailure(f"the query process ended while answering (exit code {code})")


class _Healthy(Exception):
    """An error the process reported: the process itself is fine."""

    def __init__(self, error: Any) -> None:
        super().__init__(str(error))
        self.error = error
