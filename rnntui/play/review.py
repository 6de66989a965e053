"""Runs that read a review and judge it (imdb): P(positive), and the words it cannot know.

The network reads word ranks, so a typed review needs Keras's IMDb word index (word → rank).
It comes from, in order: a file given (`--word-index`), the run's own copy, the file the
run was trained with (the app's form), Keras's cache,
or (the CLI only) a download of that one JSON file with the standard library: Keras's own
`get_word_index` would import TensorFlow (~3 s and C++ lines on the terminal). Once found,
a copy is kept with the run, so it plays offline from then on.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from rnntui.play.base import MAX_INPUT, Encoded, InputError, Play
from rnntui.runs import atomic_write
from rnntui.tasks import DataUnavailable, SourceField
from rnntui.tasks.imdb import WORD_INDEX, WORD_INDEX_HELP, encode_review, load_word_index
from rnntui.paths import keras_cache_dir

SAMPLE_REVIEW = "this movie was wonderful and the acting was great"
# Where Keras itself downloads it from (keras/src/datasets/imdb.py, get_word_index).
WORD_INDEX_URL = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                  + WORD_INDEX)
DOWNLOAD_TIMEOUT = 20.0  # seconds without a byte before giving up


def download_word_index(url: str | None = None, to: Path | None = None) -> dict[str, int]:
    """Fetch the word index into Keras's cache (where Keras would put it) and read it.

    Prints one progress line to stderr, and only when stderr is a terminal.

    Raises:
        DataUnavailable: offline or a bad answer, in one line that says what to do.
    """
    # RNNTUI_WORD_INDEX_URL: a mirror (and the tests' loopback server)
    url = url or os.environ.get("RNNTUI_WORD_INDEX_URL") or WORD_INDEX_URL
    to = to or keras_cache_dir() / WORD_INDEX
    tell = sys.stderr.isatty()
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as answer:
            total = int(answer.headers.get("Content-Length") or 0)
            chunks, got = [], 0
            while chunk := answer.read(1 << 16):
                chunks.append(chunk)
                got += len(chunk)
                if tell:
                    of = f" of {total / 1e6:.1f}" if total else ""
                    print(f"\rdownloading the IMDb word index: {got / 1e6:.1f}{of} MB",
                          end="", file=sys.stderr, flush=True)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        why = getattr(exc, "reason", None) or exc
        raise DataUnavailable(WORD_INDEX_HELP.format(why=str(why).splitlines()[0][:120])
                              ) from None
    finally:
        if tell:
            print(file=sys.stderr, flush=True)
    raw = b"".join(chunks)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DataUnavailable(WORD_INDEX_HELP.format(why=f"{url} sent no JSON")) from None
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise DataUnavailable(WORD_INDEX_HELP.format(why=f"{url} sent no word → rank map"))
    to.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(to, raw)
    return data


class ReviewPlay(Play):
    """A typed review in, P(positive) out, with the words outside the vocabulary marked."""

    kind = "review"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._word_index: dict[str, int] | None = None
        self._missing: DataUnavailable | None = None

    @property
    def stored_copy(self) -> Path:
        return self.run.path / WORD_INDEX

    def use_word_index(self, word_index: dict[str, int], keep: bool = False) -> None:
        """Use this word index for typed reviews (a `--word-index` file, tests); with
        `keep`, also keep a copy with the run (as README promises for `--word-index`), so
        its later plays find it offline."""
        self._word_index = dict(word_index)
        self._missing = None
        if keep:
            self._keep_copy(self._word_index)

    def _keep_copy(self, words: dict[str, int]) -> None:
        if self.stored_copy.is_file():
            return
        try:  # a copy with the run: it plays offline from now on
            atomic_write(self.stored_copy, json.dumps(words))
        except OSError:
            pass  # a read-only run folder still plays while the file lasts

    def wanted_file(self) -> SourceField | None:
        if self.missing() is None:
            return None
        return next((f for f in self.task.source_fields if f.name == "word_index"), None)

    def supply_file(self, path: str) -> None:
        """A word index file typed on a play screen: used now and kept with the run, so
        its later plays find it offline (as `predict --word-index` does)."""
        self.use_word_index(load_word_index(path, download=False), keep=True)

    def find_word_index(self, download: bool = False) -> None:
        """Look for the word index (see the module's order), keeping a copy with the run.

        Raises:
            DataUnavailable: when it is nowhere to be had (and `download` is False, or fails).
        """
        if self._word_index is not None:
            return
        given = self.run.source.word_index  # a file the run was trained with
        for path in (self.stored_copy, *([Path(given).expanduser()] if given else []),
                     keras_cache_dir() / WORD_INDEX):
            if path.is_file():
                words = load_word_index(path)
                break
        else:
            if not download:
                raise DataUnavailable(WORD_INDEX_HELP.format(why="not cached"))
            words = download_word_index()
        self._keep_copy(words)
        self._word_index = words

    def missing(self) -> DataUnavailable | None:
        if self._word_index is None and self._missing is None:
            try:
                self.find_word_index(download=False)
            except DataUnavailable as exc:
                self._missing = exc
        return self._missing if self._word_index is None else None

    def default_text(self) -> str:
        return SAMPLE_REVIEW

    def step_labels(self) -> list[str] | None:
        """Id → word, from the word index (its absence is raised, saying what to do)."""
        from rnntui.tasks.imdb import id_labels

        missing = self.missing()
        if missing is not None:
            raise missing
        assert self._word_index is not None
        return id_labels(self._word_index, self.hp.num_words)

    def _review(self, text: str) -> tuple[list[int], list[tuple[str, bool]]]:
        if not text.strip():
            raise InputError("type a review first")
        missing = self.missing()
        if missing is not None:
            raise missing
        assert self._word_index is not None
        return encode_review(text, self._word_index, self.hp.num_words)

    def no_label(self, words: list[tuple[str, bool]]) -> str:
        """Why a review gets no label at all ('' when it gets one): not one of its words is
        among those the network knows, so it reads only unknown marks and its "positive
        0.592" for `😀 电影很好` would be a guess dressed as an answer."""
        if any(known for _, known in words):
            return ""
        count = f"{len(words)} word{'s' if len(words) != 1 else ''}" if words else "no word"
        return (f"no label: none of its {count} is among the {self.hp.num_words:,} it knows, "
                "so it would only be guessing")

    def encode(self, text: str) -> Encoded:
        ids, words = self._review(text)
        never = [w for w, known in words if not known]
        warning = self.no_label(words) or ((
            f"{len(never)} of {len(words)} words not among the {self.hp.num_words:,} "
            "it was trained on (read as unknown)") if never else "")
        return Encoded(tuple(["<start>"] + [w if ok else f"{w}?" for w, ok in words]),
                       np.asarray(ids[-MAX_INPUT:], dtype=np.int32), "", warning)

    def sentiment(self, text: str) -> tuple[float | None, list[tuple[str, bool]]]:
        """P(positive) for a typed review (None when it knows none of its words: see
        `no_label`), and its words marked known or out-of-vocabulary."""
        from rnntui.tasks.base import pad_sequences

        ids, words = self._review(text)
        if self.no_label(words):
            return None, words
        # Padded (and cut) as in training: a network that pools over every step has seen
        # the padding's states in every review.
        window = pad_sequences([ids], self.hp.seq_len)[0]
        prob = float(np.asarray(self.net.forward(window)).ravel()[0])
        return prob, words
