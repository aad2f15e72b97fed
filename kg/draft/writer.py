"""A draft written as an annotation file (format 2), every proposal marked with a ``draft`` key."""

from __future__ import annotations

import io
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kg.draft.drafter import Draft, occurrence
from kg.draft.entities import Entity
from kg.draft.figures import Figure, english_label
from kg.draft.labels import LabelIndex
from kg.draft.lexicon import Lexicon
from kg.draft.markers import PLACEHOLDER

HEADER = (
    "Draft annotation written by `kg draft`. Every `draft:` key marks a proposal to confirm:\n"
    "check it, correct it, then delete the key (or use `kg review` on this file). `kg build`\n"
    "refuses the file while any `draft:` key is left."
)
STATEMENT = f"{PLACEHOLDER} write the plain-English statement of this claim"
TITLE = f"{PLACEHOLDER} write a descriptive English title"


def _flow(**items: Any) -> CommentedMap:
    out = CommentedMap(items)
    out.fa.set_flow_style()
    return out


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _quote_item(text: str, start: int, quote: str, message: str | None) -> Any:
    n = occurrence(text, quote, start)
    if n == 1 and message is None:
        return quote
    item = _flow(quote=quote)
    if n > 1:
        item["occurrence"] = n
    if message:
        item["draft"] = message
    return item


def _article(draft: Draft) -> CommentedMap:
    meta = CommentedMap(id=draft.article_id, text=draft.text_name)
    meta["title"] = _flow(en=TITLE)
    todo = ["write the title"]
    if draft.publisher:
        meta["publisher"] = draft.publisher
        todo.append(f"the publisher ({draft.publisher}) read from the header")
    else:
        todo.append("add the publisher (a node id)")
    if draft.relies_on:
        meta["reliesOn"] = CommentedSeq(draft.relies_on)
        meta["reliesOn"].fa.set_flow_style()
        todo.append(f"the agencies relied upon ({', '.join(draft.relies_on)})")
    if draft.dateline:
        meta["dateline"] = draft.dateline
        todo.append(f"the dateline ({draft.dateline})")
    if draft.issued:
        meta["issued"] = draft.issued
        todo.append(f"the date of publication ({draft.issued.isoformat()})")
    else:
        todo.append("add `issued` (the date of publication)")
    meta["language"] = "ru"
    meta["draft"] = "article: " + "; ".join(todo)
    return meta


def _entity_message(entity: Entity, index: LabelIndex) -> str:
    if entity.linked:
        also = f"; other nodes of this name: {', '.join(entity.alternatives)}" if entity.alternatives else ""
        return f"link to {entity.id} ({index.nodes[entity.id].label('ru')}){also}"
    others = [c for c in entity.candidates if c != entity.id]
    also = f"; other candidates: {', '.join(others[:4])}" if others else ""
    return (f"new node: check the type ({entity.type}, guessed from the NER tag {entity.tag}), the Russian label "
            f"in the nominative and the English label (a transliteration), or link it to an existing node{also}")


def _figure_node(figure: Figure, period: str | None, annual: bool, lexicon: Lexicon) -> CommentedMap:
    node = CommentedMap(type="Observation")
    node["rdfs:label"] = _flow(ru=figure.written or figure.quote, en=english_label(figure, lexicon))
    node["dip:bound"] = f"dip:{figure.bound}"
    for key, value in (("dip:value", figure.value), ("dip:minValue", figure.min_value),
                       ("dip:maxValue", figure.max_value)):
        if value is not None:
            node[key] = _number(value)
    if figure.currency:
        node["dip:currency"] = figure.currency
    if figure.unit:
        node["dip:unit"] = figure.unit
    if period:
        node["dip:period"] = period
    elif annual:
        node["dip:periodicity"] = "P1Y"
    why = f"'{figure.bound_words}' → {figure.bound}" if figure.bound_words else figure.bound
    what = f"a count of '{figure.noun}'" if figure.noun else (figure.currency or figure.unit)
    node["draft"] = (f"figure '{figure.quote}': check the value in base units, the bound ({why}), "
                     f"the unit ({what}), the period and the generated English label; add dip:indicator "
                     "and dip:refArea")
    return node


def to_yaml(draft: Draft, index: LabelIndex) -> CommentedMap:
    """The annotation document of *draft* (ruamel.yaml round-trip types, in file order)."""
    doc = CommentedMap()
    doc["article"] = _article(draft)
    doc.yaml_set_start_comment(HEADER)
    nodes, mentions = CommentedMap(), CommentedMap()
    for entity in draft.entities:
        if entity.linked:
            message = _entity_message(entity, index)
            mentions[entity.id] = CommentedSeq(
                _quote_item(draft.text, m.start, m.quote, message) for m in entity.mentions)
            continue
        node = CommentedMap(type=entity.type)
        node["rdfs:label"] = _flow(ru=entity.label_ru, en=entity.label_en)
        node["mentions"] = CommentedSeq(_quote_item(draft.text, m.start, m.quote, None) for m in entity.mentions)
        node["draft"] = _entity_message(entity, index)
        nodes[entity.id] = node
    for period in draft.periods.values():
        node = CommentedMap(type="time:ProperInterval")
        node["rdfs:label"] = _flow(ru=period.label_ru, en=period.label_en)
        node["time:hasBeginning"] = _flow(type="time:Instant", **{"time:inXSDDate": period.begin})
        node["time:hasEnd"] = _flow(type="time:Instant", **{"time:inXSDDate": period.end})
        year = "; the year is taken from the context" if period.assumed_year else ""
        node["draft"] = f"period '{period.quote}' read as {period.begin}..{period.end}{year}"
        nodes[period.id] = node
    for figure_id, (figure, period_id, annual) in draft.figures.items():
        nodes[figure_id] = _figure_node(figure, period_id, annual, index.models.lexicon)
    if nodes:
        doc["nodes"] = nodes
    if mentions:
        doc["mentions"] = mentions
    claims = CommentedMap()
    for claim in draft.claims:
        item = CommentedMap(modality=claim.modality, quote=claim.quote)
        if claim.occurrence > 1:
            item["occurrence"] = claim.occurrence
        item["statement"] = STATEMENT
        if claim.figures:
            item["supports"] = CommentedSeq(claim.figures)
            item["supports"].fa.set_flow_style()
        if claim.about:
            item["about"] = CommentedSeq(claim.about)
            item["about"].fa.set_flow_style()
        todo = [f"modality {claim.modality}" + (f" (marked by '{claim.marker}')" if claim.marker else
                                                " (no marker word)"), "write the statement"]
        if claim.attribution and claim.attribution.by:
            by = CommentedSeq(claim.attribution.by)
            by.fa.set_flow_style()
            item["attribution"] = _flow(by=by)
            when = ""
            if claim.attribution.on:
                item["attribution"]["on"] = claim.attribution.on
                when = f" on {claim.attribution.on.isoformat()}"
            todo.append(f"attribution to {', '.join(claim.attribution.by)}{when} ('{claim.attribution.phrase}')")
        elif claim.attribution:
            todo.append(f"'{claim.attribution.phrase}' names a speaker that is not a known entity: "
                        "add attribution.by if the text names one")
        item["draft"] = "claim: " + "; ".join(todo)
        claims[claim.id] = item
    doc["claims"] = claims
    return doc


def dump(doc: CommentedMap) -> str:
    """The YAML text of *doc*."""
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write *text* to *path* through a temporary file in the same folder, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
