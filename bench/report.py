"""Medians, ranges and ratios of the benchmark's runs, and the table that prints them.

Every figure is summarised over the repeats as its median and its range (min–max). The ratio is
ours/Oxigraph of the medians: above 1 is better for throughput, below 1 for latency. The row
``all`` is the harmonic mean of the per-query throughputs of a run, over the queries that every
server answered in every run: the rate of a client that sends each of those queries in turn.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.servers import OURS, OXIGRAPH

MB = 1024 * 1024


def _stat(values: list[float]) -> dict[str, float] | None:
    values = [value for value in values if value is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def _harmonic(values: list[float]) -> float:
    return 0.0 if not values or min(values) <= 0 else statistics.harmonic_mean(values)


def _ratio(ours: dict[str, float] | None, theirs: dict[str, float] | None) -> float | None:
    if not ours or not theirs or not theirs["median"]:
        return None
    return ours["median"] / theirs["median"]


def _answered(entry: dict[str, Any]) -> dict[str, set[str]]:
    """Per concurrency, the queries that every server answered in every run."""
    common: dict[str, set[str]] = {}
    for runs in entry["runs"].values():
        for run in runs:
            for clients, cells in run["cells"].items():
                answered = {query for query, cell in cells.items() if cell["throughput"] > 0 and not cell["errors"]}
                common[clients] = common[clients] & answered if clients in common else answered
    return common


def _server_summary(runs: list[dict[str, Any]], common: dict[str, set[str]]) -> dict[str, Any]:
    summary: dict[str, Any] = {"startup": _stat([run["startup"] for run in runs]),
                               "peak_rss_mb": _stat([run["peak_rss"] / MB for run in runs]), "clients": {}}
    if not runs:
        return summary
    for clients, cells in runs[0]["cells"].items():
        rows: dict[str, Any] = {}
        for query in cells:
            per_run = [run["cells"][clients][query] for run in runs]
            rows[query] = {"throughput": _stat([cell["throughput"] for cell in per_run]),
                           "p50": _stat([cell["p50"] for cell in per_run]),
                           "p99": _stat([cell["p99"] for cell in per_run]),
                           "errors": sum(cell["errors"] for cell in per_run),
                           "first_error": next((cell["first_error"] for cell in per_run if cell["first_error"]), ""),
                           "size": runs[0]["probe"][query]["size"]}
        rows["all"] = {"throughput": _stat([_harmonic([cell["throughput"] for query, cell in run["cells"][clients].items()
                                                       if query in common.get(clients, set())]) for run in runs]),
                       "errors": sum(row["errors"] for row in rows.values()),
                       "size": f"{len(common.get(clients, set()))} queries"}
        summary["clients"][clients] = rows
    return summary


def summarize(output: dict[str, Any]) -> dict[str, Any]:
    """Per dataset: each server's start-up, memory and per-query figures, and the ratios."""
    summary: dict[str, Any] = {}
    for name, entry in output["datasets"].items():
        common = _answered(entry)
        per_server = {server: _server_summary(runs, common) for server, runs in entry["runs"].items() if runs}
        ratios: dict[str, Any] = {}
        if OURS in per_server and OXIGRAPH in per_server:
            for clients, rows in per_server[OURS]["clients"].items():
                theirs = per_server[OXIGRAPH]["clients"].get(clients, {})
                ratios[clients] = {query: {"throughput": _ratio(row.get("throughput"),
                                                                theirs.get(query, {}).get("throughput")),
                                           "p99": _ratio(row.get("p99"), theirs.get(query, {}).get("p99"))}
                                   for query, row in rows.items()}
        summary[name] = {"servers": per_server, "ratios": ratios, "unsupported": entry["unsupported"]}
    return summary


def _range(stat: dict[str, float] | None, scale: float = 1.0, digits: int = 1) -> str:
    if not stat:
        return "-"
    return (f"{stat['median'] * scale:.{digits}f} ({stat['min'] * scale:.{digits}f}–"
            f"{stat['max'] * scale:.{digits}f})")


def _ms(row: dict[str, Any] | None) -> str:
    if not row or not row.get("p50"):
        return "-"
    return f"{row['p50']['median'] * 1000:.1f} / {row['p99']['median'] * 1000:.1f}"


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(output: dict[str, Any]) -> str:
    """The summary as fixed-width text."""
    lines: list[str] = []
    for name, data in output["summary"].items():
        entry = output["datasets"][name]
        load = entry.get("oxigraph_load_seconds")
        lines += ["", f"== {name}: {entry['file']}" + (f" (oxigraph load {load:.1f} s)" if load else "")]
        for server, reason in data["unsupported"].items():
            lines.append(f"   {server}: not run: {reason}")
        lines.append(f"   {'server':<10} {'start-up s':<22} {'peak RSS MB':<22}")
        for server, summary in data["servers"].items():
            lines.append(f"   {server:<10} {_range(summary['startup'], digits=2):<22} "
                         f"{_range(summary['peak_rss_mb'], digits=0):<22}")
        servers = list(data["servers"])
        if not servers:
            continue
        for clients in data["servers"][servers[0]]["clients"]:
            lines += ["", f"   {clients} client(s): queries/s median (range); p50 / p99 ms; errors; answer size",
                      f"   {'query':<26}" + "".join(f"{server + ' q/s':<24}{'p50 / p99':<16}" for server in servers)
                      + f"{'ratio q/s':>10}{'ratio p99':>10}{'errors':>8}  size"]
            for query, first in data["servers"][servers[0]]["clients"][clients].items():
                cells = [data["servers"][server]["clients"][clients].get(query) for server in servers]
                ratio = data["ratios"].get(clients, {}).get(query, {})
                errors = "/".join(str(cell["errors"]) if cell else "-" for cell in cells)
                sizes = {cell.get("size") for cell in cells if cell}
                size = "/".join(str(value) for value in sorted(sizes, key=str)) + (" differ" if len(sizes) > 1 else "")
                lines.append(f"   {query:<26}" + "".join(
                    f"{_range(cell['throughput'] if cell else None):<24}{_ms(cell):<16}" for cell in cells)
                    + f"{_number(ratio.get('throughput')):>10}{_number(ratio.get('p99')):>10}{errors:>8}  {size}")
    return "\n".join(lines)
