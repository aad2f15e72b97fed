"""The word lists of the drafter (``kg/draft/data/*.yaml``), read once into one object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict[str, Any]:
    path = DATA_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the word list: {exc}", path) from exc
    if not isinstance(data, dict):
        raise InputError("a word list must be a mapping", path, 1)
    return data


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Bound words, modality markers, units, attribution phrases, period words and type cues."""

    bounds: dict[str, list[Phrase]]
    bound_window: int
    range_dashes: tuple[str, ...]
    modality_order: tuple[str, ...]
    modality: dict[str, frozenset[str]]
    future_tense: str
    multipliers: dict[str, int]
    currency_signs: dict[str, str]
    currencies: dict[str, str]
    units: dict[str, str]
    not_figures: frozenset[str]
    english_units: dict[str, str]
    english_scale: dict[int, str]
    english_bounds: dict[str, str]
    speech: list[Phrase]
    relies_on: list[Phrase]
    attribution_window: int
    months: dict[str, int]
    ordinals: dict[str, int]
    year_parts: dict[str, tuple[int, int]]
    whole_year: list[Phrase]
    annual: frozenset[str]
    type_defaults: dict[str, str]
    type_cues: dict[str, str]
    posts: frozenset[str]
    named_types: frozenset[str]
    place_types: frozenset[str]
    adjective_suffixes: tuple[str, ...]
    adjective_stem: int
    period_kinds: dict[str, dict[str, str]]
    month_names_en: tuple[str, ...]
    month_names_ru: tuple[str, ...]
    year_part_names_en: dict[str, str]

    @classmethod
    def load(cls) -> Lexicon:
        """Read every word list from :data:`DATA_DIR`.

        :raises InputError: if a list cannot be read
        """
        bounds, modality, units = _read("bounds"), _read("modality"), _read("units")
        attribution, periods, types = _read("attribution"), _read("periods"), _read("types")
        cues = {lemma: kind for kind, lemmas in types["cues"].items() for lemma in lemmas}
        return cls(
            bounds={kind: [tuple(p) for p in phrases] for kind, phrases in bounds["phrases"].items()},
            bound_window=int(bounds["window"]),
            range_dashes=tuple(bounds["range_dashes"]),
            modality_order=tuple(modality["order"]),
            modality={kind: frozenset(words) for kind, words in modality["markers"].items()},
            future_tense=str(modality.get("future_tense") or ""),
            multipliers={k: int(v) for k, v in units["multipliers"].items()},
            currency_signs=dict(units["currency_signs"]),
            currencies=dict(units["currencies"]),
            units=dict(units["units"]),
            not_figures=frozenset(units["not_figures"]),
            english_units={k: str(v) for k, v in units["english_units"].items()},
            english_scale={int(k): str(v) for k, v in units["english_scale"].items()},
            english_bounds={k: str(v) for k, v in bounds["english"].items()},
            speech=[tuple(p) for p in attribution["speech"]],
            relies_on=[tuple(p) for p in attribution["relies_on"]],
            attribution_window=int(attribution["window"]),
            months=dict(periods["months"]),
            ordinals=dict(periods["ordinals"]),
            year_parts={k: (int(v[0]), int(v[1])) for k, v in periods["year_parts"].items()},
            whole_year=[tuple(p) for p in periods["whole_year"]],
            annual=frozenset(periods["annual"]),
            type_defaults=dict(types["default"]),
            type_cues=cues,
            posts=frozenset(types["posts"]),
            named_types=frozenset(types["named_types"]),
            place_types=frozenset(types["place_types"]),
            adjective_suffixes=tuple(types["adjective_suffixes"]),
            adjective_stem=int(types["adjective_stem"]),
            period_kinds=dict(periods["kinds"]),
            month_names_en=tuple(periods["month_names_en"]),
            month_names_ru=tuple(periods["month_names_ru"]),
            year_part_names_en=dict(periods["year_part_names_en"]),
        )
