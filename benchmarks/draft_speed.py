"""Measure what drafting costs: loading the models, and drafting a 10,000-character article.

Prints the time to import and load each model (Natasha's segmenter, navec embeddings and slovnet
NER tagger; the pymorphy3 dictionaries), to index the graph's labels, and to draft an article of
at least 10,000 characters (the Trend report followed by the drafter's fixture article), the first
run and the median of the next ones, with the peak memory.

    python benchmarks/draft_speed.py [--runs 5] [--data data/articles]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [ROOT / "data" / "articles" / "2025-12-11-trend-ashgabat.ru.txt",
            ROOT / "tests" / "data" / "draft" / "articles" / "2026-01-15-fixture-ankara.ru.txt"]
LENGTH = 10_000


def timed(label: str, action):  # noqa: ANN001, ANN201 - a benchmark helper
    start = time.perf_counter()
    value = action()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed drafts after the first (default 5)")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "articles", help="the graph's annotations")
    args = parser.parse_args()

    timed("import natasha, pymorphy3", lambda: __import__("kg.draft.nlp"))
    import pymorphy3
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    from kg.draft.labels import LabelIndex
    from kg.draft.nlp import Models
    from kg.draft.run import draft_text

    timed("  Natasha segmenter", Segmenter)
    embedding = timed("  navec news embeddings", NewsEmbedding)
    timed("  slovnet NER tagger", lambda: NewsNERTagger(embedding))
    timed("  pymorphy3 analyser", pymorphy3.MorphAnalyzer)
    models = timed("Models() (all of the above, as kg draft loads them)", Models)
    index = timed(f"label index of {args.data}", lambda: LabelIndex.from_dirs(models, [args.data]))
    print(f"  {len(index.nodes)} nodes, {len(index.keys)} label keys")

    text = "\n\n".join(p.read_text(encoding="utf-8-sig") for p in ARTICLES)
    while len(text) < LENGTH:
        text += "\n\n" + text
    cut = text.find(". ", LENGTH)
    text = text[: cut + 1 if cut > 0 else len(text)]
    print(f"article: {len(text)} characters")
    first = timed("first draft (caches cold)", lambda: draft_text(models, index, text, "bench", "bench.ru.txt"))
    result = first[0]
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        draft_text(models, index, text, "bench", "bench.ru.txt")
        times.append(time.perf_counter() - start)
    print(f"{'next drafts: median / max of ' + str(args.runs):<48} {statistics.median(times):8.3f} s"
          f" / {max(times):.3f} s")
    print(f"drafted: {len(result.entities)} entities, {len(result.figures)} figures, {len(result.claims)} claims")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)                                {peak:8.0f} MiB")


if __name__ == "__main__":
    main()
