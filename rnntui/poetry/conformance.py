"""How well poems keep the rules of regulated verse: in form, rhymed by the 平水韵, in a
regulated tone pattern; for poems the network writes alone, with the rules, and for real
poems, side by side (`rnntui score`).

- in form: 4 or 8 lines of 5 or 7 characters, `，` and `。` in their places
  (`rnntui.poetry.prepare.poem_form`);
- rhyme: lines 2, 4 (6, 8), and line 1 where it ends 平, in one 平声 group, no character twice;
- tones: the whole poem fits a regulated pattern (一三五不论), and the share of the places
  checked that keep the nearest pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnntui.poetry import meter
from rnntui.poetry.prepare import poem_form
from rnntui.tasks.corpus import LINE_ENDS, poem_lines

SAMPLES = 100


@dataclass(frozen=True)
class Conformance:
    """Shares of poems (0-1) that keep each rule.

    Attributes:
        poems: poems read.
        in_form: share in form.
        rhymed: share whose rhyme lines rhyme.
        tones: share that fit a regulated pattern with no break.
        tone_places: share of the places checked (all poems) that keep the nearest pattern.
    """

    poems: int
    in_form: float
    rhymed: float
    tones: float
    tone_places: float

    def to_dict(self) -> dict[str, float | int]:
        return {"poems": self.poems, "in_form": self.in_form, "rhymed": self.rhymed,
                "tones": self.tones, "tone_places": self.tone_places}


def conformance(poems: Sequence[str]) -> Conformance:
    """The shares of `poems` that keep form, rhyme and tones."""
    form = rhymed = fits = 0
    checked = kept = 0
    for poem in poems:
        lines = poem_lines(poem)
        form += poem_form(poem) is not None
        rhymed += bool(meter.rhyme(lines).rhymed)
        bare = [ln.rstrip(LINE_ENDS) for ln in lines]
        found = meter.fit(bare) if all(bare) else meter.Fit(None)
        fits += found.fits
        checked += found.checked
        kept += found.checked - len(found.breaks)
    n = max(len(poems), 1)
    return Conformance(len(poems), form / n, rhymed / n, fits / n,
                       kept / checked if checked else 0.0)


def written_poems(writer, options, samples: int = SAMPLES, seed: int = 0) -> list[str]:
    """`samples` poems written from nothing (after END: the network chooses every
    character, the first line's too), seeded."""
    rng = np.random.default_rng(seed)
    return [writer.write("", options, rng).text for _ in range(samples)]


def verse_figures(writer, real: Sequence[str], temperature: float, samples: int = SAMPLES,
                  seed: int = 0) -> dict[str, dict[str, float | int]]:
    """Conformance of `samples` quatrains the network writes alone, with the form and rhyme
    rules, and with the tone rule too, beside `real` poems'.

    Args:
        writer: a `PoemWriter`.
        real: real poems (the held-out ones) in the run's script.
        temperature: the sampling temperature.
        samples: poems written each way.
        seed: the sampling seed (the same for each way).
    """
    from rnntui.poetry.writing import WritingOptions

    ruled = WritingOptions(temperature=temperature, lines=4, form=True, rhyme=True)
    ways = {"network": ruled.rules_off, "rules": ruled,
            "rules_tones": WritingOptions(temperature=temperature, lines=4, tones=True)}
    figures = {name: conformance(written_poems(writer, options, samples, seed)).to_dict()
               for name, options in ways.items()}
    figures["real"] = conformance(real).to_dict()
    return figures
