"""Seed 004: a character-level language model of Tang poems (or of any text).

The seed cuts each line into windows of 5 characters, but every line is at most 5 characters
long, so it gets no training windows at all. Here the poems are joined into one stream, each
ending with an END token, and the network learns the next token at every step of windows that
run across lines and poems.

The corpus is the Tang poems of chinese-poetry (downloaded once; offline, the built-in starter
corpus) or the user's `--corpus FILE`, prepared by `rnntui.poetry.prepare`: converted to the
run's script, duplicates removed, the chosen form kept, a seeded subset of `max_poems`, and 10%
held out with no line shared with the training poems: half of them (validation) pick the kept
epoch, the other half (test) give the reported figures, the network's and the baselines' alike,
on the same events as `rnntui score`. The vocabulary comes from the training
poems only, and reads rarer and unseen characters as UNK.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass
from collections.abc import Callable, Mapping, Sequence

from typing import TYPE_CHECKING

# numpy (~50 ms to import) is imported inside the functions that make data, so the app can
# list the tasks without it before its first frame.
if TYPE_CHECKING:
    import numpy as np

from rnntui.architecture import ModelSpec
from rnntui.config import HParams
from rnntui.tasks.base import (Dataset, DataSource, DataUnavailable, EpochSample, PlayInput,
                               Probe, Quality, SourceField, Task, encode_tokens)
from rnntui.tasks.corpus import END, UNK, read_corpus_files, read_poems, tokenize
from rnntui.tasks.features import (UnitFeature, UnitText, line_numbers, line_positions,
                                   next_is_mark)

if TYPE_CHECKING:
    from rnntui.poetry.prepare import PreparedCorpus

HELD_OUT = 0.1
SAMPLE_START = "床前明月光"  # each epoch's sample: the quatrain the network writes from it
# Tokens seen fewer than MIN_COUNT times in the training poems are read as UNK: the network
# learns how often "some rare character" comes (2.9% of tang300's held-out characters never
# occur in training), and its softmax is not spread over hundreds of characters it saw a
# single time. Measured on tang300 with a cut of 2: 2,504 distinct training characters, 811
# of them once; the vocabulary keeps 1,693.
# Issue 26 item 8: at least 5 times, not 2. On the 10,000-poem default corpus that keeps
# 3,213 distinct training characters instead of 4,258 (0.9% of training characters become UNK,
# for the network and the n-gram baselines alike); the softmax, most of an epoch's work, is a
# quarter smaller: an epoch takes 0.76 of the time and 0.5x the Kneser-Ney 5-gram comes after
# the same 3 epochs (0.486x against 0.491x; bench/bench_poems_speed.py, README "Poems: figures").
MIN_COUNT = 5
# The cuts of earlier versions: a run trained with one still finds its training poems.
EARLIER_MIN_COUNTS = (2,)
# ... but in a small corpus a third of the characters occur once (564 of 1,488 in the starter
# corpus's training poems), among them ones users type first: 床 of 床前明月光 appears once
# when 静夜思 is held out. Below this many training characters every character seen is kept.
SMALL_CORPUS = 50_000
# In a larger corpus a training window starts every seq_len // STRIDE_DIV tokens: every
# seq_len (windows side by side, each target trained on once an epoch). Windows overlapping
# by half (2, before issue 26) read every target twice an epoch, for twice the time: on the
# 10,000-poem default corpus two epochs side by side reached 0.625x the Kneser-Ney 5-gram where
# one overlapping epoch, the same updates and time, reached 0.70x (bench_poems_speed.py).
STRIDE_DIV = 1


def min_count_for(token_lists: Sequence[Sequence[str]]) -> int:
    """The vocabulary's cut-off for these training poems: 1 for a small corpus, else
    MIN_COUNT."""
    return 1 if sum(len(t) for t in token_lists) < SMALL_CORPUS else MIN_COUNT


def stride_for(seq_len: int) -> int:
    """Tokens between the starts of training windows (see STRIDE_DIV), in a corpus of any
    size. A small corpus was read at 8 times the offsets before the learning rate that halves
    each epoch: at 0.01 so many updates overfit the starter corpus within its first epoch
    (310 against the Kneser-Ney 3-gram's 237 on seed 0's split); side by side it beats the
    3-gram on 2 of 3 seeds' splits, where the 8 offsets at 0.005 lost 2 and tied 1 (README)."""
    return max(1, seq_len // STRIDE_DIV)


def build_vocab(token_lists: Sequence[Sequence[str]],
                min_count: int = MIN_COUNT) -> tuple[str, ...]:
    """END, UNK, then the tokens seen at least `min_count` times, from most to least frequent
    (ties in code-point order). Rarer tokens are read as UNK."""
    counts = Counter(tok for toks in token_lists for tok in toks)
    counts.pop(END, None)
    counts.pop(UNK, None)
    kept = [t for t in counts if counts[t] >= min_count]
    return (END, UNK, *sorted(kept, key=lambda t: (-counts[t], t)))


def stream(token_lists: Sequence[Sequence[str]], index: Mapping[str, int]) -> np.ndarray:
    """All poems as one id sequence, each followed by END; tokens outside `index` read as
    UNK."""
    import numpy as np
    unk = index[UNK]
    ids: list[int] = []
    for toks in token_lists:
        ids.extend(index.get(t, unk) for t in toks)
        ids.append(index[END])
    return np.asarray(ids, dtype=np.int32)


def unigram_log_prior(targets: np.ndarray, size: int) -> np.ndarray:
    """log P(token) from the training targets, add-one smoothed: the softmax's starting bias.

    Starting from the unigram the network need not spend its first epochs learning how common
    each character is, and a rare one starts near its smoothed frequency instead of sinking
    with every update that pushes the likely ones up.
    """
    import numpy as np
    counts = np.bincount(np.asarray(targets).ravel(), minlength=size)[:size] + 1.0
    return np.log(counts / counts.sum())


def windows(ids: np.ndarray, seq_len: int, targets: np.ndarray | None = None,
            stride: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and next-token targets at every step, windows overlapping by half (or
    starting every `stride` tokens).

    Args:
        ids: the stream the network reads.
        seq_len: steps per window.
        targets: the stream it is asked to predict, aligned with `ids` (default: `ids`).
        stride: tokens between window starts (default: half a window).
    """
    import numpy as np
    targets = ids if targets is None else targets
    stride = max(1, stride or seq_len // 2)
    starts = range(0, len(ids) - seq_len, stride)
    x = np.array([ids[s:s + seq_len] for s in starts], dtype=np.int32).reshape(-1, seq_len)
    y = np.array([targets[s + 1:s + seq_len + 1] for s in starts],
                 dtype=np.int32).reshape(-1, seq_len)
    return x, y


def unknown_targets(ids: np.ndarray, token_lists: Sequence[Sequence[str]],
                    index: Mapping[str, int], seed: int, share: float = 1.0) -> np.ndarray:
    """The target stream of a corpus that keeps every character: each occurrence of a
    character seen once becomes UNK with probability `share` (seeded; by default always).

    Args:
        ids: the training stream (`stream(token_lists, index)`).
        token_lists: the training poems' tokens.
        index: the vocabulary, token → id.
        seed: the run's seed.
        share: the probability that an occurrence of a character seen once becomes UNK
            (on the starter corpus, seeds 0-2: always beat the Kneser-Ney 3-gram on 2 of 3
            splits, half the time on 1 of 3).

    Returns:
        `ids` with those occurrences replaced by UNK's id.

    A vocabulary that keeps every training character (a small corpus, see `min_count_for`)
    leaves no UNK in the training stream, so the network never learns how often "a
    character it has not seen" comes, and pays for every unseen held-out character (8% of
    the starter corpus's) at the price of its rarest one. Read as UNK as a target, a
    character seen once teaches that rate, as it does where the vocabulary cuts it (the
    rule of MIN_COUNT), while as an input it stays itself, so 床 still means 床 when a user
    types it (after the singleton trick of Dyer et al., 2015, which does it half the time).
    """
    import numpy as np

    counts = Counter(tok for toks in token_lists for tok in toks)
    once = np.zeros(len(index), dtype=bool)
    for tok, n in counts.items():
        if n == 1 and tok in index:
            once[index[tok]] = True
    swap = once[ids] & (np.random.default_rng(seed).random(len(ids)) < share)
    return np.where(swap, index[UNK], ids).astype(np.int32)


def split_poems(poems: Sequence[str], seed: int) -> tuple[list[str], list[str]]:
    """Hold out 10% of the poems (at least one when there are ten or more), none sharing a
    line with a training poem (see `rnntui.poetry.prepare.split_by_lines`)."""
    from rnntui.poetry.prepare import split_by_lines

    return split_by_lines(poems, seed, HELD_OUT)


@dataclass(frozen=True)
class PoemsData(Dataset):
    """The arrays, and the poems themselves as token ids (UNK for what the vocabulary lacks),
    for the figures that read whole poems.

    Attributes:
        train_ids: the training poems (the n-grams are fitted on them).
        test_ids: the test poems, on which the network and the n-grams are reported.
    """

    train_ids: tuple[tuple[int, ...], ...] = ()
    test_ids: tuple[tuple[int, ...], ...] = ()


def poem_ids(token_lists: Sequence[Sequence[str]], index: Mapping[str, int]
             ) -> tuple[tuple[int, ...], ...]:
    """Each poem's token ids, tokens outside `index` as UNK (no END: scorers add it)."""
    unk = index[UNK]
    return tuple(tuple(index.get(t, unk) for t in toks) for toks in token_lists)


def training_streams(token_lists: Sequence[Sequence[str]], index: Mapping[str, int],
                     seed: int) -> tuple[np.ndarray, np.ndarray, tuple[tuple[int, ...], ...]]:
    """What the network reads, what it learns to predict, and the training poems as the
    n-gram baselines learn them: the same targets, so they are fitted on the same events.

    Args:
        token_lists: the training poems' tokens.
        index: the run's vocabulary, token → id.
        seed: the run's seed.

    Returns:
        (input stream, target stream, target poems without END).
    """
    import numpy as np

    ids = stream(token_lists, index)
    if len(index) - 2 < len({t for toks in token_lists for t in toks}):
        return ids, ids, poem_ids(token_lists, index)  # rare characters are UNK already
    targets = unknown_targets(ids, token_lists, index, seed)
    ends = np.flatnonzero(targets == index[END])
    starts = np.concatenate([[0], ends[:-1] + 1])
    return ids, targets, tuple(tuple(int(t) for t in targets[a:b])
                               for a, b in zip(starts, ends))


def form_for(hp: HParams) -> str:
    """The form the run keeps: its `form` for poems of characters; a text read word by word
    (an English text, say) has no lines of 5 or 7 characters, and is read whole."""
    return hp.form if hp.tokens == "char" else "any"


def corpus_poems(source: DataSource, download: bool = True) -> tuple[list[str], str]:
    """The poems of the run's corpus, and a line saying where they came from.

    The user's `--corpus` file; else the Tang poems of chinese-poetry (downloaded once when
    `download`, else only if already cached); else the built-in starter corpus.

    Raises:
        DataUnavailable: for a bad `--corpus` file.
    """
    from rnntui.poetry import download as real

    if source.corpus:
        return read_poems(source.corpus), f"--corpus {source.corpus}"
    why = "not downloaded yet"
    if download:
        try:
            return read_corpus_files(real.fetch()), "the Tang poems of chinese-poetry (全唐诗)"
        except DataUnavailable as exc:
            why = str(exc)
            # said where the download's own lines were (the terminal of `rnntui train`, the
            # training log in the app); the run's notes say it again
            print(f"{why}: training on the built-in starter corpus instead", file=sys.stderr,
                  flush=True)
    elif real.is_cached():
        return read_corpus_files(real.cached_files()), "the Tang poems of chinese-poetry (全唐诗)"
    return read_poems(), f"{why}: the built-in starter corpus instead"


class PoemsTask(Task):
    id = "poems"
    title = "Tang poems (character language model)"
    learns = "which character comes next in a Tang poem, to write poems from a first line"
    data_text = ("the Tang poems of chinese-poetry (57,607 poems, downloaded once, ~25 MB; "
                 "offline, a built-in corpus of 270), or --corpus FILE (UTF-8 text or "
                 "chinese-poetry JSON); in the run's script, without duplicates, 10% held out "
                 "(half picks the kept epoch, half is scored)")
    expect = ("on the real corpus, held-out perplexity about half a Kneser-Ney 5-gram's "
              "(rnntui score); from 床前明月光 quatrains of five-character lines whose lines "
              "2 and 4 rhyme")
    seed_ref = "seed 004"
    quality = Quality("perplexity", None, False, "loss")
    source_fields = (
        SourceField("corpus", "corpus", "UTF-8 text or chinese-poetry JSON; empty: the Tang "
                                        "poems (downloaded once), else the built-in ones"),
    )
    recipe = {"cell": "lstm", "units": 128, "layers": 1, "bidirectional": False,
              "dropout": 0.0, "recurrent_dropout": 0.0, "embedding_dim": 64, "seq_len": 5,
              "optimizer": "adam", "learning_rate": 0.001, "batch_size": 32, "epochs": 50,
              "seed": 0, "tokens": "char", "patience": 0, "script": "simplified",
              "form": "regulated", "max_poems": 10_000, "lr_schedule": "constant"}
    # Measured on tang300 (10% of poems held out, stateful per-character perplexity): the
    # seed's settings overfit after ~7 epochs (best 556); dropout 0.5 (also before the
    # softmax), Adam 0.005, batch 32 and 20 epochs reach 443, worse than a smoothed bigram
    # (336). Then, with the same vocabulary for both (training poems, MIN_COUNT, UNK): 245
    # against the bigram's 240; with the softmax's bias started at the log unigram, 207;
    # with embedding 128, 182-187. LSTM(256) with embedding 128 is kept: 208 (13% below the
    # bigram) in 95-135 s on 2 CPU cores, and its quatrains keep the form (bench_poem_form:
    # 93% of generated lines at temperature 0.5, against 88% for LSTM(128), whose perplexity
    # is better). Tried and not kept: dropout 0.3 (best 219 at epoch 10, then overfits: 237),
    # embedding 192 (182, within noise of 128), windows of 64 (199), LSTM(256) for 30 epochs
    # (237: memorises; form 94%).
    # The corpus: simplified script (what users type), quatrains and regulated verse, and a
    # subset of 10,000 poems (~410,000 characters): about 2 minutes an epoch on 2 CPU cores
    # (160-295 s on a CPU shared with four other jobs). 5 epochs of it reach 0.451x the
    # Kneser-Ney 5-gram's perplexity on the test poems (121 against 269, `rnntui score`),
    # with the validation loss still falling; 1,160 s on a CPU shared four ways.
    # Issue 26, item 8 (a default that reaches 0.5x the 5-gram within 2 minutes of training):
    # windows side by side (STRIDE_DIV) and dropout 0.2 instead of 0.5, which in the first
    # epochs only slows learning (epoch 1: 0.715x against 0.832x; epoch 2: 0.539x against
    # 0.625x), bench/bench_poems_speed.py; README "Poems: figures". Then Adam at 0.01, halved
    # every epoch (0.005 in the second): 0.614x after one epoch and 0.489x after two, where a
    # constant 0.005 needed three (0.695x, 0.530x, 0.486x); a constant 0.008 or 0.01 gave
    # 0.508x after two, batch 64 at 0.012 halved 0.507x.
    defaults = {**recipe, "units": 256, "seq_len": 32, "dropout": 0.2, "embedding_dim": 128,
                "learning_rate": 0.01, "lr_schedule": "exponential", "lr_decay": 0.5,
                "batch_size": 32, "epochs": 5,
                "script": "simplified", "form": "regulated", "max_poems": 10_000,
                # Keep the best epoch rather than the last (on a small corpus the held-out
                # perplexity bottoms out within a few epochs).
                "patience": 3}
    # Sampling temperature for writing poems: on tang300 with the defaults, 92-97% of
    # generated lines keep the first line's length and marks from 0.3 to 0.6, 89% at 0.8.
    temperature = 0.6

    unit_features = (
        UnitFeature("line_position", "at the step that reads a character, how many "
                    "characters of the current line have been read, that one included; 0 "
                    "at punctuation marks and at the start and end tokens"),
        UnitFeature("line_number", "the line the step is in (1 for the first; a mark counts "
                    "in the line it ends; 0 at the start and end tokens)"),
        UnitFeature("next_is_mark", "1 where the next step reads a punctuation mark"),
    )

    def feature_values(self, hp: HParams, name: str, text: UnitText) -> list[float]:
        special = frozenset({END})
        if name == "line_position":
            return line_positions(text.steps, special)
        if name == "line_number":
            return line_numbers(text.steps, special)
        if name == "next_is_mark":
            return next_is_mark(text.steps)
        raise KeyError(name)

    def typed_unit_text(self, hp: HParams, text: UnitText,
                        labels: Sequence[str] | None) -> UnitText:
        """A typed start read after END, as every held-out poem is (and as training read
        each poem), so its states are comparable with theirs."""
        import numpy as np

        if not labels or END not in labels or (text.steps and text.steps[0] == END):
            return text
        end = list(labels).index(END)
        x = np.asarray(text.x)
        start = (np.asarray([end], dtype=x.dtype) if x.ndim == 1
                 else np.eye(x.shape[1], dtype=x.dtype)[[end]])
        return UnitText(np.concatenate([start, x]), (END, *text.steps), text.known)

    def unit_texts(self, hp: HParams, data: Dataset,
                   labels: Sequence[str] | None) -> list[UnitText]:
        """The test poems, each read from its start as in training and scoring: END,
        then its characters and marks."""
        import numpy as np

        if not isinstance(data, PoemsData) or data.vocab is None:
            return super().unit_texts(hp, data, labels)
        labels = labels or data.vocab
        end = data.vocab.index(END)
        texts = []
        for ids in data.test_ids:
            row = np.asarray((end, *ids), dtype=np.int32)
            x = row if hp.embedding_dim > 0 else encode_tokens(row, len(data.vocab), False)
            texts.append(UnitText(x, tuple(labels[i] for i in row)))
        return texts

    def next_step_targets(self, hp: HParams) -> bool:
        return True  # a language model: each step's target is the next character (or word)

    def lines_for(self, hp: HParams) -> int | None:
        # From a first line, a quatrain (bench_poem_form measures it with 4). Words (an
        # English text, say) have no line marks to count.
        return 4 if hp.tokens == "char" else None

    def play_input(self, hp: HParams) -> PlayInput:
        unit = "character" if hp.tokens == "char" else "word"
        return PlayInput("poem", unit, trained_on=f"whole poems, {unit} by {unit}")

    def prepared(self, hp: HParams, source: DataSource = DataSource(),
                 download: bool = True) -> tuple[PreparedCorpus, str]:
        """The run's poems, converted, deduplicated, of its form and split, and where from.

        Raises:
            DataUnavailable: a bad `--corpus`, or no poem of the chosen form.
        """
        from rnntui.poetry.prepare import prepare

        poems, origin = corpus_poems(source, download)
        prepared = prepare(poems, hp.script, form_for(hp), hp.max_poems, hp.seed)
        if not prepared.train:
            raise DataUnavailable(f"{origin}: no poem of form={hp.form} in it (set form=any "
                                  "for free verse or prose)")
        return prepared, origin

    def training_targets(self, hp: HParams, train_poems: Sequence[str],
                         vocab: Sequence[str]) -> tuple[tuple[int, ...], ...]:
        """The training poems as the network learnt them (rare characters as UNK targets,
        drawn from the run's seed), without END: what the n-gram baselines are fitted on."""
        index = {t: i for i, t in enumerate(vocab)}
        return training_streams([tokenize(p, hp.tokens) for p in train_poems], index,
                                hp.seed)[2]

    def training_poems(self, hp: HParams, source: DataSource, vocab: Sequence[str]
                       ) -> tuple[list[str], list[str], str]:
        """A trained run's training and test poems (the held-out half its figures are
        reported on, never used to pick its epoch), and where from; rebuilt from its corpus
        (no download) and checked against the vocabulary it saved.

        Without `--corpus` the run read the real corpus or, offline, the starter one: the one
        whose training poems give the saved vocabulary is it.

        Raises:
            DataUnavailable: when no corpus at hand gives the run's vocabulary (its file
                changed, or the real corpus is no longer cached).
        """
        from rnntui.poetry import download as real
        from rnntui.poetry.prepare import prepare

        candidates: list[tuple[str, Callable[[], list[str]]]] = []
        if source.corpus:
            candidates.append((f"--corpus {source.corpus}", lambda: read_poems(source.corpus)))
        else:
            if real.is_cached():
                candidates.append(("the Tang poems of chinese-poetry (全唐诗)",
                                   lambda: read_corpus_files(real.cached_files())))
            candidates.append(("the built-in starter corpus", read_poems))
        for origin, read in candidates:
            prepared = prepare(read(), hp.script, form_for(hp), hp.max_poems, hp.seed)
            tokens = [tokenize(p, hp.tokens) for p in prepared.train]
            cuts = dict.fromkeys((min_count_for(tokens), *EARLIER_MIN_COUNTS))
            if any(list(build_vocab(tokens, cut)) == list(vocab) for cut in cuts):
                return prepared.train, prepared.test, origin
        raise DataUnavailable("cannot rebuild this run's training poems: its corpus is not "
                              "at hand as it was (" + ", or ".join(o for o, _ in candidates)
                              + " gives another vocabulary)")

    def load(self, hp: HParams, source: DataSource = DataSource()) -> Dataset:
        import numpy as np
        prepared, origin = self.prepared(hp, source)
        train_tokens = [tokenize(p, hp.tokens) for p in prepared.train]
        val_tokens = [tokenize(p, hp.tokens) for p in prepared.validation]
        test_tokens = [tokenize(p, hp.tokens) for p in prepared.test]
        # From the training poems only: what the held-out poems hold is not known in advance
        # (their unseen characters read as UNK, as a user's would).
        vocab = build_vocab(train_tokens, min_count_for(train_tokens))
        index = {tok: i for i, tok in enumerate(vocab)}
        ids, targets, train_ids = training_streams(train_tokens, index, hp.seed)
        x, y = windows(ids, hp.seq_len, targets, stride_for(hp.seq_len))
        if not len(x):
            raise DataUnavailable(f"the corpus is too short for seq_len={hp.seq_len}: "
                                  "give a longer corpus or a smaller seq_len")
        x_val, y_val = self._held_windows(val_tokens, index, hp.seq_len)
        x_test, y_test = self._held_windows(test_tokens, index, hp.seq_len)
        embedded = hp.embedding_dim > 0

        def enc(ids: np.ndarray) -> np.ndarray:
            return encode_tokens(ids, len(vocab), embedded)

        word = "characters" if hp.tokens == "char" else "tokens"
        held_events = sum(len(t) + 1 for t in test_tokens)
        # A corpus too small to hold any poem out: its perplexity is the training windows',
        # and must not read as a figure on unseen poems.
        where = () if test_tokens else (
            "no test poems held out (the corpus is too small): the perplexity reported is "
            "on the training windows, not on poems the network never saw",)
        unknown = sum(1 for toks in test_tokens for t in toks if t not in index)
        return PoemsData(
            x_train=enc(x), y_train=y,
            x_val=None if x_val is None else enc(x_val), y_val=y_val,
            x_test=None if x_test is None else enc(x_test), y_test=y_test,
            vocab=vocab,
            train_ids=train_ids, test_ids=poem_ids(test_tokens, index),
            notes=(f"corpus: {origin}",
                   prepared.describe(),
                   f"{sum(len(t) for t in train_tokens):,} {word} to train, "
                   f"{len(vocab):,} distinct kept (the rest read as {UNK}); test poems: "
                   f"{held_events:,} events, {unknown:,} of them {UNK}",
                   f"{len(x):,} windows of {hp.seq_len}", *where),
            figure_note=where[0] if where else "")

    @staticmethod
    def _held_windows(token_lists: Sequence[Sequence[str]], index: Mapping[str, int],
                      seq_len: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Windows of held-out poems, or (None, None) when they are too few for one."""
        if not token_lists:
            return None, None
        x, y = windows(stream(token_lists, index), seq_len)
        return (x, y) if len(x) else (None, None)

    def model_spec(self, hp: HParams, data: Dataset | None = None) -> ModelSpec:
        size = len(data.vocab) if data is not None else len(self.vocab(hp))
        prior = None
        if data is not None and len(data.y_train):
            prior = tuple(float(b) for b in unigram_log_prior(data.y_train, size))
        return ModelSpec(inputs="tokens", vocab_size=size, outputs=size, activation="softmax",
                         loss="sparse_categorical_crossentropy", metrics=("accuracy",),
                         per_step=True, output_bias=prior)

    def vocab(self, hp: HParams, source: DataSource = DataSource()) -> tuple[str, ...]:
        """The vocabulary `load` would build (read the corpus only, no windows, no download:
        the starter corpus's until the real one is cached)."""
        prepared, _ = self.prepared(hp, source, download=False)
        tokens = [tokenize(p, hp.tokens) for p in prepared.train]
        return build_vocab(tokens, min_count_for(tokens))

    def _preview_data(self, hp: HParams, source: DataSource) -> Dataset | None:
        import numpy as np
        vocab = self.vocab(hp, source)
        return Dataset(x_train=np.zeros((0, hp.seq_len), np.int32),
                       y_train=np.zeros((0, hp.seq_len), np.int32), vocab=vocab)

    def epoch_sample(self, probe: Probe, data: Dataset, hp: HParams) -> EpochSample | None:
        """A quatrain from 床前明月光 at the task's temperature, drawn with the run's seed
        (the same draws every epoch, so what changes is the network), as `predict` writes
        it. Words (tokens=word) have no lines: the first 24 tokens it writes from nothing."""
        import numpy as np

        from rnntui.poetry.writing import PoemWriter, WritingOptions

        if probe.network is None or data.vocab is None:
            return None
        writer = PoemWriter(probe.network, data.vocab, hp.script)
        lines = self.lines_for(hp)
        options = WritingOptions(temperature=self.temperature, lines=lines,
                                 length=96 if lines else 24, rhyme=lines is not None)
        first = SAMPLE_START if lines else ""  # a text read word by word starts afresh
        poem = writer.write(first, options, rng=np.random.default_rng(hp.seed))
        shown = poem.lines if lines else [poem.text]
        # The probability it gave each written character: how sure it now is of its poem.
        mean_p = float(np.mean(poem.steps)) if poem.steps else float("nan")
        return EpochSample(tuple(shown), {"mean_p": mean_p})

    def quality_value(self, evaluated: Mapping[str, float]) -> float:
        return math.exp(min(float(evaluated["loss"]), 50.0))

    def extra_figures(self, predict, data: Dataset, hp: HParams) -> dict[str, float]:
        """The reported perplexity, per event of the test poems (each poem from a fresh
        state: every character and mark, then END), the figure `rnntui score` gives and the
        baselines are measured on. It replaces the training windows' figure, whose windows
        start mid-poem and are not the baselines' events."""
        if not isinstance(data, PoemsData) or not data.test_ids or data.vocab is None:
            return {}
        from rnntui.poetry.scoring import network_perplexity

        return {self.quality.name: network_perplexity(predict, data.test_ids,
                                                      data.vocab.index(END))}

    def baselines(self, data: Dataset, hp: HParams) -> dict[str, float]:
        """Interpolated Kneser-Ney 5-gram, 3-gram and bigram perplexities on the test poems,
        fitted on the training poems with the run's vocabulary: every poem from its start,
        each character and mark, then END (the events `rnntui score` reads)."""
        if not isinstance(data, PoemsData) or not data.test_ids or data.vocab is None:
            return {}
        from rnntui.poetry.ngram import KneserNey

        end = data.vocab.index(END)
        return {f"kneser_ney_{n}gram": KneserNey(n, len(data.vocab), end)
                .fit(data.train_ids).perplexity(data.test_ids) for n in (5, 3, 2)}


POEMS = PoemsTask()
