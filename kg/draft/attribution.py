"""Who a sentence says is speaking ("как отметил министр…", "передает РИА Новости")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kg.draft.entities import Entity
from kg.draft.lexicon import Lexicon, Phrase
from kg.draft.nlp import WORD, Sentence, Token, fold

SPEAKER_TAGS = frozenset({"PER", "ORG"})


@dataclass
class Attribution:
    """A speech phrase of a sentence and the entities it names as the speaker (may be none)."""

    phrase: str
    by: list[str]
    on: datetime.date | None = None


def _phrase_at(words: list[Token], phrases: list[Phrase]) -> list[tuple[int, int]]:
    """(index, length) of every place where one of *phrases* starts in *words*."""
    hits = []
    for i in range(len(words)):
        for phrase in phrases:
            n = len(phrase)
            if i + n <= len(words) and all(fold(words[i + k].text) == w or w in words[i + k].lemmas[:1]
                                           for k, w in enumerate(phrase)):
                hits.append((i, n))
    return hits


def _speakers(words: list[Token], i: int, n: int, entities: list[tuple[int, int, Entity]], window: int) -> list[str]:
    """Entities (persons, organisations) named within *window* words after the phrase, else before it."""
    after = words[i + n:i + n + window]
    before = words[max(0, i - window):i]
    for part in (after, before):
        if not part:
            continue
        lo, hi = part[0].start, part[-1].stop
        ids = [e.id for s, t, e in entities if s < hi and t > lo and e.tag in SPEAKER_TAGS]
        if ids:
            return list(dict.fromkeys(ids))
    return []


def _said_on(sentence: Sentence, first: Token, last: Token, lexicon: Lexicon, year: int | None) -> datetime.date | None:
    """The day a statement was made: "12 декабря" right after the speech verb or just before it."""
    tokens = sentence.tokens
    at, end = tokens.index(first), tokens.index(last)
    for i in [*range(max(0, at - 4), at), end + 1]:
        if i + 1 < len(tokens) and tokens[i].text.isdigit() and year is not None:
            month = next((v for k, v in lexicon.months.items() if k in tokens[i + 1].lemmas), None)
            if month:
                try:
                    return datetime.date(year, month, int(tokens[i].text))
                except ValueError:
                    return None
    return None


def attribution(sentence: Sentence, lexicon: Lexicon, entities: list[tuple[int, int, Entity]],
                year: int | None = None) -> Attribution | None:
    """The attribution of *sentence*, if a speech phrase stands in it.

    :param entities: ``(start, stop, entity)`` of every mention in the text
    :param year: the year of a day named without one (the article's)
    """
    words = [t for t in sentence.tokens if WORD.fullmatch(t.text)]
    for i, n in _phrase_at(words, lexicon.speech):
        phrase = " ".join(t.text for t in words[i:i + n])
        return Attribution(phrase, _speakers(words, i, n, entities, lexicon.attribution_window),
                           _said_on(sentence, words[i], words[i + n - 1], lexicon, year))
    return None


def relied_on(sentence: Sentence, lexicon: Lexicon, entities: list[tuple[int, int, Entity]]) -> list[str]:
    """Agencies the sentence names as the article's source ("передает РИА Новости")."""
    words = [t for t in sentence.tokens if WORD.fullmatch(t.text)]
    out: list[str] = []
    for i, n in _phrase_at(words, lexicon.relies_on):
        after = words[i + n:i + n + 3]
        if after:
            lo, hi = after[0].start, after[-1].stop
            out += [e.id for s, t, e in entities if s < hi and t > lo and e.tag == "ORG"]
    return list(dict.fromkeys(out))
