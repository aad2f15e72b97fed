"""Measure how the endpoint behaves while a pathological query runs.

Starts ``kg serve`` on 127.0.0.1 (a free port), sends a cross product of four unrelated triple
patterns, and meanwhile sends a simple query over and over. Prints the median and 95th percentile
latency of the simple query while the pathological one runs, and how long the pathological one
took to be stopped (with the status it got).

    python benchmarks/timeout_latency.py [--build-dir build] [--query-timeout 5] [--workers 2] [--threads 8]
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = ("SELECT ?label WHERE { <https://w3id.org/diplomacy-kg/id/russia> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
ADDRESS = re.compile(r"on http://127\.0\.0\.1:(\d+)/")


def get(port: int, query: str, timeout: float) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start(args: argparse.Namespace, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    command = [sys.executable, "-m", "kg", "serve", "--port", "0", "--no-build", "--build-dir", str(args.build_dir),
               "--query-timeout", str(args.query_timeout), "--workers", str(args.workers), "--threads", str(args.threads)]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = ADDRESS.search(log.read_text(errors="replace"))
        if found:
            port = int(found.group(1))
            try:
                if get(port, "ASK {}", 2)[0] == 200:
                    return process, port
            except OSError:
                pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"kg serve did not start:\n{log.read_text()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--query-timeout", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        process, port = start(args, Path(folder) / "server.log")
        try:
            idle = [_timed(port) for _ in range(20)]
            outcome: dict[str, object] = {}

            def slow() -> None:
                started = time.monotonic()
                outcome["status"], outcome["body"] = get(port, CROSS_PRODUCT, args.query_timeout + 60)
                outcome["seconds"] = time.monotonic() - started

            thread = threading.Thread(target=slow)
            thread.start()
            time.sleep(0.2)
            busy = []
            while thread.is_alive() and len(busy) < 10_000:
                busy.append(_timed(port))
            thread.join()
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"dataset: {args.build_dir / 'dataset.trig'}; time limit {args.query_timeout:g} s; "
          f"{args.workers} workers x {args.threads} threads")
    print(f"simple query, idle server:        median {_ms(statistics.median(idle))}, "
          f"p95 {_ms(_p95(idle))} ({len(idle)} queries)")
    print(f"simple query, during slow query:  median {_ms(statistics.median(busy))}, "
          f"p95 {_ms(_p95(busy))}, max {_ms(max(busy))} ({len(busy)} queries)")
    print(f"pathological query: HTTP {outcome['status']} after {outcome['seconds']:.2f} s: "
          f"{bytes(outcome['body']).decode().strip()}")  # type: ignore[arg-type]


def _timed(port: int) -> float:
    started = time.monotonic()
    status, _ = get(port, SIMPLE, 30)
    if status != 200:
        raise SystemExit(f"the simple query failed with HTTP {status}")
    return time.monotonic() - started


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
