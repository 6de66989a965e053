"""`rnntui`: the app with no arguments; the same work headless with subcommands.

Every error is one clear line on stderr and exit status 2; Ctrl+C while training keeps the
last complete epoch and exits 130.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from rnntui import __version__, paths
from rnntui.config import SCHEMA, ConfigError, parse_assignments
from rnntui.playground import InputError, Playground, describe_prediction, jsonable
from rnntui.runs import RunError, RunStore
from rnntui.tasks import TASKS, DataSource, DataUnavailable, UnknownTask, get_task

EXIT_ERROR = 2
EXIT_NAN = 3
_SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class UserError(Exception):
    """Something the user can fix; printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnntui", description="A terminal playground for recurrent neural networks. "
        "With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"rnntui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tasks = sub.add_parser("tasks", help="list the tasks and their default hyperparameters")
    tasks.add_argument("--json", action="store_true", help="print JSON")

    train = sub.add_parser("train", help="train a task (or resume a run) headless")
    train.add_argument("task", nargs="?", help=f"one of: {', '.join(TASKS)}")
    train.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY=VALUE", help="change a hyperparameter (repeatable)")
    train.add_argument("--recipe", action="store_true",
                       help="start from the seed tutorial's own recipe instead of the defaults")
    train.add_argument("--epochs", type=int, help="train up to this many epochs in all")
    train.add_argument("--resume", metavar="RUN", help="continue a saved run")
    train.add_argument("--data", metavar="FILE.npz", help="imdb: an .npz in Keras's layout")
    train.add_argument("--corpus", metavar="FILE",
                       help="poems: a UTF-8 text or chinese-poetry JSON file")
    train.add_argument("--json", action="store_true",
                       help="end with one JSON line: run, epochs, metrics and quality")

    runs = sub.add_parser("runs", help="list saved runs")
    runs.add_argument("--json", action="store_true", help="print JSON")

    predict = sub.add_parser("predict", help="what a trained run predicts for typed input")
    predict.add_argument("run", help="a run name (see `rnntui runs`) or folder")
    predict.add_argument("text", nargs="?", default="",
                         help="letters, a poem's first line, a review, or sine samples")
    predict.add_argument("--length", type=int, default=48, help="poems: most characters")
    predict.add_argument("--temperature", type=float, default=0.8,
                         help="poems: sampling temperature (0 = always the likeliest)")
    predict.add_argument("--top-k", type=int, default=None, help="poems: sample among the k "
                         "likeliest")
    predict.add_argument("--seed", type=int, default=None, help="random seed for sampling")
    predict.add_argument("--word-index", metavar="FILE", help="imdb: a word → rank JSON file")
    predict.add_argument("--json", action="store_true", help="print JSON")

    gates = sub.add_parser("gates", help="every gate and state at every step of an input")
    gates.add_argument("run", help="a run name or folder")
    gates.add_argument("text", nargs="?", default="", help="the input to trace")
    gates.add_argument("--word-index", metavar="FILE", help="imdb: a word → rank JSON file")
    gates.add_argument("--json", action="store_true", help="print the trace as JSON")

    explain = sub.add_parser("explain", help="the RNN forward pass of seeds 002/004 by hand")
    explain.add_argument("--inputs", default="1,2", help="comma-separated inputs (1,2)")
    explain.add_argument("--w-state", default="0.1,0.2;0.3,0.4",
                         help="state weights, rows separated by ';'")
    explain.add_argument("--w-input", default="0.5,0.6", help="input weights")
    explain.add_argument("--b", default="0.1,-0.1", help="cell bias")
    explain.add_argument("--w-out", default="1.0,2.0", help="output weights")
    explain.add_argument("--b-out", default="0.1", help="output bias")
    explain.add_argument("--linear", action="store_true",
                         help="state = before-activation (the seed's hand-checkable variant)")
    explain.add_argument("--json", action="store_true", help="print JSON")

    export = sub.add_parser("export", help="a run's model summary and trainable weights as text")
    export.add_argument("run", help="a run name or folder")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return open_app()
    handler: Callable[[argparse.Namespace], int] = {
        "tasks": cmd_tasks, "train": cmd_train, "runs": cmd_runs, "predict": cmd_predict,
        "gates": cmd_gates, "explain": cmd_explain, "export": cmd_export,
    }[args.command]
    try:
        return handler(args)
    except (UserError, ConfigError, RunError, DataUnavailable, UnknownTask, InputError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def fail(message: str) -> NoReturn:
    print(f"rnntui: {message}", file=sys.stderr)
    sys.exit(EXIT_ERROR)


def open_app() -> int:
    try:
        from rnntui.ui.app import run_app
    except ImportError:
        build_parser().print_help()
        return 0
    return run_app()


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


# -- tasks ---------------------------------------------------------------------------------
def cmd_tasks(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = []
    for task in TASKS.values():
        hp = task.hparams()
        rows.append({"id": task.id, "title": task.title, "learns": task.learns,
                     "data": task.data_text, "expect": task.expect, "from": task.seed_ref,
                     "defaults": hp.to_dict(), "recipe": task.hparams(recipe=True).to_dict()})
    if args.json:
        print_json(rows)
        return 0
    table = Table(title="rnntui tasks", show_lines=True)
    for column in ("id", "what it learns", "data", "expect"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], f"{row['title']}: {row['learns']}", row["data"], row["expect"])
    Console().print(table)
    return 0


# -- train ---------------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace) -> int:
    store = RunStore()
    overrides = parse_assignments(args.overrides)
    if args.epochs is not None:
        overrides["epochs"] = str(args.epochs)
    if args.resume:
        if args.task or args.data or args.corpus or args.recipe or set(overrides) - {"epochs"}:
            raise UserError("--resume continues a run as it was: give only --epochs with it")
        run = store.open(args.resume)
        if "epochs" in overrides:
            run.set_epochs(SCHEMA["epochs"].parse(overrides["epochs"]))
        if run.epochs_done >= run.hparams.epochs:
            raise UserError(f"{run.name} has done its {run.epochs_done} epochs; ask for more "
                            f"with --epochs N (N > {run.epochs_done})")
    else:
        if not args.task:
            raise UserError(f"which task? one of: {', '.join(TASKS)}")
        task = get_task(args.task)
        hp = task.hparams(overrides, recipe=args.recipe)
        if args.data and task.id != "imdb":
            raise UserError("--data is for the imdb task")
        if args.corpus and task.id != "poems":
            raise UserError("--corpus is for the poems task")
        source = DataSource(data=args.data, corpus=args.corpus)
        _check_source(task.id, source)
        run = store.create(task.id, hp, source)
    return _train_run(run, as_json=args.json)


def _check_source(task_id: str, source: DataSource) -> None:
    """Read the user's file before anything heavy starts, so a bad path fails at once."""
    if source.corpus:
        from rnntui.tasks.corpus import read_poems

        read_poems(source.corpus)
    if source.data:
        from rnntui.tasks.imdb import load_npz

        load_npz(source.data)


def _train_run(run: Any, as_json: bool) -> int:
    from rnntui.engine import backend
    from rnntui.engine.control import TrainControl

    control = TrainControl()
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl+C: the user really wants out
        received.append(signum)
        control.stop()
        print(f"\nstopping after this batch; the last complete epoch of {run.name} is kept",
              file=sys.stderr)

    for signum in _SIGNAL_EXIT:
        signal.signal(signum, on_signal)
    printer = _Printer(run.hparams.epochs)
    log = paths.log_file()
    with backend.native_stderr_to(log):
        backend.route_logs(log)
        from rnntui.engine.train import train

        result = train(run, emit=printer, control=control)
    from rnntui.engine.events import TrainingFailed

    if isinstance(result, TrainingFailed):
        fail(f"{result.message} (details in {log})")
    summary = {"run": str(run.path), "name": run.name, "task": run.task_id,
               "status": result.status, "epochs": result.epochs, "metrics": result.metrics,
               **result.quality, "seconds": round(result.seconds, 3)}
    if result.message:
        print(result.message, file=sys.stderr)
    if as_json:
        print_json(summary)
    else:
        figures = ", ".join(f"{k} {_fmt(v)}" for k, v in result.quality.items())
        print(f"{result.status}: {run.name} after {result.epochs} epochs"
              + (f"; {figures}" if figures else ""))
    if received:
        return _SIGNAL_EXIT[received[0]]
    return EXIT_NAN if result.status == "nan" else 0


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.0f}"


class _Printer:
    """Prints epoch lines; a live progress line too when stdout is a terminal."""

    def __init__(self, epochs: int):
        self.epochs = epochs
        self.live = sys.stdout.isatty()

    def __call__(self, event: Any) -> None:
        from rnntui.engine import events as ev

        if isinstance(event, ev.TrainingStarted):
            start = f", resuming after epoch {event.initial_epoch}" if event.initial_epoch else ""
            print(f"{event.task}: {event.model} ({event.params:,} parameters) on "
                  f"{event.device}{start}")
            self.epochs = event.epochs
        elif isinstance(event, ev.BatchEnded) and self.live:
            print(f"\repoch {event.epoch}/{self.epochs} batch {event.batch}/{event.steps} "
                  f"loss {_fmt(event.loss)}  {event.samples_per_second:,.0f} samples/s  "
                  f"ETA {event.eta_seconds:,.0f} s ", end="", flush=True)
        elif isinstance(event, ev.EpochEnded):
            figures = "  ".join(f"{k} {_fmt(v)}" for k, v in event.metrics.items())
            clear = "\r\x1b[K" if self.live else ""
            print(f"{clear}epoch {event.epoch}/{self.epochs}  {figures}  "
                  f"({event.seconds:.2f} s)")
        elif isinstance(event, ev.LogLine) and event.level != "info":
            print(event.text, file=sys.stderr)


# -- runs ----------------------------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    infos = RunStore().list()
    rows = []
    for info in infos:
        if info.run is None:
            rows.append({"name": info.name, "path": str(info.path), "error": info.error})
            continue
        run = info.run
        status = run.status()
        rows.append({"name": run.name, "path": str(run.path), "task": run.task_id,
                     "created": run.created, "epochs": run.epochs_done,
                     "target_epochs": run.hparams.epochs,
                     "status": status.get("status", "new"),
                     "quality": status.get("quality", {})})
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"no runs yet in {RunStore().root}; start one with `rnntui train onehot4`")
        return 0
    for row in rows:
        if "error" in row:
            print(f"{row['name']}  cannot open: {row['error']}")
            continue
        quality = ", ".join(f"{k} {_fmt(v)}" for k, v in row["quality"].items())
        print(f"{row['name']}  {row['task']}  {row['epochs']}/{row['target_epochs']} epochs  "
              f"{row['status']}  {quality}")
    return 0


# -- predict, gates, explain, export --------------------------------------------------------
def _playground(name: str, word_index: str | None = None) -> Playground:
    play = Playground.open(RunStore().open(name))
    if word_index:
        from rnntui.tasks.imdb import load_word_index

        play.use_word_index(load_word_index(word_index))
    return play


def cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np

    play = _playground(args.run, args.word_index)
    task = play.task.id
    if task == "sine":
        forecast = play.forecast()
        encoded = play.encode(args.text)
        nxt = float(np.asarray(play.net.forward(encoded.x)).ravel()[0])
        data = {"run": play.run.name, "window": [float(v) for v in encoded.x[:, 0]],
                "next": nxt, "rmse_one_step": forecast.rmse_one_step,
                "rmse_rollout": forecast.rmse_rollout, "steps": len(forecast.truth)}
        lines = [f"next sample after {' '.join(encoded.tokens)}: {nxt:.4f}",
                 f"held-out curve, {len(forecast.truth)} samples: RMSE {forecast.rmse_one_step:.4f} "
                 f"one step ahead, {forecast.rmse_rollout:.4f} running on its own forecasts"]
    elif task == "imdb":
        prob, words = play.sentiment(args.text)
        unknown = [w for w, known in words if not known]
        data = {"run": play.run.name, "positive": prob, "words": len(words),
                "unknown_words": unknown}
        verdict = "positive" if prob >= 0.5 else "negative"
        lines = [f"{verdict}: P(positive) = {prob:.3f}"]
        if unknown:
            lines.append(f"not in the network's {play.hp.num_words} words (read as unknown): "
                         + ", ".join(unknown[:20]) + (" ..." if len(unknown) > 20 else ""))
    elif task == "poems":
        rng = np.random.default_rng(args.seed)
        if not args.json:
            print(args.text, end="", flush=True)
        tokens = []
        for token in play.generate(args.text, args.length, args.temperature, args.top_k, rng):
            tokens.append(token)
            if not args.json:
                print("" if token == "\n" else token, end="", flush=True)
        text = "".join(t for t in tokens if t != "\n")
        if not args.json:
            print()
            return 0
        data = {"run": play.run.name, "seed": args.text, "poem": args.text + text,
                "generated": text, "ended": bool(tokens) and tokens[-1] == "\n"}
        lines = []
    else:
        top = play.next_tokens(args.text, k=5)
        encoded = play.encode(args.text)
        data = {"run": play.run.name, "input": "".join(encoded.tokens), "next": top[0][0],
                "top": [{"token": t, "probability": p} for t, p in top]}
        lines = [f"{''.join(encoded.tokens)} → {top[0][0]}", describe_prediction(top)]
        if encoded.note:
            lines.append(f"({encoded.note})")
    if args.json:
        print_json(data)
    else:
        print("\n".join(lines))
    return 0


def cmd_gates(args: argparse.Namespace) -> int:
    play = _playground(args.run, args.word_index)
    encoded, trace = play.gates(args.text)
    _, influence = play.influence(args.text)
    if args.json:
        print_json({"run": play.run.name, "tokens": list(encoded.tokens), "note": encoded.note,
                    "trace": trace.to_dict(), "influence": influence.to_dict()})
        return 0
    print(f"{play.run.name}: {len(encoded.tokens)} steps: {' '.join(encoded.tokens)}")
    for layer in trace.layers:
        for direction in layer.directions:
            for gate in layer.gate_names:
                values = layer.gates[direction][gate]
                print(f"{layer.name} {direction} {gate}: last step "
                      + " ".join(f"{v:+.3f}" for v in values[-1][:12])
                      + (" ..." if values.shape[1] > 12 else ""))
    print("influence of each step on the last output: "
          + " ".join(f"{v:.2f}" for v in influence.normalised))
    return 0


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"--{what} {text!r}: write numbers separated by commas") from None


def cmd_explain(args: argparse.Namespace) -> int:
    from rnntui.explain import forward_by_hand, render_text, to_dict

    try:
        steps = forward_by_hand(
            inputs=_numbers(args.inputs, "inputs"),
            w_state=[_numbers(row, "w-state") for row in args.w_state.split(";")],
            w_input=_numbers(args.w_input, "w-input"), b=_numbers(args.b, "b"),
            w_out=_numbers(args.w_out, "w-out"), b_out=_numbers(args.b_out, "b-out")[0],
            activation="linear" if args.linear else "tanh")
    except (ValueError, IndexError) as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json(to_dict(steps))
    else:
        print(render_text(steps))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rnntui.nn import summary_rows, total_params, weights_text

    play = _playground(args.run)
    rows = summary_rows(play.net)
    lines = [f"# {play.run.name} ({play.task.id})", "",
             f"{'layer':<28}{'kind':<16}{'output shape':<20}{'params':>10}"]
    lines += [f"{r.name:<28}{r.kind:<16}{str(r.output_shape):<20}{r.params:>10,}" for r in rows]
    lines += [f"{'total':<64}{total_params(play.net):>10,}", "", weights_text(play.net)]
    text = "\n".join(lines) + "\n"
    if args.out:
        from pathlib import Path

        from rnntui.runs import atomic_write

        try:
            atomic_write(Path(args.out).expanduser(), text)
        except OSError as exc:
            raise UserError(f"--out {args.out}: cannot write it ({exc.strerror})") from None
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
