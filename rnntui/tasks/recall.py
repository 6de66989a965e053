"""Remember the first letter: the classic test of memory through time.

Each sequence starts with the letter to remember, followed by `seq_len − 1` random distractor
letters; the network must name the first letter at the end. Every step between the two is a
step the memory must survive: this is where an LSTM's cell state earns its keep (seed 003,
after Bengio et al. 1994 and Hochreiter & Schmidhuber 1997). With Keras's orthogonal
recurrent init a SimpleRNN found the letter even at seq_len 60 (seed 0), so the defaults add
recurrent dropout, which masks a SimpleRNN's only memory and leaves the gated cells' carry
paths alone (Semeniuta et al. 2016): the SimpleRNN forgets and both gated cells remember.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec
from rnntui.config import ConfigError, HParams
from rnntui.tasks.base import (Classes, Dataset, DataSource, EpochSample, PlayInput, Probe,
                               Quality, Task, encode_tokens)
from rnntui.tasks.features import UnitFeature, UnitText

ALPHABET = "abcdefgh"
TRAIN, VALIDATION, TEST = 3000, 600, 600
SAMPLED = 8  # held-out sequences answered in each epoch's sample


def sequences(count: int, seq_len: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`count` random letter sequences (ids) and their first letters."""
    import numpy as np
    x = rng.integers(0, len(ALPHABET), size=(count, seq_len), dtype=np.int32)
    return x, x[:, 0].copy()


class RecallTask(Task):
    id = "recall"
    title = "Remember the first letter"
    learns = "to carry the first letter through many distractor letters to the end"
    data_text = (f"{TRAIN:,} training, {VALIDATION:,} validation and {TEST:,} test "
                 f"sequences of random letters '{ALPHABET}', made here")
    # Measured with bench/bench_recall_cells.py (seeds 0-2, README's table) at these
    # defaults: LSTM and GRU remember for every seed (best validation accuracy 1.0; LSTM
    # at epochs 59, 69, 60, GRU at 39, 77, 33) and the SimpleRNN does not (best 0.302,
    # 0.275, 0.355; its last epoch, the one kept, 0.250, 0.198, 0.105 on the test set;
    # chance 0.125).
    # recurrent_dropout masks the state where it enters the recurrent product, each step
    # anew: that is the SimpleRNN's only path from step to step, while the LSTM's cell
    # state and the GRU's z·h are not masked (Semeniuta et al. 2016, "Recurrent dropout
    # without memory loss"). Without it the SimpleRNN (orthogonal recurrent init) finds the
    # letter too, at seq_len 30 and even at 60 (seed 0: 0.983 at epoch 12), where GRU
    # stays at chance (seed 0: best 0.138 in 60 epochs); at the earlier defaults (units 16,
    # lr 0.01, 40 epochs, seq_len 30) GRU stayed at chance for every seed.
    # Clipping, at those earlier defaults (2026-12-07, 2-core CPU shared with other jobs):
    # `rnntui train recall --set cell=simple --seeds 3` gave seed 0 diverged at epoch 12
    # (epoch 9 kept, 0.743), seeds 1 and 2 0.632 and 0.477; with `--set clipnorm=1` 1.000,
    # 1.000 and 0.242, none diverged.
    expect = ("LSTM and GRU learn it (100% validation accuracy, 3 seeds of 3, after a long "
              "stretch near chance: LSTM by epochs 59-69, GRU by 33-77 of the 80) and "
              "SimpleRNN does not (its best 28-36%, chance 12.5%): "
              "compare the three with C. recurrent_dropout 0.7 drops the carried state at "
              "random each step: a SimpleRNN's only memory, while the gated cells carry the "
              "letter in a path it leaves alone (LSTM's cell state, GRU's z·h). Set it to 0 "
              "and a SimpleRNN may find the letter too (it did at seq_len 30 and 60). Clipping, "
               "measured for SimpleRNN at the earlier defaults (units 16, lr 0.01, seq_len "
               "30, no dropout; seeds 0-2): without it one run of three diverged (test "
               "accuracy 0.62 ± 0.13); with clipnorm=1 none did and two of three reached "
               "100% (0.75 ± 0.44)")
    seed_ref = "seed 003 (vanishing gradients)"
    off_fast_path = ("recurrent_dropout 0.7 is the lesson's lever (what the gated cells keep "
                     "and a SimpleRNN loses); it is also what takes a GPU off the fused kernel")
    quality = Quality("accuracy", 0.95, True, "accuracy")
    defaults = {"cell": "lstm", "units": 32, "layers": 1, "bidirectional": False,
                "readout": "last",  # a pool over every step would see the letter directly
                # The lesson's lever (see above); it takes a GPU off the fused cuDNN
                # kernel (rnntui.fastpath says so where it applies).
                "dropout": 0.0, "recurrent_dropout": 0.7, "embedding_dim": 0, "seq_len": 20,
                "optimizer": "adam", "learning_rate": 0.003, "batch_size": 32, "epochs": 80,
                "seed": 0,
                # Off: the LSTM sits at chance for many epochs before it finds the trick,
                # and a patience that stopped it there would end the lesson before it shows.
                "patience": 0}
    recipe = defaults  # no seed tutorial trains this; its lesson is seed 003's
    unit_features = (UnitFeature("since_marked", "steps since the marked symbol (the first "
                                                 "letter, the one to remember): 0 there"),)

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        if name != "since_marked":
            raise KeyError(name)
        return [float(t) for t in range(len(text.steps))]

    def play_input(self, hp: HParams) -> PlayInput:
        # The answer comes after exactly seq_len steps: read sooner, the network has not
        # been asked yet, and its output there was never trained.
        return PlayInput("sequence", "letter", hp.seq_len, exact=True, seen=ALPHABET,
                         trained_on=f"sequences of exactly {hp.seq_len} letters of "
                                    f"'{ALPHABET}', answered with the first")

    def check(self, hp: HParams) -> None:
        if hp.seq_len < 2:
            raise ConfigError("seq_len", f"seq_len={hp.seq_len}: must be at least 2 (the "
                                         "letter to remember, then distractors)")

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        import numpy as np
        rng = np.random.default_rng(hp.seed)
        x, y = sequences(TRAIN, hp.seq_len, rng)
        x_val, y_val = sequences(VALIDATION, hp.seq_len, rng)
        x_test, y_test = sequences(TEST, hp.seq_len, rng)  # after the others: they stay
        embedded = hp.embedding_dim > 0
        return Dataset(x_train=encode_tokens(x, len(ALPHABET), embedded), y_train=y,
                       x_val=encode_tokens(x_val, len(ALPHABET), embedded), y_val=y_val,
                       x_test=encode_tokens(x_test, len(ALPHABET), embedded), y_test=y_test,
                       vocab=tuple(ALPHABET),
                       notes=(f"{TRAIN:,} sequences of {hp.seq_len} letters; chance is "
                              f"{1 / len(ALPHABET):.1%}",))

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        # The label is the first letter and every other letter is drawn independently of
        # it, so whatever ignores the first letter is at chance: the best such rule names
        # the letter most often first in training, whatever the sequence says.
        import numpy as np

        counts = np.bincount(np.asarray(data.y_train).ravel(), minlength=len(ALPHABET))
        majority = int(counts.argmax())
        return {"chance": 1 / len(ALPHABET),
                "best rule without the first letter":
                    float((np.asarray(data.y_test).ravel() == majority).mean())}

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample:
        """Its answer for the first held-out sequences: `c…→c` (the letter to remember,
        then what it named), with ✗ where it is wrong."""
        from rnntui.tasks.sampling import answers

        x, want = data.x_test[:SAMPLED], data.y_test[:SAMPLED]
        said = answers(probe.predict(x))
        right = int((said == want).sum())
        items = [f"{ALPHABET[w]}…→{ALPHABET[a]}" + ("" if a == w else "✗")
                 for a, w in zip(said, want)]
        return EpochSample((f"{right}/{len(want)} test sequences remembered", " ".join(items)),
                           {"right": right, "sequences": len(want)})

    def classes(self, hp: HParams) -> Classes:
        return Classes(tuple(ALPHABET))

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        return ModelSpec(inputs="tokens", vocab_size=len(ALPHABET), outputs=len(ALPHABET),
                         activation="softmax", loss="sparse_categorical_crossentropy",
                         metrics=("accuracy",))


RECALL = RecallTask()
