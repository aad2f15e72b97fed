"""How good the drafts are: each curated annotation against the draft of its article.

``python -m kg.draft.evaluate [ANNOTATION.yaml ...] [--data DIR ...] [--json]`` prints, for each
article, entity recall and precision, linking accuracy, figure recall, bound and period accuracy
and modality accuracy, three times: linking against the graph's nodes (every annotation file of the data
folders, their labels and mention quotes), against the labels alone ("labels": no mention quote
helps), and with the article's own annotation file left out of the graph ("unseen": its names
must be found by the NER model and proposed as new nodes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.draft.drafter import Draft, read_article
from kg.draft.labels import LabelIndex
from kg.draft.nlp import Models
from kg.draft.run import draft_text
from kg.errors import KGError
from kg.textquote import QuoteNotFound, find_quote
from kg.yamlsource import load_yaml

VALUE_KEYS = ("dip:value", "dip:minValue", "dip:maxValue")


@dataclass
class Scores:
    """The measured shares (``None`` where nothing was there to count) and their counts."""

    article: str
    graph: str
    entity_recall: float | None
    entity_precision: float | None
    linking_accuracy: float | None
    figure_recall: float | None
    figure_precision: float | None
    bound_accuracy: float | None
    period_accuracy: float | None
    modality_accuracy: float | None
    counts: dict[str, int]


def _share(right: int, total: int) -> float | None:
    return round(right / total, 3) if total else None


def _quotes(items: Any) -> list[tuple[str, int]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append((item, 1))
        elif isinstance(item, dict) and isinstance(item.get("quote"), str):
            out.append((item["quote"], int(item.get("occurrence", 1))))
    return out


def _spans(text: str, quotes: list[tuple[str, int]]) -> list[tuple[int, int]]:
    spans = []
    for quote, n in quotes:
        try:
            span = find_quote(text, quote, n)
        except QuoteNotFound:
            continue
        spans.append((span.start, span.end))
    return spans


def _overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


class Gold:
    """What a curated annotation says about its article."""

    def __init__(self, data: dict[str, Any], text: str, models: Models, graph: LabelIndex) -> None:
        """:param graph: every node of the graph and of this file, for the types of nodes declared elsewhere"""
        self.text, self.graph = text, graph
        nodes: dict[str, Any] = data.get("nodes") or {}
        self.mentions: dict[str, list[tuple[int, int]]] = {}
        for node_id, node in nodes.items():
            if isinstance(node, dict) and node.get("mentions"):
                self.mentions[node_id] = _spans(text, _quotes(node["mentions"]))
        for node_id, quotes in (data.get("mentions") or {}).items():
            self.mentions.setdefault(node_id, []).extend(_spans(text, _quotes(quotes)))
        values: dict[str, dict[str, Any]] = {k: dict(v) for k, v in nodes.items() if isinstance(v, dict)}
        for claim in (data.get("claims") or {}).values():  # format 2: values asserted by claims
            for node_id, props in ((claim or {}).get("asserts") or {}).items():
                if isinstance(props, dict):
                    values.setdefault(node_id, {}).update(props)
        self.nodes = values
        self.figures = {k: v for k, v in values.items() if v.get("type") == "Observation"
                        and any(key in v for key in VALUE_KEYS)}
        self.claims: list[tuple[tuple[int, int], str]] = []
        for claim in (data.get("claims") or {}).values():
            spans = _spans(text, [(claim["quote"], int(claim.get("occurrence", 1)))])
            if spans:
                self.claims.append((spans[0], str(claim["modality"])))
        self.named = [n for n in self.mentions if self.mentions[n] and self._is_named(n, models)]

    def _is_named(self, node_id: str, models: Models) -> bool:
        """A node of a person, place or organisation whose Russian label is a name (capitalised)."""
        info = self.graph.nodes.get(node_id)
        if info is None:
            return False
        label = info.label("ru")
        return info.type in models.lexicon.named_types and (label[:1].isupper() or label[:1] == "«")

    def interval(self, node_id: str | None) -> tuple[Any, Any] | None:
        return next((dates for dates, node in self.graph.intervals.items() if node == node_id), None)


def _numbers(props: dict[str, Any]) -> tuple[Decimal, ...]:
    return tuple(sorted(Decimal(str(props[k])) for k in VALUE_KEYS if k in props))


def score(gold: Gold, draft: Draft, index: LabelIndex, article: str, graph: str) -> Scores:
    """Compare one *draft* with its *gold* annotation."""
    by_id = {e.id: e for e in draft.entities}
    spans = {e.id: [(m.start, m.stop) for m in e.mentions] for e in draft.entities}
    found = [n for n in gold.named if n in by_id or any(
        not e.linked and _overlaps(spans[e.id], gold.mentions[n]) for e in draft.entities)]
    right = [e for e in draft.entities if e.id in gold.mentions or any(
        _overlaps(spans[e.id], m) for m in gold.mentions.values())]
    links = [(m, n) for n in gold.named if n in index.nodes for m in gold.mentions[n]]
    linked = sum(any(_overlaps([(x.start, x.stop)], [m]) for x in e.mentions) and e.id == n
                 for m, n in links for e in draft.entities)
    reached = sum(any(_overlaps([(x.start, x.stop)], [m]) for e in draft.entities for x in e.mentions)
                  for m, _ in links)
    figure_hits, bound_hits, period_total, period_hits = 0, 0, 0, 0
    drafted = [(f, p) for f, p, _ in draft.figures.values()]
    for props in gold.figures.values():
        unit = props.get("dip:currency") or props.get("dip:unit")
        for figure, period in drafted:
            values = tuple(sorted(v for v in (figure.value, figure.min_value, figure.max_value) if v is not None))
            if values == _numbers(props) and (figure.currency or figure.unit) == unit:
                figure_hits += 1
                bound_hits += f"dip:{figure.bound}" == props.get("dip:bound")
                if props.get("dip:period"):
                    period_total += 1
                    period_hits += _draft_interval(draft, index, period) == gold.interval(props["dip:period"])
                break
    modal_total, modal_hits = 0, 0
    for claim in draft.claims:
        span = (claim.start, claim.start + len(claim.quote))
        overlapping = [(min(span[1], e) - max(span[0], s), m) for (s, e), m in gold.claims if s < span[1] and e > span[0]]
        if overlapping:
            modal_total += 1
            modal_hits += max(overlapping)[1] == claim.modality
    return Scores(
        article, graph, _share(len(found), len(gold.named)), _share(len(right), len(draft.entities)),
        _share(linked, reached), _share(figure_hits, len(gold.figures)), _share(figure_hits, len(drafted)),
        _share(bound_hits, figure_hits), _share(period_hits, period_total), _share(modal_hits, modal_total),
        {"named_entities": len(gold.named), "entities_found": len(found), "proposed_entities": len(draft.entities),
         "proposed_right": len(right), "gold_mentions_of_graph_nodes": len(links), "mentions_reached": reached,
         "linked_right": linked, "gold_figures": len(gold.figures), "drafted_figures": len(drafted),
         "figures_found": figure_hits, "bounds_right": bound_hits, "periods_checked": period_total,
         "periods_right": period_hits, "claims_compared": modal_total, "modality_right": modal_hits},
    )


def _draft_interval(draft: Draft, index: LabelIndex, period: str | None) -> tuple[Any, Any] | None:
    if period in draft.periods:
        return draft.periods[period].begin, draft.periods[period].end
    return next((dates for dates, node in index.intervals.items() if node == period), None)


def evaluate(annotations: Sequence[Path], data_dirs: Sequence[Path], models: Models) -> list[Scores]:
    """Draft the article of each annotation file and score it, with and without the graph's labels."""
    out = []
    for path in annotations:
        data = load_yaml(path).data
        text_path = path.parent / data["article"]["text"]
        text = read_article(text_path)
        files = [p for d in data_dirs for p in sorted(Path(d).glob("*.yaml")) if p.resolve() != path.resolve()]
        gold = Gold(data, text, models, LabelIndex.from_files(models, [*files, path]))
        for graph, index in (("graph", LabelIndex.from_dirs(models, data_dirs)),
                             ("labels", LabelIndex.from_dirs(models, data_dirs, aliases=False)),
                             ("unseen", LabelIndex.from_dirs(models, data_dirs, skip=path))):
            result, _ = draft_text(models, index, text, data["article"]["id"], text_path.name)
            out.append(score(gold, result, index, data["article"]["id"], graph))
    return out


def _row(scores: Scores) -> str:
    cells = [scores.entity_recall, scores.entity_precision, scores.linking_accuracy, scores.figure_recall,
             scores.figure_precision, scores.bound_accuracy, scores.period_accuracy, scores.modality_accuracy]
    return f"{scores.article:<36} {scores.graph:<9} " + " ".join(
        f"{'-' if c is None else f'{c:.3f}':>9}" for c in cells)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.draft.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("annotations", nargs="*", type=Path, help="curated annotation files (default: the data folder's)")
    parser.add_argument("--data", action="append", type=Path, help="folders of the graph's annotation files")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    from kg import paths

    data_dirs = args.data or [paths.data_dir()]
    annotations = args.annotations or [p for d in data_dirs for p in sorted(Path(d).glob("*.yaml"))]
    try:
        results = evaluate(annotations, data_dirs, Models())
    except KGError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.json:
        print(json.dumps([asdict(s) for s in results], indent=2, default=str))
        return 0
    print(f"{'article':<36} {'graph':<9} " + " ".join(f"{h:>9}" for h in (
        "ent.rec", "ent.prec", "linking", "fig.rec", "fig.prec", "bound", "period", "modality")))
    for scores in results:
        print(_row(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
