"""The modality of a sentence (reported, expected, forecast, possible) from its marker words."""

from __future__ import annotations

from kg.draft.lexicon import Lexicon
from kg.draft.nlp import Sentence, fold


def modality(sentence: Sentence, lexicon: Lexicon) -> tuple[str, str]:
    """The modality of *sentence* and the word that marks it (empty for ``reported``).

    The first modality of ``lexicon.modality_order`` with a marker among the sentence's words
    (by surface form or lemma) wins.
    """
    for kind in lexicon.modality_order:
        markers = lexicon.modality[kind]
        for token in sentence.tokens:
            if fold(token.text) in markers or markers & set(token.lemmas[:1]):
                return kind, token.text
    if lexicon.future_tense:
        for token in sentence.tokens:
            if token.tag.startswith("VERB") and "futr" in token.tag:
                return lexicon.future_tense, token.text
    return "reported", ""
