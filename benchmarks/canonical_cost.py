"""How much of a build goes into giving blank nodes content-based labels (``kg.outputs.canonical``).

Writes one synthetic annotation file of N nodes (companies, observations with their periods, and
a claim about each observation, all quoted from a generated text) to a temporary folder, builds
it with the project's ontology and shapes, and prints the CPU time of the build and of the calls
to ``canonical()``; then the same with every observation lacking its value, so that the build is
rejected with a SHACL report of one blank-node result per observation.

    python benchmarks/canonical_cost.py [N ...]     (default: 300 1200)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from rdflib import Graph

import kg.build
from kg import outputs
from kg.build import build
from kg.errors import DataError

ARTICLE = "2025-01-01-synthetic"


def synthetic_article(folder: Path, nodes: int) -> None:
    """Write ``ARTICLE.yaml`` and its text with about *nodes* nodes (a third companies, the rest figures)."""
    companies = nodes // 3
    observations = (nodes - companies - 3) // 2  # each observation also declares its period
    sentences, yaml = [], [
        "article:", f"  id: {ARTICLE}", f"  text: {ARTICLE}.ru.txt",
        '  title: {ru: "Синтетическая статья", en: "A synthetic article"}',
        "  publisher: agency", "  dateline: city", "  issued: 2025-01-01", "  language: ru", "", "nodes:",
        "  agency: {type: NewsAgency, rdfs:label: {ru: Агентство, en: Agency}}",
        "  city: {type: City, rdfs:label: {ru: Город, en: City}}",
        "  turnover: {type: Indicator, rdfs:label: {ru: товарооборот, en: turnover}}",
    ]
    for i in range(companies):
        name = f"Компания-{i:05d}"
        sentences.append(f"{name} открыла представительство.")
        yaml += [f"  company-{i:05d}:", "    type: Company", f"    rdfs:label: {{ru: {name}, en: Company {i:05d}}}",
                 f'    mentions: ["{name}"]']
    claims = ["", "claims:"]
    for i in range(observations):
        year = 1000 + i
        quote = f"Товарооборот за {year} год составил {i + 1} долларов."
        sentences.append(quote)
        yaml += [f"  period-{i:05d}:", "    type: time:ProperInterval", f"    rdfs:label: {{en: year {year}}}",
                 f"  turnover-{i:05d}:", "    type: Observation",
                 f"    rdfs:label: {{en: turnover in {year}, ru: товарооборот за {year} год}}",
                 "    dip:indicator: turnover", f"    dip:period: period-{i:05d}", "    dip:bound: dip:Exact",
                 f"    dip:value: {i + 1}", "    dip:currency: USD"]
        claims += [f"  turnover-{i:05d}:", "    modality: reported", f'    quote: "{quote}"',
                   f'    statement: "Turnover in {year} was USD {i + 1}."', f"    supports: [turnover-{i:05d}]"]
    (folder / f"{ARTICLE}.ru.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
    (folder / f"{ARTICLE}.yaml").write_text("\n".join(yaml + claims) + "\n", encoding="utf-8")


def measure(nodes: int, conforming: bool) -> None:
    """Build a synthetic article and print the CPU seconds of the build and of ``canonical()``.

    :param conforming: if not, every observation lacks its value, so the build is rejected with one
        SHACL violation per observation (and a report with as many blank-node results)
    """
    spent = [0.0]
    original = outputs.canonical

    def timed(graph: Graph) -> Graph:
        started = time.process_time()
        try:
            return original(graph)
        finally:
            spent[0] += time.process_time() - started

    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(outputs, "canonical", timed), \
            mock.patch.object(kg.build, "canonical", timed):
        folder = Path(tmp) / "articles"
        folder.mkdir()
        synthetic_article(folder, nodes)
        if not conforming:
            annotations = folder / f"{ARTICLE}.yaml"
            annotations.write_text(annotations.read_text(encoding="utf-8").replace(
                "    dip:bound: dip:Exact\n", "    dip:bound: dip:LowerBound\n"), encoding="utf-8")
        config = {"DATA_DIR": [str(folder)], "BUILD_DIR": str(Path(tmp) / "build")}
        started = time.process_time()
        try:
            outcome = f"{build(config).total} triples"
        except DataError as exc:
            outcome = "rejected: " + exc.message.split(";")[0]
        cpu = time.process_time() - started
        print(f"{nodes:>6} nodes, {outcome}: build {cpu:.1f} s CPU, canonical() {spent[0]:.2f} s "
              f"({100 * spent[0] / cpu:.1f} %)", flush=True)


def main(sizes: list[int]) -> None:
    for nodes in sizes:
        measure(nodes, conforming=True)
        measure(nodes, conforming=False)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [300, 1200])
