"""The proposals of a draft annotation file as the review page shows them: what, where, which nodes fit."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.draft.labels import LabelIndex
from kg.draft.markers import DRAFT_KEY, PLACEHOLDER
from kg.textquote import QuoteNotFound, find_quote

QUOTED = re.compile(r"'([^']+)'")


@dataclass
class Proposal:
    """One ``draft`` key of the file: the mapping that holds it, its kind, its place in the text."""

    path: list[str | int]
    kind: str  # article | link | node | figure | period | claim
    message: str
    title: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    candidates: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _span(text: str, quote: str, occurrence: int = 1) -> list[tuple[int, int]]:
    try:
        found = find_quote(text, quote, occurrence)
    except QuoteNotFound:
        return []
    return [(found.start, found.end)]


def _quote_of(item: Any) -> tuple[str, int]:
    if isinstance(item, dict):
        return str(item.get("quote", "")), int(item.get("occurrence", 1))
    return str(item), 1


def _offer(index: LabelIndex, text: str) -> list[dict[str, str]]:
    return [{"id": n, "label": index.nodes[n].label("ru")} for n in index.candidates(text)]


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a ruamel or plain value (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def proposals(doc: dict[str, Any], text: str, index: LabelIndex) -> list[Proposal]:
    """Every proposal of the annotation *doc* (a parsed file) of the article *text*."""
    out: list[Proposal] = []
    claim_spans: dict[str, list[tuple[int, int]]] = {}
    supported_by: dict[str, str] = {}
    for claim_id, claim in (doc.get("claims") or {}).items():
        claim_spans[claim_id] = _span(text, str(claim.get("quote", "")), int(claim.get("occurrence", 1)))
        for ref in claim.get("supports") or []:
            supported_by.setdefault(str(ref), claim_id)
    article = doc.get("article") or {}
    title = str((article.get("title") or {}).get("en", "")) if isinstance(article.get("title"), dict) else ""
    if DRAFT_KEY in article or title.startswith(PLACEHOLDER):
        fields = _plain({k: v for k, v in article.items() if k not in (DRAFT_KEY, "title")})
        fields["title"] = "" if title.startswith(PLACEHOLDER) else title
        out.append(Proposal(["article"], "article", str(article.get(DRAFT_KEY, "write the title")), "article",
                            fields=fields))
    for node_id, items in (doc.get("mentions") or {}).items():
        for i, item in enumerate(items or []):
            if isinstance(item, dict) and DRAFT_KEY in item:
                quote, n = _quote_of(item)
                out.append(Proposal(["mentions", node_id, i], "link", str(item[DRAFT_KEY]), quote,
                                    _span(text, quote, n), {"node": node_id}, _offer(index, quote)))
    for node_id, node in (doc.get("nodes") or {}).items():
        if not isinstance(node, dict) or DRAFT_KEY not in node:
            continue
        kind = {"Observation": "figure", "time:ProperInterval": "period"}.get(str(node.get("type")), "node")
        label = node.get("rdfs:label") or {}
        message = str(node[DRAFT_KEY])
        proposal = Proposal(["nodes", node_id], kind, message, node_id)
        if kind == "node":
            proposal.spans = [s for item in node.get("mentions") or [] for s in _span(text, *_quote_of(item))]
            proposal.fields = {"type": node.get("type"), "label_ru": label.get("ru", ""), "label_en": label.get("en", "")}
            proposal.candidates = _offer(index, str(label.get("ru", "")))
        else:
            quoted = QUOTED.search(message)
            within = claim_spans.get(supported_by.get(node_id, ""), [])
            if quoted and within:
                start = text.find(quoted[1], within[0][0], within[0][1])
                proposal.spans = [(start, start + len(quoted[1]))] if start >= 0 else []
            elif quoted:
                proposal.spans = _span(text, quoted[1])
            proposal.fields = _plain({k: v for k, v in node.items() if k not in (DRAFT_KEY, "type")})
        out.append(proposal)
    for claim_id, claim in (doc.get("claims") or {}).items():
        statement = str(claim.get("statement", ""))
        if DRAFT_KEY in claim or statement.startswith(PLACEHOLDER):
            attribution = claim.get("attribution") or {}
            out.append(Proposal(["claims", claim_id], "claim", str(claim.get(DRAFT_KEY, "write the statement")),
                                claim_id, claim_spans[claim_id], {
                                    "modality": claim.get("modality"),
                                    "statement": "" if statement.startswith(PLACEHOLDER) else statement,
                                    "attribution": ", ".join(str(x) for x in attribution.get("by") or [])}))
    return out
