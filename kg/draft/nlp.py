"""The language models: Natasha's segmenter and NER tagger (navec/slovnet), and pymorphy3.

:class:`Models` is loaded once (about 1.5 s) and then analyses any number of texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pymorphy3
from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

from kg.draft.lexicon import Lexicon

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
#: pymorphy3 grammemes of proper names: a parse with one of them is preferred for a capitalised word
NAME_GRAMMEMES = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})


def fold(word: str) -> str:
    """Lower-case *word* and write ё as е, the form every comparison uses."""
    return word.lower().replace("ё", "е")


@dataclass(frozen=True)
class Token:
    """A word or sign of the text with its offsets and its lemmas (best first)."""

    text: str
    start: int
    stop: int
    lemmas: tuple[str, ...]
    tag: str = ""

    @property
    def lemma(self) -> str:
        return self.lemmas[0]


@dataclass(frozen=True)
class NamedSpan:
    """A name found by the NER model: ``PER``, ``LOC`` or ``ORG``."""

    start: int
    stop: int
    tag: str
    text: str


@dataclass
class Sentence:
    """A sentence with its offsets and its tokens."""

    start: int
    stop: int
    text: str
    tokens: list[Token] = field(default_factory=list)


@dataclass
class Analysis:
    """What the models found in one text."""

    text: str
    sentences: list[Sentence]
    spans: list[NamedSpan]

    def tokens_in(self, start: int, stop: int) -> list[Token]:
        """Tokens that lie within ``[start, stop)``."""
        return [t for s in self.sentences if s.stop > start and s.start < stop
                for t in s.tokens if t.start >= start and t.stop <= stop]


class Models:
    """Natasha's segmenter and NER tagger and a pymorphy3 analyser, with the word lists."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.load()
        self.segmenter = Segmenter()
        self.ner = NewsNERTagger(NewsEmbedding())
        self.morph = pymorphy3.MorphAnalyzer()
        self._lemmas: dict[str, tuple[str, ...]] = {}
        self._parsed: dict[str, list[Any]] = {}

    def parse(self, word: str) -> list[Any]:
        """pymorphy3's parses of *word*, remembered for the life of the models."""
        parses = self._parsed.get(word)
        if parses is None:
            parses = self._parsed[word] = self.morph.parse(word)
        return parses

    def tag(self, word: str) -> str:
        """The grammemes of *word*'s likeliest parse (``VERB,perf,tran sing,3per,futr,indc``), empty for signs."""
        if not WORD.fullmatch(word):
            return ""
        return str(self.parse(word)[0].tag)

    def lemmas(self, word: str) -> tuple[str, ...]:
        """Normal forms of *word*, most likely first (names first for capitalised words), folded."""
        cached = self._lemmas.get(word)
        if cached is not None:
            return cached
        if not WORD.fullmatch(word):
            result: tuple[str, ...] = (fold(word),)
        else:
            parses = self.parse(word)
            if word[:1].isupper():
                parses = sorted(parses, key=lambda p: not (NAME_GRAMMEMES & set(p.tag.grammemes)))
            result = tuple(dict.fromkeys(fold(p.normal_form) for p in parses[:4])) or (fold(word),)
        self._lemmas[word] = result
        return result

    def _parses(self, word: str, person: bool, gender: str | None = None, case: str | None = None) -> list:
        parses = self.parse(word)
        if word[:1].isupper():
            parses = sorted(parses, key=lambda p: (person and p.tag.number == "plur",
                                                   bool(gender) and p.tag.gender != gender,
                                                   bool(case) and p.tag.case != case,
                                                   not (NAME_GRAMMEMES & set(p.tag.grammemes))))
        return parses

    def nominative(self, word: str, person: bool = False, gender: str | None = None, case: str | None = None) -> str:
        """*word* put in the nominative singular (plural for plural-only words), keeping its case style.

        :param person: the word is part of a person's name: singular parses are preferred
        :param gender: prefer parses of this gender (a first name agreeing with the surname)
        :param case: prefer parses in this case (likewise)
        """
        if not WORD.fullmatch(word) or word.isupper():
            return word
        parses = self._parses(word, person, gender, case)
        best = parses[0]
        number = "plur" if "Pltm" in best.tag.grammemes or best.tag.number == "plur" else "sing"
        form = best.inflect({"nomn", number}) or best.inflect({"nomn"})
        out = form.word if form else word.lower()
        return out[:1].upper() + out[1:] if word[:1].isupper() else out

    def nominative_phrase(self, words: list[str], person: bool = False) -> str:
        """A name put in the nominative: every word of a person's name; otherwise the words up to
        and including the first noun (its head), the dependent words after it kept as written
        ("Содружестве Независимых Государств" -> "Содружество Независимых Государств").
        """
        out, head_seen = [], False
        gender = case = None
        if person and words and WORD.fullmatch(words[-1]):
            surname = self._parses(words[-1], True)[0].tag
            gender, case = surname.gender, surname.case
        for word in words:
            if head_seen and not person:
                out.append(word)
                continue
            parts = [self.nominative(part, person, gender, case) if i == 0 or part[:1].isupper() else part
                     for i, part in enumerate(word.split("-"))]
            if len(parts) > 1:
                parts = [p[:1].upper() + p[1:] if o[:1].isupper() else p for p, o in zip(parts, word.split("-"), strict=True)]
            out.append("-".join(parts))
            head_seen = head_seen or self.tag(word).startswith("NOUN")
        return " ".join(out)

    def case(self, word: str) -> str:
        """The grammatical case of *word*'s likeliest parse (``nomn``, ``gent`` …), empty if none."""
        return str(self.parse(word)[0].tag.case or "") if WORD.fullmatch(word) else ""

    def analyse(self, text: str) -> Analysis:
        """Split *text* into sentences and tokens, lemmatise them and tag names."""
        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_ner(self.ner)
        sentences = []
        for sent in doc.sents:
            tokens = [Token(t.text, t.start, t.stop, self.lemmas(t.text), self.tag(t.text)) for t in sent.tokens]
            start = sent.start
            for line in text[sent.start:sent.stop].split("\n"):  # a line break always ends a sentence
                stop = start + len(line)
                part = [t for t in tokens if start <= t.start < stop]
                if part:
                    sentences.append(Sentence(part[0].start, part[-1].stop, text[part[0].start:part[-1].stop], part))
                start = stop + 1
        spans = [NamedSpan(s.start, s.stop, s.type, s.text) for s in doc.spans]
        return Analysis(text, sentences, spans)
