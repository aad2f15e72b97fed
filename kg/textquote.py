"""Finding quotes in an article text, with hints for quotes that are not found."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: characters kept either side of a quote in ``oa:prefix`` / ``oa:suffix``
CONTEXT_CHARS = 32

_FOLD = {
    **dict.fromkeys("«»“”„‟\"″", '"'),
    **dict.fromkeys("‘’‚‛'′", "'"),
    **dict.fromkeys("‐‑‒–—―−-", "-"),
    "ё": "е",
    "Ё": "Е",
}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


class QuoteNotFound(ValueError):
    """A quote is not (or not often enough) in the text; the message carries a hint."""


@dataclass(frozen=True)
class Span:
    """A located quote: code-point offsets (end exclusive) and its context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def _fold(text: str) -> tuple[str, list[int]]:
    """Normalise quotes, dashes, ё, case and whitespace; return the text and each char's source index."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace():
            if chars and chars[-1] == " ":
                continue
            ch = " "
        else:
            ch = _FOLD.get(ch, ch)
            ch = unicodedata.normalize("NFKC", ch)
            low = ch.lower()
            ch = low if len(low) == len(ch) else ch
        for c in ch:
            chars.append(c)
            index.append(i)
    return "".join(chars), index


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _hint(text: str, quote: str) -> str:
    """Explain why *quote* is not in *text*: a normalisation difference or where they part."""
    folded_text, index = _fold(text)
    folded_quote = _fold(quote)[0].strip()
    pos = folded_text.find(folded_quote) if folded_quote else -1
    if pos >= 0:
        start, end = index[pos], index[pos + len(folded_quote) - 1] + 1
        return (
            "it would match after normalising quotes, dashes, ё/е, letter case or whitespace; "
            f"line {_line_of(text, start)} of the text has: \"{text[start:end]}\" (copy it from there)"
        )
    low, high = 0, len(quote)
    while low < high:  # longest prefix of the quote that the text contains
        mid = (low + high + 1) // 2
        if quote[:mid] in text:
            low = mid
        else:
            high = mid - 1
    if low >= max(4, min(8, len(quote) // 2)):
        at = text.find(quote[:low])
        return (
            f"the first {low} characters match at line {_line_of(text, at + low)} of the text, "
            f"which then reads \"{_short(text[at + low: at + low + 30], 30)}\" "
            f"where the quote has \"{_short(quote[low: low + 30], 30)}\""
        )
    return "no passage of the text starts like it; check the quote against the text"


def find_quote(text: str, quote: str, occurrence: int = 1) -> Span:
    """Locate the *occurrence*-th (1-based) exact occurrence of *quote* in *text*.

    :raises QuoteNotFound: when the quote is missing or occurs fewer times; the message
        carries a hint
    """
    start = -1
    for seen in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            if seen == 0:
                raise QuoteNotFound(_hint(text, quote))
            raise QuoteNotFound(f"the quote occurs only {seen} time(s), not {occurrence}; lower `occurrence`")
    end = start + len(quote)
    return Span(
        start=start,
        end=end,
        exact=quote,
        prefix=text[max(0, start - CONTEXT_CHARS): start],
        suffix=text[end: end + CONTEXT_CHARS],
    )
