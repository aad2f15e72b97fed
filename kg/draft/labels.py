"""The labels of the nodes the graph already holds, indexed by lemmas for linking names to nodes.

Labels are read from the annotation files (``rdfs:label``, ``skos:altLabel`` in every language,
and the ``mentions`` quotes), so the index needs no build and sees every declared node.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.draft.nlp import WORD, Models, fold
from kg.yamlsource import load_yaml

Key = tuple[str, ...]
LABEL_KEYS = ("rdfs:label", "skos:altLabel")
#: shortest lemma that makes two names candidates for each other (not "и", "в" …)
MIN_SHARED = 3


@dataclass
class NodeInfo:
    """A node of the graph as the linker sees it."""

    id: str
    type: str
    labels: dict[str, list[str]] = field(default_factory=dict)

    def label(self, lang: str = "ru") -> str:
        """The first label in *lang*, else any label, else the id."""
        for one in (self.labels.get(lang), *self.labels.values()):
            if one:
                return one[0]
        return self.id


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


class LabelIndex:
    """Node ids by the lemmas of their labels; intervals by their dates."""

    def __init__(self, models: Models, aliases: bool = True) -> None:
        self.models = models
        self.aliases = aliases
        self.nodes: dict[str, NodeInfo] = {}
        self.keys: dict[Key, set[str]] = {}
        self.surnames: dict[str, set[str]] = {}
        self.intervals: dict[tuple[datetime.date, datetime.date], str] = {}

    @classmethod
    def from_files(cls, models: Models, files: Iterable[Path], aliases: bool = True) -> LabelIndex:
        """Index the nodes declared in the annotation *files* (``nodes:`` and ``external:``).

        :param aliases: also index the quotes of the files' mentions as names of their nodes
        :raises InputError: if a file cannot be read
        """
        index = cls(models, aliases)
        for path in files:
            data = load_yaml(path).data
            if not isinstance(data, dict):
                continue
            for node_id, node in (data.get("nodes") or {}).items():
                index.add(node_id, node)
            for node_id, entry in (data.get("external") or {}).items():
                if isinstance(entry, dict) and isinstance(entry.get("node"), dict):
                    index.add(node_id, entry["node"])
            for node_id, quotes in (data.get("mentions") or {}).items():
                if node_id in index.nodes:
                    index._aliases(node_id, quotes)
        return index

    @classmethod
    def from_dirs(cls, models: Models, dirs: Sequence[Path], skip: Path | None = None,
                  aliases: bool = True) -> LabelIndex:
        """Index every ``*.yaml`` file of *dirs*, leaving out *skip* (the file being drafted)."""
        files = [p for d in dirs if Path(d).is_dir() for p in sorted(Path(d).glob("*.yaml"))]
        return cls.from_files(models, [p for p in files if skip is None or p.resolve() != skip.resolve()], aliases)

    def add(self, node_id: str, node: Any) -> None:
        """Index one node: its type, its labels, its mentions and, for an interval, its dates."""
        if not isinstance(node, dict):
            return
        info = self.nodes.setdefault(node_id, NodeInfo(node_id, str(node.get("type", ""))))
        for key in LABEL_KEYS:
            value = node.get(key)
            items = value.items() if isinstance(value, dict) else [("", value)]
            for lang, text in items:
                for one in _strings(text):
                    info.labels.setdefault(lang, []).append(one)
                    self._key(node_id, one, person=info.type == "Person")
        self._aliases(node_id, node.get("mentions") or [])
        begin, end = (_date(((node.get(p) or {}) if isinstance(node.get(p), dict) else {}).get("time:inXSDDate"))
                      for p in ("time:hasBeginning", "time:hasEnd"))
        if begin and end:
            self.intervals.setdefault((begin, end), node_id)

    def _aliases(self, node_id: str, quotes: Any) -> None:
        if not self.aliases:
            return
        for item in quotes if isinstance(quotes, list) else []:
            quote = item.get("quote") if isinstance(item, dict) else item
            if isinstance(quote, str) and quote[:1].strip("«\"").isupper():
                self._key(node_id, quote, person=self.nodes[node_id].type == "Person")

    def _key(self, node_id: str, text: str, person: bool) -> None:
        for key in self.keys_of(text, label=True):
            self.keys.setdefault(key, set()).add(node_id)
            if person and len(key) > 1:
                self.surnames.setdefault(key[-1], set()).add(node_id)

    def keys_of(self, text: str, label: bool = False) -> list[Key]:
        """Lemma keys of *text*: one per combination of the two likeliest lemmas of its words (at
        most 16). A *label* is written in the nominative, so its words stand for themselves too
        (pymorphy3 may take an unknown surname such as "Бердымухамедов" for another form).
        """
        words = WORD.findall(text)
        if not words:
            return []
        options = [tuple(dict.fromkeys(((fold(w),) if label else ()) + self.models.lemmas(w)[:2])) for w in words]
        return [tuple(k) for k in itertools.islice(itertools.product(*options), 16)]

    def find(self, text: str) -> list[str]:
        """Ids of the nodes one of whose labels has the lemmas of *text*, named nodes first."""
        found: dict[str, None] = {}
        for key in self.keys_of(text):
            for node_id in sorted(self.keys.get(key, ())):
                found[node_id] = None
        return self._ranked(found)

    def find_surname(self, word: str) -> list[str]:
        """Ids of persons whose label ends with the surname *word* (in any case form)."""
        found = {n: None for lemma in self.models.lemmas(word) for n in sorted(self.surnames.get(lemma, ()))}
        return list(found)

    def candidates(self, text: str, limit: int = 8) -> list[str]:
        """Nodes worth offering for *text*: exact matches, then named nodes sharing a lemma."""
        exact = self.find(text)
        lemmas = {lemma for w in WORD.findall(text) for lemma in self.models.lemmas(w) if len(lemma) >= MIN_SHARED}
        shared = {n: None for key, ids in self.keys.items() if lemmas & set(key) for n in ids}
        rest = [n for n in self._ranked(shared) if n not in exact and self.is_named(n)]
        return (exact + rest)[:limit]

    def is_named(self, node_id: str) -> bool:
        """Whether *node_id* is of a type whose labels are names (a person, a place, an organisation)."""
        node = self.nodes.get(node_id)
        return node is not None and node.type in self.models.lexicon.named_types

    def _ranked(self, found: dict[str, None]) -> list[str]:
        return sorted(found, key=lambda n: not self.is_named(n))
