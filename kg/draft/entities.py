"""Names in a text (NER spans and labels the graph already holds), linked to nodes or proposed as new."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import iuliia

from kg.draft.labels import LabelIndex
from kg.draft.nlp import WORD, Analysis, Models, NamedSpan, Token, fold

#: the NER tag of a node type, for names found through the graph's labels
TAG_OF_TYPE = {"Person": "PER", "State": "LOC", "City": "LOC", "Region": "LOC", "Place": "LOC"}
PARENTHESIS = re.compile(r"\s*\([^)]*\)")
LONGEST_LABEL = 6


@dataclass
class Mention:
    """One place in the text where an entity is named."""

    start: int
    stop: int
    quote: str


@dataclass
class Entity:
    """A named entity of the text: a link to an existing node, or a proposed new node."""

    id: str
    type: str
    tag: str
    linked: bool
    label_ru: str
    label_en: str = ""
    mentions: list[Mention] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)


def _with_guillemets(text: str, start: int, stop: int) -> tuple[int, int]:
    """Widen ``[start, stop)`` to the guillemets or quotes that enclose it, if any."""
    if start > 0 and stop < len(text) and text[start - 1] in "«\"“" and text[stop] in "»\"”":
        return start - 1, stop + 1
    return start, stop


def _slug(label: str) -> str:
    latin = iuliia.WIKIPEDIA.translate(label)
    return re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-") or "node"


class EntityFinder:
    """Finds and links the names of one text."""

    def __init__(self, models: Models, index: LabelIndex) -> None:
        self.models, self.index = models, index
        self.lexicon = models.lexicon

    def find(self, analysis: Analysis, forced: list[tuple[int, int, str, str]] | None = None) -> list[Entity]:
        """Every entity named in *analysis*, in order of first mention.

        :param forced: ``(start, stop, tag, type)`` of names known to be there (the dateline and
            the agency of a header), linked or proposed with that type where no name is found
        """
        found: list[tuple[int, int, str, list[str]]] = []  # start, stop, tag, linked ids
        types: dict[tuple[int, int], str] = {}
        for start, stop, tag, kind in forced or []:
            if not any(s.start < stop and start < s.stop for s in analysis.spans):
                ids = [n for n in self.index.find(analysis.text[start:stop]) if self.index.is_named(n)]
                found.append((start, stop, tag, ids))
                types[(start, stop)] = kind
        for span in analysis.spans:
            start, stop = _with_guillemets(analysis.text, span.start, span.stop)
            found.append((start, stop, span.tag, self.link(span)))
            for f_start, f_stop, _, kind in forced or []:
                if f_start < stop and start < f_stop:
                    types[(start, stop)] = kind
        found.extend(self._gazetteer(analysis, [(s, e) for s, e, _, _ in found]))
        found.extend(self._adjectives(analysis, [(s, e) for s, e, _, _ in found]))
        found.sort()
        entities: dict[str, Entity] = {}
        for start, stop, tag, ids in found:
            mention = Mention(start, stop, analysis.text[start:stop])
            if ids:
                node = self.index.nodes[ids[0]]
                entity = entities.setdefault(ids[0], Entity(
                    ids[0], node.type, tag, True, node.label("ru"), node.label("en"),
                    candidates=self.index.candidates(mention.quote), alternatives=ids[1:]))
            else:
                entity = self._new(analysis, start, stop, tag, entities, types.get((start, stop)))
            entity.mentions.append(mention)
        return list(entities.values())

    def link(self, span: NamedSpan) -> list[str]:
        """Ids of the named nodes *span* may refer to, best first (empty: a new node)."""
        text = PARENTHESIS.sub("", span.text)
        ids = [n for n in self.index.find(text) if self.index.is_named(n)]
        if ids or span.tag != "PER":
            return ids
        words = [w for w in WORD.findall(text) if not set(self.models.lemmas(w)) & self.lexicon.posts]
        if words and len(words) < len(WORD.findall(text)):
            ids = [n for n in self.index.find(" ".join(words)) if self.index.is_named(n)]
        return ids or (self.index.find_surname(words[-1]) if words else [])

    def _gazetteer(self, analysis: Analysis, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, list[str]]]:
        """Names of named nodes that the NER model missed (capitalised word runs matching a label)."""
        out: list[tuple[int, int, str, list[str]]] = []
        for sentence in analysis.sentences:
            words = [t for t in sentence.tokens if WORD.fullmatch(t.text)]
            i = 0
            while i < len(words):
                hit = self._label_at(words, i)
                if hit is None:
                    i += 1
                    continue
                n, ids = hit
                start, stop = _with_guillemets(analysis.text, words[i].start, words[i + n - 1].stop)
                if not any(s < stop and start < e for s, e in taken + [(o[0], o[1]) for o in out]):
                    node = self.index.nodes[ids[0]]
                    out.append((start, stop, TAG_OF_TYPE.get(node.type, "ORG"), ids))
                i += n
        return out

    def _adjectives(self, analysis: Analysis, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, list[str]]]:
        """Lowercase relative adjectives of places the graph holds ("азербайджанское" -> Azerbaijan)."""
        lex, out = self.lexicon, []
        places = {key: ids for key, ids in self.index.keys.items() if len(key) <= 2 and any(
            self.index.nodes[n].type in lex.place_types for n in ids)}
        for sentence in analysis.sentences:
            for token in sentence.tokens:
                if not token.tag.startswith("ADJF") or not token.text[:1].islower() or "-" in token.text or any(
                        s < token.stop and token.start < e for s, e in taken):
                    continue
                lemma = token.lemma
                stems = [lemma[:-len(x)] for x in lex.adjective_suffixes if lemma.endswith(x)]
                stems = [s for s in stems if len(s) >= lex.adjective_stem]
                ids = sorted({n for key, found in places.items() for n in found
                              if self.index.nodes[n].type in lex.place_types and (
                                  len(key) == 2 and key[0] == lemma
                                  or len(key) == 1 and any(key[0].startswith(s) for s in stems))})
                if ids:
                    out.append((token.start, token.stop, "LOC", ids))
        return out

    def _label_at(self, words: list[Token], i: int) -> tuple[int, list[str]] | None:
        if not words[i].text[:1].isupper():
            return None
        for n in range(min(LONGEST_LABEL, len(words) - i), 0, -1):
            text = " ".join(t.text for t in words[i:i + n])
            ids = [x for x in self.index.find(text) if self.index.is_named(x)]
            if ids:
                return n, ids
        return None

    def _new(self, analysis: Analysis, start: int, stop: int, tag: str, entities: dict[str, Entity],
             kind: str | None = None) -> Entity:
        """The proposed node for an unlinked name: nominative label, guessed type, transliteration."""
        words = WORD.findall(PARENTHESIS.sub("", analysis.text[start:stop]))
        if tag == "PER":
            words = [w for w in words if not set(self.models.lemmas(w)) & self.lexicon.posts] or words
        if kind == "City" and all(w.isupper() for w in words):
            words = [w.capitalize() for w in words]  # a dateline in capitals: "БАКУ"
        label = self.models.nominative_phrase(words, person=tag == "PER") or analysis.text[start:stop]
        for entity in entities.values():
            if entity.linked or entity.tag != tag:
                continue
            same = fold(entity.label_ru) == fold(label)
            surname = tag == "PER" and fold(entity.label_ru.split()[-1]) == fold(label.split()[-1])
            if same or surname:
                if len(label) > len(entity.label_ru):
                    entity.label_ru = label
                    entity.label_en = iuliia.WIKIPEDIA.translate(label)
                return entity
        node_id, n = _slug(label), 1
        while node_id in self.index.nodes or node_id in entities:
            n += 1
            node_id = f"{_slug(label)}-{n}"
        entity = Entity(node_id, kind or self._type(analysis, start, stop, tag), tag, False, label,
                        iuliia.WIKIPEDIA.translate(label))
        entity.candidates = self.index.candidates(label)
        entities[node_id] = entity
        return entity

    def _type(self, analysis: Analysis, start: int, stop: int, tag: str) -> str:
        """A type from cue lemmas in the name or in the word before it (in the same case, as in
        "в городе Ашхабаде"), else from the NER tag."""
        inside = analysis.tokens_in(start, stop)
        before = [t for t in analysis.tokens_in(max(0, start - 60), start) if WORD.fullmatch(t.text)][-1:]
        head = next((t for t in inside if WORD.fullmatch(t.text)), None)
        if head is not None and before and self.models.case(before[0].text) != self.models.case(head.text):
            before = []
        for token in inside + before:
            for lemma in token.lemmas[:1]:
                kind = self.lexicon.type_cues.get(lemma)
                if kind and (tag != "PER" or kind == "Person"):
                    return kind
        return self.lexicon.type_defaults.get(tag, "Actor")
