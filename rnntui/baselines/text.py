"""Bag-of-words baselines for token-id sequences (IMDb): logistic regression, through
scikit-learn, on the very ids the network reads.

A linear model on which words a review contains is the bar a sentiment RNN must clear: it
fits in about a second and ignores word order entirely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

# Inverse regularisation strengths tried, picked on the validation part (as the network's
# epochs are): the best of a few is fair, a single guess would undersell the baseline.
C_GRID = (0.1, 0.3, 1.0, 3.0)


def binary_bag(ids: np.ndarray, vocab_size: int, skip: int) -> csr_matrix:
    """One row per sequence, a 1 for every id it contains (ids below `skip` left out:
    padding and the start mark).

    Args:
        ids: (N, T) integer token ids, each below `vocab_size`.
        vocab_size: the number of columns.
        skip: ids below this are not words.

    Returns:
        An (N, vocab_size) sparse float matrix of 0 and 1.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    rows = np.repeat(np.arange(len(ids)), ids.shape[1])
    cols = np.asarray(ids).reshape(-1)
    keep = cols >= skip
    matrix = csr_matrix((np.ones(keep.sum(), dtype=np.float32), (rows[keep], cols[keep])),
                        shape=(len(ids), vocab_size))
    matrix.data[:] = 1.0  # duplicates were summed: a word is there or not
    return matrix


def as_words(ids: np.ndarray, skip: int) -> list[str]:
    """Each sequence as a text of id tokens ("w12 w7 w12"), for scikit-learn's vectorisers;
    ids below `skip` (padding, the start mark) are left out."""
    return [" ".join(f"w{i}" for i in row if i >= skip) for row in ids]


def _fit_best(x_fit, y_fit, x_val, y_val, x_test, y_test) -> float:
    """Test accuracy of the logistic regression whose C did best on the validation part."""
    from sklearn.linear_model import LogisticRegression

    best = None
    for c in C_GRID:
        model = LogisticRegression(C=c, max_iter=2000)
        model.fit(x_fit, y_fit)
        score = model.score(x_val, y_val)
        if best is None or score > best[0]:
            best = (score, model)
    return float(best[1].score(x_test, y_test))


def bag_of_words_accuracies(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                            y_test: np.ndarray, vocab_size: int, validation_split: float,
                            skip: int = 2, timings: dict[str, float] | None = None
                            ) -> dict[str, float]:
    """Test accuracy of two logistic regressions: on which words a review has (binary
    bag-of-words), and on TF-IDF of its words and word pairs.

    Both fit on the same training rows as the network (the last `validation_split` of them
    are held out, as Keras's `validation_split` does) and pick their regularisation there.

    Args:
        x_train, y_train: (N, T) ids and 0/1 labels, as the network reads them.
        x_test, y_test: the test reviews, the same way.
        vocab_size: ids are below this.
        validation_split: the trailing share of the training rows held out.
        skip: ids below this are not words (0 padding, 1 start).
        timings: when given, filled with the seconds each baseline took (name → seconds).

    Returns:
        {"bag-of-words": accuracy, "TF-IDF + word pairs": accuracy}.
    """
    import time

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    timings = {} if timings is None else timings
    started = time.perf_counter()
    y_train = np.asarray(y_train).ravel()
    y_test = np.asarray(y_test).ravel()
    cut = len(x_train) - int(round(len(x_train) * validation_split)) if validation_split \
        else len(x_train)
    fit = slice(0, cut)
    val = slice(cut, None) if cut < len(x_train) else slice(0, cut)  # no split: fit rows
    bags = [binary_bag(x, vocab_size, skip) for x in (x_train, x_test)]
    out = {"bag-of-words": _fit_best(bags[0][fit], y_train[fit], bags[0][val], y_train[val],
                                     bags[1], y_test)}
    timings["bag-of-words"] = time.perf_counter() - started
    started = time.perf_counter()
    # Word pairs seen in at least 2 training reviews: rarer ones only memorise.
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2,
                                 sublinear_tf=True)
    texts = as_words(x_train, skip)
    fitted = vectorizer.fit_transform(texts[fit])
    held = vectorizer.transform(texts[val])
    test = vectorizer.transform(as_words(x_test, skip))
    out["TF-IDF + word pairs"] = _fit_best(fitted, y_train[fit], held, y_train[val], test,
                                           y_test)
    timings["TF-IDF + word pairs"] = time.perf_counter() - started
    return out
