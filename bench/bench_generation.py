"""Generation speed: the seed's model.predict-per-character loop vs the NumPy mirror's steps.

Builds the poem task's network, char-level Embedding(V, 64) + LSTM(128) + Dense(V, softmax)
with V ≈ 3000 and random weights, then times, in one run (median of 3 runs each):

  (a) the seed's way (seed 004): for each new character, ``model.predict`` on the last
      5-character window, then sample;
  (a') the same loop with a direct ``model(x, training=False)`` call (a fairer baseline:
      predict sets up a data pipeline on every call);
  (b) ``rnntui.nn.sample_stream``: the state is carried, one ``Network.step`` per character;

and the gate trace of a 200-step input (``Network.forward(ids, trace=True)``, median of 20).

Run: ``python bench/bench_generation.py`` (add ``--quick`` for a shorter run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnntui.nn import load_network, sample_stream  # noqa: E402

VOCAB, EMBED, UNITS, WINDOW = 3000, 64, 128, 5
TEMPERATURE = 1.0


def build_model(seed: int = 0):
    """The poem model with random weights (scaled so the softmax is not flat)."""
    import keras  # ~3 s: only the baselines need it

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(WINDOW,), dtype="int32"),
        keras.layers.Embedding(VOCAB, EMBED),
        keras.layers.LSTM(UNITS),
        keras.layers.Dense(VOCAB, activation="softmax"),
    ])
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                           for w in layer.get_weights()])
    return model


def sample(probs: np.ndarray, rng: np.random.Generator) -> int:
    probs = np.asarray(probs, dtype=np.float64)
    return int(rng.choice(probs.shape[0], p=probs / probs.sum()))


def keras_window_loop(call, seed_ids: list[int], count: int, rng: np.random.Generator) -> float:
    """Characters per second of the window-per-character loop with ``call`` as the model."""
    text = list(seed_ids)
    start = time.perf_counter()
    for _ in range(count):
        window = np.array([text[-WINDOW:]], dtype="int32")
        text.append(sample(call(window)[0], rng))
    return count / (time.perf_counter() - start)


def mirror_loop(net, seed_ids: list[int], count: int, rng: np.random.Generator) -> float:
    start = time.perf_counter()
    produced = sum(1 for _ in sample_stream(net, seed_ids, count, TEMPERATURE, None, rng))
    return produced / (time.perf_counter() - start)


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer characters per run")
    args = parser.parse_args()
    predict_chars, call_chars, mirror_chars = (10, 30, 1000) if args.quick else (30, 100, 5000)

    model = build_model()
    seed_ids = [11, 22, 33, 44, 55]
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        model.save(Path(folder) / "model.keras")
        start = time.perf_counter()
        net = load_network(folder)
        load_ms = (time.perf_counter() - start) * 1e3

    def predict(window):
        return model.predict(window, verbose=0)

    def direct(window):
        return np.asarray(model(window, training=False))

    # Warm-up: tracing/graph building and the mirror's token table are not what we time.
    keras_window_loop(predict, seed_ids, 2, rng)
    keras_window_loop(direct, seed_ids, 2, rng)
    mirror_loop(net, seed_ids, 10, rng)

    predict_rate = median_of(3, lambda: keras_window_loop(predict, seed_ids, predict_chars, rng))
    direct_rate = median_of(3, lambda: keras_window_loop(direct, seed_ids, call_chars, rng))
    mirror_rate = median_of(3, lambda: mirror_loop(net, seed_ids, mirror_chars, rng))

    ids = np.random.default_rng(1).integers(0, VOCAB, 200)
    net.forward(ids, trace=True)
    trace_times = []
    for _ in range(20):
        start = time.perf_counter()
        net.forward(ids, trace=True)
        trace_times.append((time.perf_counter() - start) * 1e3)
    trace_ms = statistics.median(trace_times)

    print(f"model: Embedding({VOCAB}, {EMBED}) + LSTM({UNITS}) + Dense({VOCAB}, softmax); "
          f"{os.cpu_count()} CPUs; mirror loaded from model.keras in {load_ms:.0f} ms")
    print(f"(a)  seed's way, model.predict per char on a {WINDOW}-char window: "
          f"{predict_rate:10.1f} chars/s")
    print(f"(a') same loop, model(x, training=False):                  {direct_rate:10.1f} chars/s")
    print(f"(b)  mirror sample_stream (state carried):                 {mirror_rate:10.1f} chars/s")
    print(f"     mirror / predict: {mirror_rate / predict_rate:7.0f}x   (goal >= 50x; "
          f"goal >= 2000 chars/s: {'met' if mirror_rate >= 2000 else 'NOT met'})")
    print(f"     mirror / direct call: {mirror_rate / direct_rate:5.0f}x")
    print(f"gate trace, 200 steps, LSTM({UNITS}) with Embedding: {trace_ms:.2f} ms median of 20 "
          f"(goal < 20 ms: {'met' if trace_ms < 20 else 'NOT met'})")


if __name__ == "__main__":
    main()
