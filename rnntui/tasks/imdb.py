"""Seed 003: is a movie review positive or negative? IMDb through `keras.datasets.imdb`.

The data is Keras's (downloaded once and cached by Keras) or an `.npz` the user gives in the
same layout as `imdb.load_data` returns: lists of word ids with 1 = start, 2 = out of
vocabulary, real words from 3 on, and 0/1 labels.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING, Any

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec
from rnntui.config import ConfigError, HParams
from rnntui.paths import keras_cache_dir
from rnntui.tasks.base import (Classes, Dataset, DataSource, DataUnavailable, EpochSample,
                               PlayInput, Probe, Quality, SourceField, Task, pad_sequences)
from rnntui.tasks.features import UnitFeature, UnitText, inside_negation, positions

START, OOV, INDEX_FROM = 1, 2, 3
# How the unit views label the reserved ids (0 pads a short review at its front).
PAD_LABEL, START_LABEL, OOV_LABEL = "<pad>", "<start>", "<unk>"
_KEYS = ("x_train", "y_train", "x_test", "y_test")
SAMPLED_REVIEWS = 3  # each epoch's sample: P(positive) of the first test reviews
SNIPPET_WORDS = 8  # words of each sampled review shown, when the word index is at hand

OFFLINE_HELP = ("IMDb data is not on this machine and could not be downloaded ({why}). "
                "Connect to the internet once so Keras can download and cache it, or give a "
                "file in Keras's layout with --data FILE.npz")


def file_vocabulary(path: str | Path) -> int:
    """How many word ids an IMDb `.npz` uses (its largest id + 1), read once per file
    version.

    Raises:
        DataUnavailable: as `load_npz`.
    """
    path = Path(path).expanduser()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _file_vocabulary(str(path.resolve()), stamp)


@functools.lru_cache(maxsize=8)
def _file_vocabulary(path: str, stamp: int | None) -> int:
    x_train, _, x_test, _ = load_npz(path)
    return 1 + max((max((int(w) for w in seq), default=0) for part in (x_train, x_test)
                    for seq in part), default=0)


def load_npz(path: str | Path) -> tuple[np.ndarray, ...]:
    """x_train, y_train, x_test, y_test from an `.npz` in Keras's IMDb layout.

    Raises:
        DataUnavailable: for a missing, unreadable or wrongly laid out file.
    """
    import numpy as np
    import zipfile

    path = Path(path).expanduser()
    if not path.is_file():
        raise DataUnavailable(f"--data {path}: " + ("not a file" if path.exists()
                                                    else "no such file"))
    # np.load unpickles a file that is a bare pickle (code could run from it): only an .npz
    # (a zip of arrays) gets that far.
    if not zipfile.is_zipfile(path):
        raise DataUnavailable(f"--data {path}: cannot read it as .npz (not a zip of arrays "
                              f"in Keras's IMDb layout: {', '.join(_KEYS)})")
    try:
        # Object arrays of id lists need pickle, as in Keras's own loader: only open files
        # you trust.
        with np.load(path, allow_pickle=True) as npz:
            missing = [k for k in _KEYS if k not in npz.files]
            if missing:
                raise DataUnavailable(f"--data {path}: not in Keras's IMDb layout "
                                      f"(missing {', '.join(missing)}; needs {', '.join(_KEYS)})")
            arrays = tuple(npz[k] for k in _KEYS)
    except DataUnavailable:
        raise
    except Exception as exc:  # zipfile, pickle and OS errors all mean "cannot read this"
        raise DataUnavailable(f"--data {path}: cannot read it as .npz ({exc})") from None
    for name, x, y in (("train", arrays[0], arrays[1]), ("test", arrays[2], arrays[3])):
        if len(x) != len(y) or len(x) == 0:
            raise DataUnavailable(f"--data {path}: x_{name} and y_{name} must be non-empty "
                                  f"and of equal length ({len(x)} vs {len(y)})")
        _check_labels(path, f"y_{name}", y)
        _check_ids(path, f"x_{name}", x)
    return arrays


def _check_labels(path: Path, name: str, y: Any) -> None:
    """Labels are 0 (negative) or 1 (positive): a 3 trained on gives an accuracy of 0.005."""
    import numpy as np

    try:
        values = np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataUnavailable(f"--data {path}: {name} must hold the labels 0 and 1, "
                              "one number a review") from None
    if len(values) != len(y):
        raise DataUnavailable(f"--data {path}: {name} must hold one label a review")
    bad = np.flatnonzero((values != 0) & (values != 1))
    if len(bad):
        raise DataUnavailable(f"--data {path}: {name}[{bad[0]}] is {values[bad[0]]:g}; a label "
                              "is 0 (negative) or 1 (positive)")


def _check_ids(path: Path, name: str, x: Any) -> None:
    """Each review a list of whole word ids ≥ 0 (Keras's layout): a float or negative id
    would reach the embedding."""
    import numpy as np

    for row, review in enumerate(x):
        try:
            ids = np.asarray(review)
        except (TypeError, ValueError):
            ids = np.asarray([0.5])  # ragged or odd: refused below
        if ids.ndim != 1 or (ids.size and not (np.issubdtype(ids.dtype, np.integer) or (
                np.issubdtype(ids.dtype, np.floating) and np.all(np.mod(ids, 1) == 0)))):
            raise DataUnavailable(f"--data {path}: {name}[{row}] must be a list of whole "
                                  "word ids")
        if ids.size and ids.min() < 0:
            raise DataUnavailable(f"--data {path}: {name}[{row}] holds the word id "
                                  f"{ids.min():g}; ids are 0 or more")


def download(num_words: int) -> tuple[np.ndarray, ...]:
    """Keras's IMDb, downloaded on first use (Keras prints a progress bar) and cached."""
    import keras  # ~3 s: only when training actually needs the data

    cached = is_cached()
    if not cached:
        print("downloading the IMDb reviews through Keras (once, ~17 MB)...", flush=True)
        keras.utils.enable_interactive_logging()  # Keras's own progress bar for the download
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(
            num_words=num_words)
    except Exception as exc:  # Keras raises a bare Exception for a failed fetch
        why = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise DataUnavailable(OFFLINE_HELP.format(why=why)) from None
    finally:
        if not cached:
            keras.utils.disable_interactive_logging()
    return x_train, y_train, x_test, y_test


def is_cached() -> bool:
    return (keras_cache_dir() / "imdb.npz").is_file()


class ImdbTask(Task):
    id = "imdb"
    title = "Sentiment of movie reviews (IMDb)"
    learns = "whether a review is positive or negative, word by word"
    data_text = ("25,000 training and 25,000 test reviews from Keras (downloaded once, "
                 "~17 MB), or --data FILE.npz")
    expect = ("test accuracy beside a bag-of-words logistic regression on the same reviews "
              "(the bar to clear); the seed reports ~85% (SimpleRNN), ~88% (LSTM), 88.5% "
              "(LSTM, maxlen 500) on the full data; type a review to get its sentiment")
    seed_ref = "seed 003"
    takes_data = "an .npz file in Keras's IMDb layout"
    quality = Quality("test_accuracy", None, True, "accuracy")
    source_fields = (
        SourceField("data", "data file", "an .npz in Keras's IMDb layout; empty: Keras "
                                         "downloads IMDb"),
        SourceField("word_index", "word index", "Keras's imdb_word_index.json (word → rank), "
                                                "kept with the run so typed reviews work offline"),
    )
    recipe = {"cell": "simple", "units": 32, "layers": 1, "bidirectional": False,
              "dropout": 0.0, "recurrent_dropout": 0.0, "embedding_dim": 32, "seq_len": 200,
              "optimizer": "rmsprop", "learning_rate": 0.001, "batch_size": 128,
              "epochs": 10, "seed": 0, "num_words": 10_000, "readout": "last", "patience": 0}
    # Measured on the real subset (bench/bench_imdb.py, 3 seeds, medians): the seed's recipe
    # gives 0.659 / 0.727 / 0.754 (SimpleRNN / LSTM / GRU); reading the max of every step's
    # hidden state, with Adam at 0.003 for 6 epochs, gives 0.776 / 0.798 / 0.795 in less
    # training time. The last state alone must carry the verdict through 200 steps and
    # learns slowly; the max keeps a strong word wherever it stood. A binary bag-of-words
    # logistic regression on the same reviews gets 0.806, which one direction does not
    # reach (0.795 keeping its best epoch; dropout 0.3 0.782; a mean readout 0.792; 16
    # units both ways 0.800). Both ways, keeping the best validation epoch (patience 2) of
    # at most 6: 0.815 (seeds 0-2: 0.815, 0.831, 0.802), in 120 s for the three against
    # 123 s for the seed's ten one-way epochs (medians 40.5 vs 38.6 s); at most 5 epochs
    # gave 0.802. See bench/bench_baselines.py.
    defaults = {**recipe, "cell": "lstm", "readout": "max", "optimizer": "adam",
                "learning_rate": 0.003, "epochs": 6, "bidirectional": True, "patience": 2}

    unit_features = (
        UnitFeature("position", "how many words of the review have been read, this one "
                                "included (0 on the padding and the start token)"),
        UnitFeature("negation", "1 inside a negation: at not, never or no and the 3 words "
                                "after it"),
    )

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        if name == "position":
            return positions(text.steps, frozenset({PAD_LABEL, START_LABEL}))
        if name == "negation":
            return inside_negation(text.steps)
        raise KeyError(name)

    def check(self, hp: HParams) -> None:
        if hp.embedding_dim < 1:
            raise ConfigError("embedding_dim", "embedding_dim=0: imdb needs an Embedding "
                              f"(one-hot vectors of {hp.num_words} words would not fit)")

    def data_note(self, source: DataSource) -> str | None:
        if source.data or is_cached():
            return None
        return ("IMDb is not on this machine yet: the first training downloads it (~17 MB, "
                "cached by Keras). Offline: give the data as a file, "
                "`rnntui train imdb --data FILE.npz`.")

    def play_input(self, hp: HParams) -> PlayInput:
        return PlayInput("review", "word", hp.seq_len,
                         trained_on=f"IMDb reviews cut to {hp.seq_len} words, the "
                                    f"{hp.num_words:,} most frequent known")

    def source_defaults(self, source: DataSource) -> dict[str, Any]:
        # A file whose word ids stop below the default vocabulary (the 500-word subset):
        # an Embedding(10000) would train 500 rows and the run would say "the 10,000 most
        # frequent words". Its own count instead, unless num_words is set.
        if not source.data:
            return {}
        words = file_vocabulary(source.data)
        return {"num_words": max(words, 10)} if words < self.defaults["num_words"] else {}

    def check_source(self, source: DataSource) -> None:
        if source.data:
            load_npz(source.data)

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        import numpy as np
        if source.data:
            x_train, y_train, x_test, y_test = load_npz(source.data)
        else:
            x_train, y_train, x_test, y_test = download(hp.num_words)

        def prepare(seqs: np.ndarray) -> np.ndarray:
            capped = [[w if w < hp.num_words else OOV for w in seq] for seq in seqs]
            return pad_sequences(capped, hp.seq_len)

        return Dataset(
            x_train=prepare(x_train), y_train=np.asarray(y_train, dtype=np.float32),
            x_test=prepare(x_test), y_test=np.asarray(y_test, dtype=np.float32),
            validation_split=0.2,
            notes=(f"{len(x_train):,} training reviews (20% held out for validation), "
                   f"{len(x_test):,} test reviews, cut or padded to {hp.seq_len} words",))

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        # The same reviews, cut to the same words and ids, the same 80% of the training
        # reviews to fit on: only the model differs.
        from rnntui.baselines.text import bag_of_words_accuracies

        return bag_of_words_accuracies(data.x_train, data.y_train, data.x_test, data.y_test,
                                       hp.num_words, data.validation_split)

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample:
        """P(positive) of the first three test reviews (fixed: the same three every epoch),
        with their true label and, when Keras's word index is cached, their first words."""
        import numpy as np

        x = data.x_test[:SAMPLED_REVIEWS]
        labels = np.asarray(data.y_test[:SAMPLED_REVIEWS]).reshape(-1)
        p = np.asarray(probe.predict(x), dtype=np.float64).reshape(-1)
        words = self._words()
        lines = []
        for number, (ids, label, prob) in enumerate(zip(x, labels, p), start=1):
            truth = "positive" if label >= 0.5 else "negative"
            right = (prob >= 0.5) == (label >= 0.5)
            text = ""
            if words is not None:
                shown = ["<oov>" if int(i) == OOV else words.get(int(i) - INDEX_FROM, "?")
                         for i in ids
                         if int(i) not in (0, START)][:SNIPPET_WORDS]
                text = f"  “{' '.join(shown)} …”"
            lines.append(f"review {number} ({truth}): P(positive) {prob:.3f} "
                         f"{'✓' if right else '✗'}{text}")
        return EpochSample(tuple(lines), {f"p_positive_{i + 1}": float(v)
                                          for i, v in enumerate(p)})

    def _words(self) -> dict[int, str] | None:
        """Rank → word from Keras's cached word index (never downloaded for a sample), read
        once; None when it is not cached."""
        if not hasattr(self, "_rank_words"):
            try:
                index = load_word_index(download=False)
            except DataUnavailable:
                index = None
            self._rank_words = None if index is None else {r: w for w, r in index.items()}
        return self._rank_words

    def classes(self, hp: HParams) -> Classes:
        return Classes(("negative", "positive"), binary=True)

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        # Seed 003's SimpleRNN model has a Dense(32, relu) between the RNN and the head.
        hidden = 32 if hp.cell == "simple" else 0
        return ModelSpec(inputs="tokens", vocab_size=hp.num_words, outputs=1,
                         activation="sigmoid", loss="binary_crossentropy",
                         metrics=("accuracy",), hidden_dense=hidden)


IMDB = ImdbTask()


WORD_INDEX = "imdb_word_index.json"
_REVIEW_WORD = re.compile(r"[a-z0-9']+")
WORD_INDEX_HELP = ("Keras's IMDb word index is not on this machine and could not be "
                   "downloaded ({why}). Connect once so Keras can cache it, or give a JSON "
                   "word → rank file with --word-index FILE")


def load_word_index(path: str | Path | None = None, download: bool = True) -> dict[str, int]:
    """Keras's IMDb word → frequency rank map (rank 1 = most frequent word).

    Read from `path`, else from Keras's cache, else downloaded by Keras (when `download`).

    Raises:
        DataUnavailable: when it is nowhere to be had, saying what to do.
    """
    candidate = Path(path).expanduser() if path else keras_cache_dir() / WORD_INDEX
    if not candidate.is_file():
        if path:
            raise DataUnavailable(f"--word-index {candidate}: no such file")
        if not download:
            raise DataUnavailable(WORD_INDEX_HELP.format(why="not cached"))
        try:
            import keras  # ~3 s; only the first time, to download

            return dict(keras.datasets.imdb.get_word_index())
        except Exception as exc:
            why = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise DataUnavailable(WORD_INDEX_HELP.format(why=why)) from None
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataUnavailable(f"{candidate}: not a readable JSON word index ({exc})") from None
    except RecursionError:
        raise DataUnavailable(f"{candidate}: not a word index (JSON nested too deeply)") from None
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise DataUnavailable(f"{candidate}: not a word → rank JSON object")
    return data


def encode_review(text: str, word_index: dict[str, int], num_words: int
                  ) -> tuple[list[int], list[tuple[str, bool]]]:
    """A typed review as the network's ids (start mark first), and each word with whether
    the network knows it (False: it reads it as out-of-vocabulary)."""
    ids = [START]
    words = []
    for word in _REVIEW_WORD.findall(text.lower()):
        rank = word_index.get(word)
        known = rank is not None and rank + INDEX_FROM < num_words
        ids.append(rank + INDEX_FROM if known else OOV)
        words.append((word, known))
    return ids, words


def id_labels(word_index: dict[str, int], num_words: int) -> list[str]:
    """Token id → the word it reads (the reserved ids as PAD_LABEL, START_LABEL, OOV_LABEL),
    for the `num_words` ids a run reads."""
    labels = [PAD_LABEL, START_LABEL, OOV_LABEL] + [OOV_LABEL] * max(num_words - INDEX_FROM, 0)
    for word, rank in word_index.items():
        if 0 <= rank + INDEX_FROM < num_words:
            labels[rank + INDEX_FROM] = word
    return labels[:num_words]
