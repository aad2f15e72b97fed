"""Start, time, watch and stop the two servers: ours (``kg serve``) and Oxigraph server.

Start-up time is from the process start to the first successful answer to ``ASK {}``. Memory is
the resident set of the server's whole process tree (workers and query processes included),
sampled while it runs; the peak is reported.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.load import Target, probe

OURS = "ours"
OXIGRAPH = "oxigraph"
READY_QUERY = "ASK {}"


class Unsupported(Exception):
    """This server cannot serve this dataset (the message says why)."""


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_command() -> str:
    """The ``oxigraph`` command beside this Python, else on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise Unsupported("the oxigraph command is missing: pip install oxigraph")
    return found


def ours_serves_files() -> bool:
    """Whether the installed ``kg serve`` has the ``--data FILE`` option."""
    help_text = subprocess.run([sys.executable, "-m", "kg", "serve", "--help"], capture_output=True,
                               text=True, timeout=60, check=False).stdout
    return "--data" in help_text


def oxigraph_load(data: Path, location: Path, log: Path) -> float:
    """Load ``data`` into a new Oxigraph store at ``location``; return the seconds it took."""
    started = time.monotonic()
    with log.open("ab") as out:
        subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file", str(data)],
                       stdout=out, stderr=subprocess.STDOUT, check=True, timeout=3600)
    return time.monotonic() - started


def ours_command(port: int, *, build_dir: Path | None, data: Path | None, extra: Sequence[str],
                 data_supported: bool) -> list[str]:
    """``kg serve`` on a build folder (as built) or on an RDF file (``--data``)."""
    command = [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if build_dir is not None:
        command += ["--build-dir", str(build_dir), "--no-build"]
    elif data is not None and data_supported:
        command += ["--data", str(data)]
    else:
        raise Unsupported("the installed kg serve has no --data option, so it serves only its own build")
    return command + list(extra)


def oxigraph_serve_command(location: Path, port: int, timeout: float) -> list[str]:
    """Oxigraph server, read-only, the default graph the union of the named graphs (as ours)."""
    return [oxigraph_command(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph", "--timeout-s", str(max(1, round(timeout)))]


class MemoryWatch:
    """Samples the resident memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.peak = 0
        self._process = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        try:
            for process in [self._process, *self._process.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self._interval)

    def start(self) -> MemoryWatch:
        self._thread.start()
        return self

    def stop(self) -> int:
        self.peak = max(self.peak, self._sample())
        self._stop.set()
        self._thread.join(5)
        return self.peak


@dataclass
class Running:
    """A started server: its process, where it answers, how long it took to answer, its memory."""

    name: str
    process: subprocess.Popen[bytes]
    target: Target
    startup: float
    memory: MemoryWatch

    def stop(self) -> int:
        """Stop the server (TERM, then KILL after 15 s); return its peak resident memory in bytes."""
        peak = self.memory.stop()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        return peak


def start(name: str, command: list[str], path: str, port: int, log: Path, *,
          env: dict[str, str] | None = None, deadline: float = 300.0) -> Running:
    """Start ``command`` and wait until it answers ``ASK {}`` at ``path``; raise if it exits or times out."""
    target = Target("127.0.0.1", port, path)
    out = log.open("ab")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    out.close()
    memory = MemoryWatch(process.pid).start()
    while time.monotonic() - started < deadline:
        if process.poll() is not None:
            memory.stop()
            raise RuntimeError(f"{name} exited with {process.returncode} before answering; see {log}")
        status, _, _ = probe(target, READY_QUERY, timeout=5)
        if status == 200:
            return Running(name, process, target, time.monotonic() - started, memory)
        time.sleep(0.05)
    Running(name, process, target, 0.0, memory).stop()
    raise RuntimeError(f"{name} did not answer within {deadline:.0f} s; see {log}")
