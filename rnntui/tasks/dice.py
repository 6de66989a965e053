"""Seed 004's three dice: an RNN against the exact hidden Markov model.

Pick a die (D4, D6 or D8), roll it, write the number down; again and again. The dice are
hidden, the numbers seen. The network reads the rolls and names, at every step, the die that
was rolled (mode `die`, trained on the true dice) or the next roll (mode `next`). The exact
answer comes from the model that made the data: the forward algorithm's posterior over the
die at every step (`rnntui.hmm`), the best any left-to-right reader can do.

By default the dice are sticky (each die is kept with probability 0.9) so that memory pays:
with the seed's uniform 1/3 transitions every roll is independent of the others and the best
guess needs no memory at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from fractions import Fraction
from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

    from rnntui.hmm import HMM

from rnntui.architecture import ModelSpec
from rnntui.config import ConfigError, HParams, quoted
from rnntui.tasks.base import (Classes, Dataset, DataSource, EpochSample, PlayInput, Probe,
                               Quality, Task, encode_tokens)
from rnntui.tasks.features import UnitFeature, UnitText

DICE = ("D4", "D6", "D8")
FACES = (4, 6, 8)  # faces of each die; rolls are 1…8
ROLLS = tuple(str(face) for face in range(1, max(FACES) + 1))
TRAIN, VALIDATION, TEST = 4000, 1000, 1000
SAMPLED = 200  # test sequences each epoch's sample scores the network and the exact model on
TOLERANCE = 0.005  # how far a typed row may sum from 1 (0.33 0.33 0.33 is a typo)

# Seed 004: "D6 is never followed by D4, stays D6 with 0.9, goes to D8 with 0.1"; the other
# dice keep the seed's 1/3.
_THIRD = Fraction(1, 3)
TRANSITION_PRESETS = {
    "uniform": ((_THIRD,) * 3,) * 3,
    "d6-no-d4": ((_THIRD,) * 3, (Fraction(0), Fraction(9, 10), Fraction(1, 10)),
                 (_THIRD,) * 3),
}
# Seed 004's loaded D6: 1 half the time, 2…6 a tenth each.
_FAIR = tuple(tuple(Fraction(1, n) for _ in range(n)) for n in FACES)
EMISSION_PRESETS = {
    "fair": _FAIR,
    "loaded-d6": (_FAIR[0], (Fraction(1, 2),) + (Fraction(1, 10),) * 5, _FAIR[2]),
}


def sticky(stay: float) -> tuple[tuple[float, ...], ...]:
    """Keep the die with probability `stay`, else take one of the other two at random."""
    move = (1.0 - stay) / 2
    return tuple(tuple(stay if i == j else move for j in range(3)) for i in range(3))


def _number(text: str) -> float:
    """'0.25', '1/4' or '25%' as a number in [0, 1]; ValueError otherwise."""
    text = text.strip()
    value = float(text[:-1]) / 100 if text.endswith("%") else float(Fraction(text))
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def parse_rows(key: str, text: str, widths: tuple[int, ...],
               names: tuple[str, ...]) -> tuple[tuple[float, ...], ...]:
    """Rows of probabilities typed as numbers, rows separated by ';'.

    Numbers may be decimals, fractions (1/6) or percentages; a row that sums to within
    0.005 of 1 is scaled to 1 exactly.

    Raises:
        ConfigError: naming the key, the row and what is wrong.
    """
    rows = text.strip().removesuffix(";").split(";")  # a trailing ';' is no fourth row
    if len(rows) != len(widths):
        raise ConfigError(key, f"{key}={quoted(text)}: needs {len(widths)} rows separated by "
                               f"';' ({', '.join(names)}), not {len(rows)}")
    out = []
    for index, (row, width, name) in enumerate(zip(rows, widths, names)):
        parts = row.replace(",", " ").split()
        where = f"{key} row {index + 1} ({name})"
        if len(parts) != width:
            raise ConfigError(key, f"{where}: {len(parts)} numbers; needs {width}")
        try:
            values = [_number(p) for p in parts]
        except (ValueError, ZeroDivisionError, OverflowError):
            bad = next(p for p in parts if not _is_number(p))
            raise ConfigError(key, f"{where}: {bad!r} is not a probability (a number from 0 "
                                   "to 1, a fraction such as 1/6, or a percentage)") from None
        total = sum(values)
        if abs(total - 1.0) > TOLERANCE:
            raise ConfigError(key, f"{where} sums to {total:.4g}: each row must sum to 1")
        out.append(tuple(v / total for v in values))
    return tuple(out)


def _is_number(text: str) -> bool:
    try:
        _number(text)
    except (ValueError, ZeroDivisionError, OverflowError):
        return False
    return True


def transition_rows(hp: Mapping) -> tuple[tuple[float, ...], ...]:
    """The transition table the hyperparameters describe, rows from D4, D6, D8.

    Raises:
        ConfigError: for a table that is not one.
    """
    text = str(hp["transitions"]).strip()
    if text == "sticky":
        return sticky(float(hp["stay"]))
    if text in TRANSITION_PRESETS:
        return tuple(tuple(float(v) for v in row) for row in TRANSITION_PRESETS[text])
    if not text or (";" not in text and not any(ch.isdigit() for ch in text)):
        raise ConfigError("transitions", f"transitions={quoted(text)}: must be sticky, "
                          "uniform, d6-no-d4, or 3 rows of 3 numbers separated by ';'")
    return parse_rows("transitions", text, (3, 3, 3), tuple(f"from {d}" for d in DICE))


def emission_rows(hp: Mapping) -> tuple[tuple[float, ...], ...]:
    """What each die rolls: rows of 4, 6 and 8 probabilities (faces 1…n).

    Raises:
        ConfigError: for a table that is not one.
    """
    text = str(hp["emissions"]).strip()
    if text in EMISSION_PRESETS:
        return tuple(tuple(float(v) for v in row) for row in EMISSION_PRESETS[text])
    if not text or (";" not in text and not any(ch.isdigit() for ch in text)):
        raise ConfigError("emissions", f"emissions={quoted(text)}: must be fair, loaded-d6, "
                          "or rows of 4, 6 and 8 numbers separated by ';'")
    return parse_rows("emissions", text, FACES, DICE)


def dice_model(hp: Mapping) -> HMM:
    """The HMM the hyperparameters describe; the first die is picked at 1/3 each (seed)."""
    from rnntui.hmm import HMM

    emission = [list(row) + [0.0] * (len(ROLLS) - len(row)) for row in emission_rows(hp)]
    return HMM.of([1 / 3] * 3, transition_rows(hp), emission)


# The exact answer a network is measured against, by what the network can see: the forward
# posterior for a left-to-right reader, forward-backward for one that also reads ahead
# (bidirectional), the predictive distribution of the next roll in mode next.
EXACT = {"forward": ("forward", "forward algorithm (exact)"),
         "smoothed": ("fwd-bwd", "forward-backward (exact)"),
         "predictive": ("exact", "exact predictive")}


def exact_kind(hp: Mapping) -> str:
    """Which exact answer fits this network: a key of EXACT."""
    if hp["mode"] == "next":
        return "predictive"
    return "smoothed" if hp["bidirectional"] else "forward"


def exact_beliefs(model: HMM, rolls: np.ndarray, kind: str) -> np.ndarray:
    """The exact distribution at every step ((…, T, 3) dice or (…, T, 8) rolls)."""
    if kind == "smoothed":
        return model.smooth(rolls)
    posterior, _ = model.forward(rolls)
    return model.predictive(posterior) if kind == "predictive" else posterior


def sequences(model: HMM, count: int, seq_len: int, mode: str, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rolls the network reads, its labels, and the hidden dice of the rolls it reads.

    Rolls are ids 0…7 (faces 1…8). Mode `die`: labels are the dice. Mode `next`: each step's
    label is the roll after it (one more roll is made per sequence).
    """
    extra = 1 if mode == "next" else 0
    dice, rolls = model.sample(count, seq_len + extra, rng)
    if mode == "next":
        return rolls[:, :-1], rolls[:, 1:].copy(), dice[:, :-1]
    return rolls, dice, dice


@dataclass(frozen=True)
class DiceData(Dataset):
    """The arrays, and the hidden dice (0 = D4, 1 = D6, 2 = D8) behind the test rolls."""

    dice_test: Any = None


class DiceTask(Task):
    id = "dice"
    title = "Three dice (RNN vs hidden Markov model)"
    learns = ("which of three hidden dice (D4, D6, D8) made each roll, or what comes next, "
              "from the rolls alone")
    data_text = (f"{TRAIN:,} training, {VALIDATION:,} validation and {TEST:,} test sequences "
                 "of rolls, made here from the hidden Markov model you set")
    expect = ("the RNN names the die almost as often as the exact forward algorithm (the best "
              "possible, about 70% with sticky dice); predict shows both, step by step")
    seed_ref = "seed 004 (the three dice)"
    quality = Quality("accuracy", None, True, "accuracy")
    # The seed trains no network on the dice; rnntui's defaults are the recipe. Measured with
    # bench/bench_dice.py on 2,000 held-out sequences, median of seeds 0-2: GRU(32), 8 epochs
    # names the die 72.94% of the time against the forward algorithm's 73.13% (0.19 points
    # apart; Viterbi, reading the whole sequence, 77.25%), in 26 s of training on 2 CPU cores.
    # LSTM(32) and SimpleRNN(32) at 15 epochs come as close (0.15 and 0.11 points).
    defaults = {"cell": "gru", "units": 32, "layers": 1, "bidirectional": False,
                "dropout": 0.0, "recurrent_dropout": 0.0, "embedding_dim": 0, "seq_len": 50,
                "optimizer": "adam", "learning_rate": 0.005, "batch_size": 64, "epochs": 8,
                "seed": 0, "patience": 3, "mode": "die", "transitions": "sticky", "stay": 0.9,
                "emissions": "fair"}
    recipe = defaults

    unit_features = (
        UnitFeature("die", "the hidden die that made the roll, by its faces (4, 6 or 8): "
                           "known from how the rolls were made, not from the rolls",
                    known_only=True),
        UnitFeature("roll", "the roll read (1 to 8)"),
    )

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        if name == "die":
            return [float(v) for v in text.known["die"]]
        if name == "roll":
            return [float(s) for s in text.steps]
        raise KeyError(name)

    def unit_texts(self, hp: HParams, data: Dataset,
                   labels: Sequence[str] | None) -> list[UnitText]:
        """The test sequences, each with the hidden dice that made its rolls."""
        texts = super().unit_texts(hp, data, labels or ROLLS)
        dice = getattr(data, "dice_test", None)
        if dice is None:
            return texts
        return [UnitText(t.x, t.steps, {"die": tuple(FACES[int(d)] for d in row)})
                for t, row in zip(texts, dice)]

    def next_step_targets(self, hp: HParams) -> bool:
        return hp.mode == "next"  # mode die names the hidden die: no roll is a target

    def check(self, hp: HParams) -> None:
        def length() -> None:
            if hp.seq_len > 500:
                raise ConfigError("seq_len", f"seq_len={hp.seq_len}: must be at most 500 for "
                                  f"dice (its {TRAIN:,} sequences are made in memory)")

        # Every table at fault at once, so the form shows them all, not one at a time.
        ConfigError.gather(lambda: transition_rows(hp), lambda: emission_rows(hp),
                           lambda: dice_model(hp), length)

    def play_input(self, hp: HParams) -> PlayInput:
        return PlayInput("dice", "roll", hp.seq_len,
                         trained_on=f"sequences of {hp.seq_len} rolls of the run's three dice")

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        import numpy as np

        model = dice_model(hp)
        rng = np.random.default_rng(hp.seed)
        x, y, _ = sequences(model, TRAIN, hp.seq_len, hp.mode, rng)
        x_val, y_val, _ = sequences(model, VALIDATION, hp.seq_len, hp.mode, rng)
        # Drawn after the others, so the training and validation rolls of a seed stay.
        x_test, y_test, dice_test = sequences(model, TEST, hp.seq_len, hp.mode, rng)
        embedded = hp.embedding_dim > 0
        best = exact_scores(model, x_test, dice_test, y_test, hp.mode, hp.bidirectional)
        notes = [f"{TRAIN:,} sequences of {hp.seq_len} rolls; {VALIDATION:,} to validate, "
                 f"{TEST:,} to test"]
        notes += [f"on the test rolls, {line}" for line in describe_scores(best)]
        return DiceData(x_train=encode_tokens(x, len(ROLLS), embedded), y_train=y,
                        x_val=encode_tokens(x_val, len(ROLLS), embedded), y_val=y_val,
                        x_test=encode_tokens(x_test, len(ROLLS), embedded), y_test=y_test,
                        vocab=ROLLS, notes=tuple(notes), dice_test=dice_test)

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        import numpy as np

        rolls = np.asarray(data.x_test)
        rolls = rolls.argmax(-1) if rolls.ndim == 3 else rolls  # one-hot back to ids
        labels = np.asarray(data.y_test)
        # In mode die the labels are the hidden dice themselves.
        scores = exact_scores(dice_model(hp), rolls, labels, labels, hp.mode,
                              hp.bidirectional)
        names = baseline_names(hp)
        return {names[key]: scores[key] for key in names if key in scores}

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample:
        """The network's per-step accuracy on the first SAMPLED test sequences beside the
        exact model's on the same rolls (the forward algorithm for a left-to-right network,
        forward-backward for a bidirectional one, the exact predictive in mode next)."""
        import numpy as np

        from rnntui.tasks.sampling import answers

        x = data.x_test[:SAMPLED]
        labels = np.asarray(data.y_test[:SAMPLED])
        rolls = np.asarray(x)
        rolls = rolls.argmax(-1) if rolls.ndim == 3 else rolls
        network = float((answers(probe.predict(x)) == labels).mean())
        kind = exact_kind(hp)
        exact = exact_scores(dice_model(hp), rolls, labels, labels, hp.mode, hp.bidirectional)
        key = {"forward": "forward", "smoothed": "smoothed", "predictive": "forward"}[kind]
        name = EXACT[kind][1]
        what = "names the next roll" if hp.mode == "next" else "names the die"
        return EpochSample((f"the network {what} {network:.1%} of the time, the {name} "
                            f"{exact[key]:.1%} (on {len(x)} test sequences)",),
                           {"accuracy": network, "exact": exact[key]})

    def classes(self, hp: HParams) -> Classes:
        return Classes(DICE if hp.mode == "die" else ROLLS)

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        outputs = len(DICE) if hp.mode == "die" else len(ROLLS)
        return ModelSpec(inputs="tokens", vocab_size=len(ROLLS), outputs=outputs,
                         activation="softmax", loss="sparse_categorical_crossentropy",
                         metrics=("accuracy",), per_step=True)


def exact_scores(model: HMM, rolls: np.ndarray, dice: np.ndarray, labels: np.ndarray,
                 mode: str, bidirectional: bool = False) -> dict[str, float]:
    """What the exact model scores on these sequences, in the network's own terms.

    Mode `die`: per-step accuracy of the forward posterior's likeliest die ("forward"), of
    Viterbi's path ("viterbi"), and of forward-backward ("smoothed", the bound for a
    bidirectional network). Mode `next`: accuracy and cross-entropy (nats) of the exact
    predictive distribution of the next roll.
    """
    import numpy as np

    posterior, _ = model.forward(rolls)
    if mode == "next":
        predictive = model.predictive(posterior)
        picked = np.take_along_axis(predictive, labels[..., None], axis=-1)[..., 0]
        return {"forward": float((predictive.argmax(-1) == labels).mean()),
                "cross_entropy": float(-np.log(np.clip(picked, 1e-12, None)).mean())}
    path, _ = model.viterbi(rolls)
    scores = {"forward": float((posterior.argmax(-1) == dice).mean()),
              "viterbi": float((path == dice).mean())}
    if bidirectional:
        scores["smoothed"] = float((model.smooth(rolls).argmax(-1) == dice).mean())
    return scores


# The exact model's figures as baselines, named for what each reads: only the one that
# reads as the network does is a fair bar (the forward algorithm for a left-to-right network,
# forward-backward for a bidirectional one); Viterbi reads the whole sequence first.
def baseline_names(hp: Mapping) -> dict[str, str]:
    """exact_scores key → the name a baseline is shown under, for this network."""
    if hp["mode"] == "next":
        return {"forward": "exact predictive distribution (the best possible)"}
    if hp["bidirectional"]:
        return {"smoothed": "forward-backward (reads both ways, as the network: the fair bar)",
                "forward": "forward algorithm (reads left to right only)",
                "viterbi": "Viterbi (reads the whole sequence)"}
    return {"forward": "forward algorithm (reads left to right, as the network: the fair bar)",
            "viterbi": "Viterbi (reads the whole sequence first: not a fair bar)"}


def describe_scores(scores: Mapping[str, float]) -> list[str]:
    """The exact model's figures in words, for the training log."""
    if "cross_entropy" in scores:
        return [f"the exact predictive distribution names the next roll "
                f"{scores['forward']:.1%} of the time (cross-entropy "
                f"{scores['cross_entropy']:.4f} nats: the best possible)"]
    lines = [f"the forward algorithm names the die {scores['forward']:.1%} of the time "
             "(the best a left-to-right reader can do); Viterbi's path "
             f"{scores['viterbi']:.1%}"]
    if "smoothed" in scores:
        lines.append(f"forward-backward (reading both ways, the bound for a bidirectional "
                     f"network) {scores['smoothed']:.1%}")
    return lines


DICE_TASK = DiceTask()
