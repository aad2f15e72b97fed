"""Run the benchmark: our endpoint and Oxigraph server, side by side, on the same data.

    python -m bench [--quick] [--datasets build,100000,1000000] [--clients 1,8] [--repeats 3]
                    [--duration 3] [--out FILE]

For each dataset (our build, synthetic data at the given sizes), each repeat starts each server
in turn (the order alternates between repeats), measures its start-up, sends every query (the
named queries in ``queries/`` and those in ``bench/queries/``) from 1 and 8 clients for a fixed
time, and records its peak memory. Prints a table of medians and ranges and writes the figures
as JSON (``bench/results/<time>.json`` unless ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import report, servers
from bench.load import probe, run_cell
from bench.synthetic import write_dataset

ROOT = Path(__file__).resolve().parent.parent
BENCH_QUERIES = Path(__file__).resolve().parent / "queries"
QUICK = {"datasets": "build,10000", "queries": "bench", "repeats": 2, "duration": 0.2, "timeout": 5.0}


@dataclass(frozen=True)
class Dataset:
    """One dataset: an RDF file for Oxigraph (and ``kg serve --data``), and for our build its folder."""

    name: str
    file: Path
    build_dir: Path | None = None


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"a short run: {', '.join(f'--{key} {value}' for key, value in QUICK.items())}")
    parser.add_argument("--datasets", default="build,100000,1000000",
                        help="comma-separated: 'build' (our build) and synthetic sizes in triples")
    parser.add_argument("--clients", default="1,8", help="comma-separated concurrencies")
    parser.add_argument("--repeats", type=int, default=3, help="runs of every server on every dataset")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per query and concurrency")
    parser.add_argument("--max-requests", type=int, default=5000, help="requests per query and concurrency at most")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="the query time limit given to both servers; a client waits this plus 5 s")
    parser.add_argument("--servers", default=f"{servers.OURS},{servers.OXIGRAPH}", help="which servers to run")
    parser.add_argument("--queries", default="named,bench",
                        help="comma-separated query names, or 'named' (queries/*.rq) and 'bench' (bench/queries/*.rq)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build", help="our build (built if missing)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic data")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data",
                        help="where synthetic data is written (and reused)")
    parser.add_argument("--ours-args", default="", help="extra options for kg serve, e.g. '--workers 2'")
    parser.add_argument("--out", type=Path, help="the JSON file to write; default bench/results/<time>.json")
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            if getattr(args, key) == parser.get_default(key):
                setattr(args, key, value)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    args.out = args.out or ROOT / "bench" / "results" / f"{stamp}.json"
    return args


def load_queries(keep: str) -> dict[str, str]:
    """The chosen queries by file stem: the project's named queries first, then the benchmark's own.

    :param keep: comma-separated query names or the groups ``named`` and ``bench``
    """
    groups = {"named": sorted((ROOT / "queries").glob("*.rq")), "bench": sorted(BENCH_QUERIES.glob("*.rq"))}
    found = {path.stem: path.read_text(encoding="utf-8") for paths in groups.values() for path in paths}
    wanted: list[str] = []
    for item in (name for name in keep.split(",") if name):
        wanted += [path.stem for path in groups[item]] if item in groups else [item]
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise SystemExit(f"unknown queries: {', '.join(unknown)} (known: {', '.join(found)})")
    return {name: found[name] for name in found if name in wanted}


def _datasets(args: argparse.Namespace) -> list[Dataset]:
    chosen = []
    for item in args.datasets.split(","):
        if item == "build":
            if not (args.build_dir / "dataset.trig").exists():
                print(f"{args.build_dir}/dataset.trig is missing: running kg build", flush=True)
                subprocess.run([sys.executable, "-m", "kg", "build", "--out", str(args.build_dir)], check=True)
            chosen.append(Dataset("build", args.build_dir / "dataset.trig", args.build_dir))
        else:
            size = int(item)
            path = args.data_dir / f"synthetic-{size}-seed{args.seed}.nq"
            if not path.exists():
                print(f"writing {path}", flush=True)
                write_dataset(path, size, args.seed)
            chosen.append(Dataset(f"synthetic {size:,}", path))
    return chosen


def _measure(running: servers.Running, queries: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Probe every query once (status, answer size), then load it at each concurrency."""
    results: dict[str, Any] = {"probe": {}, "cells": {}}
    wait = args.timeout + 5
    for name, text in queries.items():
        status, size, error = probe(running.target, text, wait)
        results["probe"][name] = {"status": status, "size": size, "error": error}
    for clients in [int(value) for value in args.clients.split(",")]:
        for name, text in queries.items():
            if results["probe"][name]["error"]:  # not loaded: it would only measure the time limit
                results["cells"].setdefault(str(clients), {})[name] = {
                    "requests": 0, "errors": 1, "seconds": 0.0, "throughput": 0.0, "p50": None, "p99": None,
                    "first_error": f"first answer: {results['probe'][name]['status']} {results['probe'][name]['error']}"}
                continue
            cell = run_cell(running.target, text, clients=clients, duration=args.duration,
                            max_requests=args.max_requests, timeout=wait)
            results["cells"].setdefault(str(clients), {})[name] = {
                "requests": len(cell.latencies), "errors": cell.errors, "seconds": cell.elapsed,
                "throughput": cell.throughput, "p50": cell.percentile(0.5), "p99": cell.percentile(0.99),
                "first_error": cell.first_error}
    return results


def _run_server(name: str, dataset: Dataset, store: Path | None, queries: dict[str, str],
                args: argparse.Namespace, log: Path, data_supported: bool) -> dict[str, Any]:
    port = servers.free_port()
    if name == servers.OURS:
        extra = ["--query-timeout", str(args.timeout), *shlex.split(args.ours_args)]
        command = servers.ours_command(port, build_dir=dataset.build_dir, data=dataset.file,
                                       extra=extra, data_supported=data_supported)
        running = servers.start(name, command, "/sparql", port, log)
    else:
        assert store is not None
        running = servers.start(name, servers.oxigraph_serve_command(store, port, args.timeout), "/query", port, log)
    try:
        measured = _measure(running, queries, args)
    finally:
        peak = running.stop()
    return {"startup": running.startup, "peak_rss": peak, **measured}


def run(args: argparse.Namespace) -> dict[str, Any]:
    queries = load_queries(args.queries)
    names = [name for name in args.servers.split(",") if name]
    data_supported = servers.OURS in names and servers.ours_serves_files()
    output: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "options": {key: str(value) for key, value in vars(args).items()},
        "queries": list(queries), "datasets": {}}
    log = args.out.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        for dataset in _datasets(args):
            entry: dict[str, Any] = {"file": str(dataset.file), "runs": {name: [] for name in names},
                                     "unsupported": {}}
            output["datasets"][dataset.name] = entry
            store = None
            if servers.OXIGRAPH in names:
                store = Path(scratch) / f"oxigraph-{len(output['datasets'])}"
                entry["oxigraph_load_seconds"] = servers.oxigraph_load(dataset.file, store, log)
            for repeat in range(args.repeats):
                order = names if repeat % 2 == 0 else names[::-1]
                for name in order:
                    if name in entry["unsupported"]:
                        continue
                    print(f"{dataset.name}: {name}, run {repeat + 1} of {args.repeats}", flush=True)
                    try:
                        entry["runs"][name].append(_run_server(name, dataset, store, queries, args, log,
                                                               data_supported))
                    except (servers.Unsupported, RuntimeError) as exc:
                        entry["unsupported"][name] = str(exc)
                        print(f"  {name} not run on {dataset.name}: {exc}", flush=True)
        output["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        output["summary"] = report.summarize(output)
    return output


def main(argv: list[str] | None = None) -> None:
    args = _options(argv)
    output = run(args)
    print(report.table(output))
    partial = args.out.with_name(args.out.name + ".partial")
    partial.write_text(json.dumps(output, indent=1), encoding="utf-8")
    partial.replace(args.out)
    print(f"figures written to {args.out} (server output in {args.out.with_suffix('.log')})")


if __name__ == "__main__":
    main()
