"""GPU throughput: rnntui's engine against a plain PyTorch `nn.LSTM` loop and against plain
Keras on the same backend, same model and data.

    python bench/bench_gpu_lstm.py            # the real sizes (meant for a GPU machine)
    python bench/bench_gpu_lstm.py --quick    # small sizes: proves the script runs (CPU)
    bench/gpu/run.sh                          # what a GPU machine runs as it is (README)

NOT YET RUN ON A GPU. It was written, and run only with --quick on a 2-core CPU, in
sessions that had no GPU; the figures it prints on a GPU are the ones the issue asks for.

The model is seed 003's IMDb classifier shaped as the issue says: Embedding(10000, 32),
LSTM(32) and then LSTM(256) (one run each), Dense(1, sigmoid); reviews cut or padded to 200
words; 25,000 random reviews (random word ids and labels: throughput does not depend on what
the words are), 20% held out for validation as the imdb task does; RMSprop, batch 128.

- rnntui: the real engine end to end. The reviews are written to an .npz in Keras's layout
  and trained as an `imdb` run through `rnntui.engine.train.train` (the Keras model from
  `build_model`, the progress callback that reads the loss after every batch, the
  checkpoints), on the Keras backend given by --backend (TensorFlow by default). LSTM stays
  on cuDNN's fused kernel unless --recurrent-dropout is given (that measures the slow path).
- Keras: the same layers as a plain `keras.Sequential` and `model.fit` on the same backend
  (what the engine adds over Keras itself: its callback, its batches, its checkpoints).
- PyTorch: `nn.Embedding` + `nn.LSTM(batch_first=True)` (cuDNN on a GPU) + `nn.Linear`,
  BCE-with-logits, `torch.optim.RMSprop`, the data moved to the device once, the loss read
  once an epoch: the best case for a hand-written loop.

Each epoch is timed whole (training and the validation pass, as Keras's `fit` does); the
first epoch (tracing, cuDNN autotuning) is left out and the median of the rest is reported
as training samples per second. Each side runs in its own process: TensorFlow takes the
whole GPU memory when it starts, and neither should slow the other down. Prints one table
and, with --json, one JSON line. The goal in the issue: rnntui ≥ 0.8× PyTorch.

Needs PyTorch (on a GPU box, its CUDA build; here the CPU wheel `pip install torch==2.13.0`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL = {"samples": 25_000, "maxlen": 200, "units": [32, 256], "epochs": 4}
# Quick: enough batches (26 an epoch) that rnntui runs traced, as real runs do; a run of at
# most 16 steps trains eagerly (engine.model.EAGER_MAX_STEPS), which would measure that.
QUICK = {"samples": 4_096, "maxlen": 40, "units": [32, 256], "epochs": 3}
VOCAB, EMBED, LR, VALIDATION = 10_000, 32, 1e-3, 0.2
BATCHES = [128, 512]
CHILD_TIMEOUT = 900  # seconds for one side at one size (a hung child must not eat the run)


def random_reviews(samples: int, maxlen: int, seed: int = 0):
    """Word ids in [3, VOCAB) (0-2 are Keras's padding/start/OOV) and 0/1 labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.integers(3, VOCAB, size=(samples, maxlen), dtype=np.int64)
    y = rng.integers(0, 2, size=samples).astype(np.float32)
    return x, y


# -- rnntui's engine ---------------------------------------------------------------------------
def run_rnntui(units: int, samples: int, maxlen: int, epochs: int,
               recurrent_dropout: float, batch: int) -> dict:
    import numpy as np

    home = Path(tempfile.mkdtemp(prefix="bench-gpu-lstm-"))
    os.environ["RNNTUI_HOME"] = str(home)
    from rnntui.engine import backend
    from rnntui.engine.events import EpochEnded, TrainingStarted
    from rnntui.engine.train import train
    from rnntui.runs import RunStore
    from rnntui.tasks import DataSource, get_task

    x, y = random_reviews(samples, maxlen)
    x_test, y_test = random_reviews(256, maxlen, seed=1)  # the run's final test pass: small
    data = home / "reviews.npz"
    as_lists = np.empty(samples, dtype=object)
    as_lists[:] = [list(row) for row in x]
    tests = np.empty(len(x_test), dtype=object)
    tests[:] = [list(row) for row in x_test]
    np.savez(data, x_train=as_lists, y_train=y, x_test=tests, y_test=y_test)
    hp = get_task("imdb").hparams({"cell": "lstm", "units": units, "seq_len": maxlen,
                                   "embedding_dim": EMBED, "num_words": VOCAB,
                                   "batch_size": batch, "optimizer": "rmsprop",
                                   "learning_rate": LR, "epochs": epochs,
                                   "recurrent_dropout": recurrent_dropout}, recipe=True)
    run = RunStore().create("imdb", hp, DataSource(data=str(data)))
    events: list = []
    log = home / "rnntui.log"
    with backend.native_stderr_to(log):
        backend.route_logs(log)
        result = train(run, emit=events.append)
    if getattr(result, "status", "failed") != "completed":
        raise SystemExit(f"rnntui's run did not complete: {result}")
    started = next(e for e in events if isinstance(e, TrainingStarted))
    epoch_seconds = [e.seconds for e in events if isinstance(e, EpochEnded)]
    train_samples = started.samples
    return {"framework": "rnntui", "backend": backend.backend_name(), "device": started.device,
            "model": started.model, "units": units, "batch": batch,
            "train_samples": train_samples,
            "epoch_seconds": epoch_seconds,
            "samples_per_second": train_samples / statistics.median(epoch_seconds[1:])}


# -- plain Keras ---------------------------------------------------------------------------------
def run_keras(units: int, samples: int, maxlen: int, epochs: int, batch: int) -> dict:
    import keras

    keras.utils.set_random_seed(0)
    x, y = random_reviews(samples, maxlen)
    split = int(round(samples * (1 - VALIDATION)))
    model = keras.Sequential([keras.Input((maxlen,), dtype="int32"),
                              keras.layers.Embedding(VOCAB, EMBED),
                              keras.layers.LSTM(units),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(LR), loss="binary_crossentropy",
                  metrics=["accuracy"])
    seconds: list[float] = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):  # after validation, as the engine's
            seconds.append(time.perf_counter() - self.started)

    model.fit(x[:split], y[:split], validation_data=(x[split:], y[split:]), batch_size=batch,
              epochs=epochs, shuffle=True, verbose=0, callbacks=[Timer()])
    return {"framework": "keras", "backend": keras.backend.backend(), "units": units,
            "batch": batch, "train_samples": split, "epoch_seconds": seconds,
            "samples_per_second": split / statistics.median(seconds[1:])}


# -- plain PyTorch ------------------------------------------------------------------------------
def run_torch(units: int, samples: int, maxlen: int, epochs: int, batch_size: int) -> dict:
    import torch
    from torch import nn

    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, units, batch_first=True)
            self.head = nn.Linear(units, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            _, (h, _) = self.lstm(self.embedding(x))
            return self.head(h[-1]).squeeze(-1)

    x, y = random_reviews(samples, maxlen)
    split = int(round(samples * (1 - VALIDATION)))
    x_all = torch.as_tensor(x, device=device)
    y_all = torch.as_tensor(y, device=device)
    x_train, y_train, x_val, y_val = x_all[:split], y_all[:split], x_all[split:], y_all[split:]
    model = Classifier().to(device)
    # Keras's RMSprop: rho 0.9, epsilon 1e-7 (PyTorch's alpha is Keras's rho)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=LR, alpha=0.9, eps=1e-7)
    loss_fn = nn.BCEWithLogitsLoss()

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize()

    epoch_seconds = []
    for _ in range(epochs):
        sync()
        started = time.perf_counter()
        model.train()
        order = torch.randperm(split, device=device)
        total = torch.zeros((), device=device)
        for start in range(0, split, batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.detach()
        model.eval()
        with torch.no_grad():
            for start in range(0, len(x_val), batch_size):
                total += loss_fn(model(x_val[start:start + batch_size]),
                                 y_val[start:start + batch_size])
        float(total)  # the loss, once an epoch
        sync()
        epoch_seconds.append(time.perf_counter() - started)
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else f"CPU ({os.cpu_count()})"
    return {"framework": "pytorch", "backend": f"torch {torch.__version__}", "device": name,
            "units": units, "batch": batch_size, "train_samples": split,
            "epoch_seconds": epoch_seconds,
            "samples_per_second": split / statistics.median(epoch_seconds[1:])}


# -- the comparison -----------------------------------------------------------------------------
def measure_in_child(args: argparse.Namespace, only: str, units: int, batch: int) -> dict:
    """One side at one size in its own process; a failure or a timeout is a row saying so
    (the other sides and sizes still run)."""
    command = [sys.executable, __file__, "--only", only, "--units", str(units),
               "--batch", str(batch), "--samples", str(args.samples),
               "--maxlen", str(args.maxlen), "--epochs", str(args.epochs),
               "--recurrent-dropout", str(args.recurrent_dropout)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    if args.backend:
        env["KERAS_BACKEND"] = args.backend
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=args.child_timeout)
    except subprocess.TimeoutExpired:
        return {"framework": only, "error": f"timed out after {args.child_timeout} s"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        print(f"{only} (units {units}, batch {batch}) failed:\n{done.stderr[-3000:]}",
              file=sys.stderr)
        return {"framework": only, "error": tail[0][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"small sizes ({QUICK['samples']} reviews of {QUICK['maxlen']} "
                        "words, 3 epochs): to check the script, not to measure")
    parser.add_argument("--samples", type=int)
    parser.add_argument("--maxlen", type=int)
    parser.add_argument("--units", type=lambda s: [int(u) for u in s.split(",")],
                        help="comma-separated LSTM sizes (default 32,256)")
    parser.add_argument("--epochs", type=int, help="epochs per run; the first is not timed")
    parser.add_argument("--batch", type=lambda s: [int(b) for b in s.split(",")],
                        help="comma-separated batch sizes (default 128,512)")
    parser.add_argument("--sides", type=lambda s: s.split(","),
                        default=["rnntui", "keras", "pytorch"],
                        help="which of rnntui,keras,pytorch to run (default: all three)")
    parser.add_argument("--child-timeout", type=int, default=CHILD_TIMEOUT,
                        help=f"seconds for one side at one size (default {CHILD_TIMEOUT})")
    parser.add_argument("--out", help="also write the JSON result to this file")
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"),
                        help="Keras backend for rnntui's side (default: $KERAS_BACKEND or "
                        "tensorflow)")
    parser.add_argument("--recurrent-dropout", type=float, default=0.0,
                        help="rnntui's LSTM with this recurrent_dropout: off the fused kernel")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--only", choices=("rnntui", "keras", "pytorch"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    args.samples = args.samples or sizes["samples"]
    args.maxlen = args.maxlen or sizes["maxlen"]
    args.units = args.units or sizes["units"]
    args.epochs = args.epochs or sizes["epochs"]
    args.batch = args.batch or BATCHES
    if args.epochs < 2:
        parser.error("--epochs: at least 2 (the first is not timed)")
    if args.only:  # a child: one side, one size; a JSON line for the parent
        units, batch = args.units[0], args.batch[0]
        if args.backend:
            os.environ["KERAS_BACKEND"] = args.backend
        if args.only == "rnntui":
            result = run_rnntui(units, args.samples, args.maxlen, args.epochs,
                                args.recurrent_dropout, batch)
        elif args.only == "keras":
            result = run_keras(units, args.samples, args.maxlen, args.epochs, batch)
        else:
            result = run_torch(units, args.samples, args.maxlen, args.epochs, batch)
        print(json.dumps(result))
        return 0

    rows = []
    for units in args.units:
        for batch in args.batch:
            row = {"units": units, "batch": batch}
            for side in args.sides:
                row[side] = measure_in_child(args, side, units, batch)
                got = row[side]
                print(f"  {side}, LSTM {units}, batch {batch}: "
                      + (got["error"] if "error" in got else
                         f"{got['samples_per_second']:,.0f} samples/s "
                         f"(epochs {', '.join(f'{t:.2f}' for t in got['epoch_seconds'])} s)"),
                      flush=True)
                if args.out:  # what is measured so far survives the script's timeout
                    Path(args.out).write_text(json.dumps(
                        {"partial": True, "quick": args.quick, "backend": args.backend,
                         "rows": [*rows, row]}, indent=1))
            rows.append(row)
    print(f"IMDb-shaped LSTM classifier: {args.samples:,} random reviews x {args.maxlen} words, "
          f"{args.epochs} epochs (first not timed)"
          + (f", rnntui with recurrent_dropout {args.recurrent_dropout:g}"
             if args.recurrent_dropout else ""))
    for side in args.sides:
        first = next((r[side] for r in rows if "error" not in r[side]), {})
        print(f"{side}: {first.get('device', '')} {first.get('backend', '')}".rstrip())

    def rate(result: dict) -> float | None:
        return None if "error" in result else result["samples_per_second"]

    def shown(value: float | None) -> str:
        return "failed" if value is None else f"{value:,.0f}"

    print(f"{'units':>5} {'batch':>5}" + "".join(f"  {s + ' samples/s':>18}" for s in args.sides)
          + "  rnntui/pytorch  rnntui/keras  goal rnntui >= 0.8x pytorch")
    for row in rows:
        rates = {side: rate(row[side]) for side in args.sides}
        ours = rates.get("rnntui")
        ratio = {other: (ours / rates[other] if ours and rates.get(other) else None)
                 for other in ("pytorch", "keras")}
        row["ratio"] = ratio["pytorch"]
        row["ratio_keras"] = ratio["keras"]
        verdict = ("-" if ratio["pytorch"] is None else
                   "met" if ratio["pytorch"] >= 0.8 else "NOT met")
        vs_torch = "-" if ratio["pytorch"] is None else f"{ratio['pytorch']:.2f}"
        vs_keras = "-" if ratio["keras"] is None else f"{ratio['keras']:.2f}"
        print(f"{row['units']:>5} {row['batch']:>5}"
              + "".join(f"  {shown(rates[side]):>18}" for side in args.sides)
              + f"  {vs_torch:>14}  {vs_keras:>12}"
              + f"  {verdict}")
        for side in args.sides:
            if "error" in row[side]:
                print(f"      {side}: {row[side]['error']}")
    if args.quick:
        print("(--quick: small sizes on whatever device is here; not the measurement)")
    result = {"samples": args.samples, "maxlen": args.maxlen, "epochs": args.epochs,
              "quick": args.quick, "backend": args.backend or os.environ.get("KERAS_BACKEND")
              or "tensorflow", "rows": rows}
    if args.json:
        print(json.dumps(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
