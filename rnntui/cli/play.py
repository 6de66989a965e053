"""`rnntui predict`, `gates`, `explain` and `export`: a trained run opened up, through the
NumPy mirror (no TensorFlow)."""

from __future__ import annotations

import argparse
import os
import re
from typing import Any

from rnntui.cli.common import UserError, print_json
from rnntui.play import (LENGTHS, DicePlay, Play, ReviewPlay, describe_prediction,
                         open_play, shown)
from rnntui.play.forecast import FREE_STEPS
from rnntui.runs import RunStore


def register(sub: Any) -> None:
    predict = sub.add_parser("predict", help="what a trained run predicts for typed input")
    _numbers_are_text(predict)
    predict.add_argument("run", help="a run name (see `rnntui runs`) or folder; a task id "
                         "means its newest trained run")
    predict.add_argument("text", nargs="?", default="",
                         help="letters, a poem's first line, a review, or sine samples")
    predict.add_argument("--length", type=int, default=LENGTHS["poem"][0],
                         help="poems: most characters")
    predict.add_argument("--temperature", type=float, default=None,
                         help="poems: sampling temperature (0 = always the likeliest; "
                         "default: the task's, 0.6 for poems)")
    predict.add_argument("--lines", type=int, default=None,
                         help="poems: end after this many lines (default: 4, a quatrain, "
                         "for characters; 0: until the poem ends or --length)")
    predict.add_argument("--top-k", type=int, default=None, help="poems: sample among the k "
                         "likeliest")
    predict.add_argument("--top-p", type=float, default=None, help="poems: sample among the "
                         "likeliest whose probabilities sum to P (nucleus sampling, 0 < P ≤ 1)")
    predict.add_argument("--acrostic", default="", metavar="CHARS", help="poems: each line "
                         "starts with the next of these characters (藏头诗), e.g. 春夏秋冬")
    predict.add_argument("--prefix", default="", metavar="TEXT", help="poems: a mood text the "
                         "network reads before the poem but does not write")
    predict.add_argument("--no-rhyme", dest="rhyme", action="store_false", help="poems: let "
                         "lines 2 and 4 end on any character (default: they rhyme)")
    predict.add_argument("--no-form", dest="form", action="store_false", help="poems: the "
                         "network alone writes the form (default: the form rule keeps lines "
                         "of 5 or 7 characters, ，and 。in their places, 4 or 8 lines)")
    predict.add_argument("--chars", type=int, default=None, choices=(5, 7), metavar="{5,7}",
                         help="poems: characters a line (default: the first line's)")
    predict.add_argument("--repeat-rhyme", action="store_true", help="poems: let one "
                         "character end two rhyme lines (default: never twice)")
    predict.add_argument("--tones", action="store_true", help="poems: the tone rule: every "
                         "character not free (一三五不论) of the regulated pattern's class")
    predict.add_argument("--candidates", type=int, default=None, metavar="K", help="poems: "
                         "the K likeliest next lines under the rules (beam search), with "
                         "their log-probability, tones and rhyme, instead of a poem")
    predict.add_argument("--horizon", type=int, default=None, metavar="N", help="sine: forecast "
                         "N steps running on its own forecasts from the first held-out window, "
                         f"scored as rmse_free (default {FREE_STEPS})")
    predict.add_argument("--seed", type=int, default=None, help="random seed for sampling")
    predict.add_argument("--word-index", metavar="FILE", help="imdb: a word → rank JSON file")
    predict.add_argument("--rolls", help="dice: the rolls, e.g. 1,6,3,5 (none: roll seq_len "
                         "fresh ones from the run's dice, --seed fixes them)")
    predict.add_argument("--json", action="store_true", help="print JSON")
    from rnntui.cli.ablation import add_ablate_options

    add_ablate_options(predict)
    predict.set_defaults(handler=cmd_predict)

    gates = sub.add_parser("gates", help="every gate and state at every step of an input")
    _numbers_are_text(gates)
    gates.add_argument("run", help="a run name or folder")
    gates.add_argument("text", nargs="?", default="", help="the input to trace")
    gates.add_argument("--word-index", metavar="FILE", help="imdb: a word → rank JSON file")
    gates.add_argument("--json", action="store_true", help="print the trace as JSON")
    gates.set_defaults(handler=cmd_gates)

    explain = sub.add_parser("explain", help="the RNN forward pass of seeds 002/004 by hand")
    explain.add_argument("--inputs", default="1,2", help="comma-separated inputs (1,2)")
    explain.add_argument("--w-state", default="0.1,0.2;0.3,0.4",
                         help="state weights, rows separated by ';'")
    explain.add_argument("--w-input", default="0.5,0.6", help="input weights")
    explain.add_argument("--b", default="0.1,-0.1", help="cell bias")
    # argparse reads a value starting with "-" as an option unless it is one plain negative
    # number: let lists of numbers (--b -0.1,0.1, --w-state "-0.1,0.2;0.3,0.4") be values.
    explain._negative_number_matcher = re.compile(  # noqa: SLF001 (no public way)
        r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?([,;]\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*$")
    explain.add_argument("--w-out", default="1.0,2.0", help="output weights")
    explain.add_argument("--b-out", default="0.1", help="output bias")
    explain.add_argument("--linear", action="store_true",
                         help="state = before-activation (the seed's hand-checkable variant)")
    explain.add_argument("--json", action="store_true", help="print JSON")
    explain.set_defaults(handler=cmd_explain)

    export = sub.add_parser("export", help="a run's model summary and trainable weights as "
                            "text, or its history as CSV (--csv)")
    export.add_argument("run", help="a run name or folder")
    export.add_argument("--csv", action="store_true",
                        help="the history instead: one row an epoch, a column a metric")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    export.set_defaults(handler=cmd_export)


def _numbers_are_text(parser: argparse.ArgumentParser) -> None:
    """Read a sine window such as "-0.5 0.1" as the text, not as an unknown option.

    argparse takes an argument for a positional only when it is a single negative number
    ("-0.5"); this widens that to anything that starts like one. (A private attribute, the
    same from Python 3.8 to 3.13.)
    """
    import re

    parser._negative_number_matcher = re.compile(r"^-\.?\d")  # type: ignore[attr-defined]


def _playground(name: str, word_index: str | None = None) -> Play:
    """The run called `name`, opened for play; a review run gets its word index now (from
    `--word-index`, its own copy, Keras's cache, or a quiet download)."""
    play = open_play(_open_run(RunStore(), name))
    if isinstance(play, ReviewPlay):
        if word_index:
            from rnntui.tasks.imdb import load_word_index

            play.use_word_index(load_word_index(word_index), keep=True)
        else:
            play.find_word_index(download=True)
    return play


def _open_run(store: RunStore, name: str) -> Any:
    """The run called `name`; a task id with no run of that name means its newest trained
    run (`rnntui predict dice --rolls 1,6,3`)."""
    from rnntui.tasks import TASKS

    if name not in TASKS or (store.root / name).is_dir():
        return store.open(name)
    for info in store.list():  # newest first
        if info.run is not None and info.run.task_id == name and info.run.has_checkpoint:
            return info.run
    raise UserError(f"no trained {name} run yet: train one with `rnntui train {name}`")


def cmd_predict(args: argparse.Namespace) -> int:
    play = _playground(args.run, args.word_index)
    if args.rolls is not None and not isinstance(play, DicePlay):
        raise UserError(f"--rolls is for the dice task; {play.run.name} is a "
                        f"{play.task.id} run")
    for flag, given, kind in _FLAGS_OF_KIND:
        if given(args) and play.kind != kind:
            raise UserError(f"{flag} is for {kind} runs; {play.run.name} is a "
                            f"{play.task.id} run")
    if args.ablate:
        return _predict_ablated(play, args)
    data, lines = PREDICTORS[play.kind](play, args)
    if data is None:
        return 0  # written as it came (a poem, streamed)
    if args.json:
        print_json(data)
    else:
        print("\n".join(lines))
    return 0


def _predict_ablated(play: Play, args: argparse.Namespace) -> int:
    """The intact network's answer, then the answer with `--ablate`'s units pinned, from the
    same sampling seed (0 unless --seed says otherwise)."""
    from rnntui.cli.ablation import pins_for
    from rnntui.units.ablation import ablated, describe
    from rnntui.units.source import UnitsError, UnitsRun

    try:
        units = UnitsRun(play)
    except UnitsError as exc:
        raise UserError(str(exc)) from None
    pinned, means = pins_for(units, args.ablate, args.ablate_mode)
    if args.seed is None:
        args.seed = 0  # the same draws for both, so only the pinned units differ
    what = describe(pinned, args.ablate_mode)
    answers = []
    for label, pins in (("intact", ()), (what, pinned)):
        if not args.json:
            print(f"{label}:")
        with ablated(play.net, pins, args.ablate_mode, means):
            data, lines = PREDICTORS[play.kind](play, args)
        answers.append(data)
        if data is not None and not args.json:
            print("\n".join(lines))
    if args.json:
        print_json({"ablate": [str(u) for u in pinned], "mode": args.ablate_mode,
                    "intact": answers[0], "ablated": answers[1]})
    return 0


Answer = tuple["dict[str, Any] | None", list[str]]
# Flags that mean something to one play kind only: (flag, given?, kind).
_FLAGS_OF_KIND = (
    ("--acrostic", lambda a: bool(a.acrostic), "poem"),
    ("--prefix", lambda a: bool(a.prefix), "poem"),
    ("--top-p", lambda a: a.top_p is not None, "poem"),
    ("--no-rhyme", lambda a: not a.rhyme, "poem"),
    ("--no-form", lambda a: not a.form, "poem"),
    ("--chars", lambda a: a.chars is not None, "poem"),
    ("--tones", lambda a: a.tones, "poem"),
    ("--repeat-rhyme", lambda a: a.repeat_rhyme, "poem"),
    ("--candidates", lambda a: a.candidates is not None, "poem"),
    ("--horizon", lambda a: a.horizon is not None, "forecast"),
)


def _predict_forecast(play: Any, args: argparse.Namespace) -> Answer:
    horizon = FREE_STEPS if args.horizon is None else args.horizon
    if horizon < 1:
        raise UserError(f"--horizon {horizon}: must be 1 or more")
    forecast = play.forecast(horizon)
    encoded, nxt = play.next_value(args.text)
    steps = len(forecast.truth)
    baselines = play.baselines()
    data = {"run": play.run.name, "window": [float(v) for v in encoded.x[:, 0]],
            "next": nxt, "horizon": steps, "rmse_one_step": forecast.rmse_one_step,
            "rmse_free": forecast.rmse_rollout, "baselines": baselines,
            "free_running": [float(v) for v in forecast.rollout]}
    if encoded.warning:
        data["warning"] = encoded.warning
    data["warnings"] = [encoded.warning] if encoded.warning else []
    lines = [f"next sample after {' '.join(encoded.tokens)}: {nxt:.4f}",
             f"held-out series, {steps} samples: RMSE {forecast.rmse_one_step:.4f} one step "
             f"ahead, rmse_free {forecast.rmse_rollout:.4f} running on its own forecasts"]
    if horizon > steps:
        lines.append(f"(the held-out series allows {steps} steps, not {horizon})")
    if baselines:
        lines.append("one-step RMSE on the whole test part, when it trained: " + ", ".join(
            f"{name} {value:.4g}" for name, value in baselines.items()))
    if encoded.warning:
        lines.append(f"({encoded.warning})")
    return data, lines


def _predict_review(play: Any, args: argparse.Namespace) -> Answer:
    prob, words = play.sentiment(args.text)
    unknown = [w for w, known in words if not known]
    data = {"run": play.run.name, "positive": prob, "words": len(words),
            "unknown_words": unknown}
    if prob is None:  # not one known word: a sentence, no label
        data["warnings"] = [play.no_label(words)]
        return data, [play.no_label(words)]
    verdict = "positive" if prob >= 0.5 else "negative"
    lines = [f"{verdict}: P(positive) = {prob:.3f}"]
    if unknown:
        lines.append(f"not in the network's {play.hp.num_words} words (read as unknown): "
                     + ", ".join(unknown[:20]) + (" ..." if len(unknown) > 20 else ""))
    return data, lines


def _predict_poem(play: Any, args: argparse.Namespace) -> Answer:
    if args.lines is not None and args.lines < 0:
        raise UserError(f"--lines {args.lines}: must be 0 (no limit) or more")
    if not play.by_character:
        for flag, given in (("--acrostic", args.acrostic), ("--prefix", args.prefix),
                            ("--top-p", args.top_p is not None), ("--tones", args.tones),
                            ("--chars", args.chars is not None),
                            ("--candidates", args.candidates is not None)):
            if given:
                raise UserError(f"{flag} is for poems of characters; {play.run.name} reads words")
        return _predict_words(play, args)
    if not args.text.strip() and not args.acrostic:
        raise UserError("type a first line (or give --acrostic CHARS)")
    from rnntui.play.tokens import ended, kept_words, rhyme_words
    from rnntui.poetry.writing import WritingOptions
    from rnntui.tasks.corpus import poem_lines

    temperature = play.task.temperature if args.temperature is None else args.temperature
    options = WritingOptions(temperature=temperature, top_k=args.top_k, top_p=args.top_p,
                             lines=play.lines if args.lines is None else (args.lines or None),
                             length=args.length, rhyme=args.rhyme, acrostic=args.acrostic,
                             prefix=args.prefix, form=args.form, size=args.chars,
                             tones=args.tones, repeat_rhyme=args.repeat_rhyme)
    play.check(args.text, options)  # a first line the rules cannot go on from: one line
    # One state for the bars and the poem: at temperature 0 the poem's next character is
    # the top bar.
    start = play.start(args.text, args.prefix)
    if args.candidates is not None:
        return _predict_candidates(play, args, start, options)
    top = play.writer.candidates(start, 5, options)
    ping, ze = play.writer.tone_split(start, options)
    poem = play.write(args.text, options, _rng(args.seed), start)
    text = play.as_typed(args.text, poem)  # a character it does not know stays itself
    lines = poem_lines(text)
    if args.json:
        return {"run": play.run.name, "seed": args.text, "poem": text,
                "generated": poem.written, "lines": lines, "ended": ended(poem),
                "rhymed": poem.rhymed, "rhyme_class": sorted(poem.rhyme_class),
                "acrostic": args.acrostic, "prefix": args.prefix, "temperature": temperature,
                "top_k": args.top_k, "top_p": args.top_p, "rhyme": args.rhyme,
                "form": args.form, "tones": args.tones, "chars": args.chars,
                "kept": poem.kept, "ping": poem.ping, "next_ping": ping, "next_ze": ze,
                "next": [{"token": t, "probability": p} for t, p in top]}, []
    rhyme = rhyme_words(poem)
    kept = kept_words(poem)
    return {}, [f"next {play.reads.unit}: {shown(describe_prediction(top))}"
                + (f"   (平 {ping:.0%} · 仄 {ze:.0%})" if ping or ze else ""),
                *(shown(line) for line in lines),
                *([f"({rhyme})"] if rhyme else []), *([f"({kept})"] if kept else [])]


def _predict_candidates(play: Any, args: argparse.Namespace, start: Any,
                        options: Any) -> Answer:
    """The K likeliest next lines (beam search under the rules)."""
    if args.candidates < 1:
        raise UserError(f"--candidates {args.candidates}: must be 1 or more")
    lines = play.next_lines(start, args.candidates, options)
    if args.json:
        return {"run": play.run.name, "seed": args.text, "prefix": args.prefix,
                "form": args.form, "rhyme": args.rhyme, "tones": args.tones,
                "candidates": [c.to_dict() for c in lines]}, []
    out = [f"{len(lines)} candidate next lines after {shown(args.text)}:"]
    for n, c in enumerate(lines, 1):
        marks = []
        if c.rhymes is not None:
            marks.append(f"rhymes {c.rhyme_group}" if c.rhymes else "does not rhyme")
        if c.breaks:
            marks.append("breaks at " + ",".join(str(b + 1) for b in c.breaks))
        out.append(f"{n}. {shown(c.line)}  log p {c.log_probability:7.2f}  {c.tones}"
                   + (f"  ({'; '.join(marks)})" if marks else ""))
    return {}, out


def _predict_words(play: Any, args: argparse.Namespace) -> Answer:
    """A run of words: sampled token by token, printed as they come."""
    from rnntui.tasks.corpus import END, detokenize, tokenize

    kind = play.hp.tokens
    rng = _rng(args.seed)
    top = play.next_tokens(args.text, k=5)
    temperature = play.task.temperature if args.temperature is None else args.temperature
    lines = play.lines if args.lines is None else (args.lines or None)
    tokens_after = play.generate(args.text, args.length, temperature, args.top_k, rng, lines)
    if not args.json:
        print(f"next {play.reads.unit}: {shown(describe_prediction(top))}")
        print(shown(args.text), end="", flush=True)
    tokens: list[str] = []
    for token in tokens_after:
        if not args.json and token != END:
            # the token with the space (or none) that would stand before it
            print(shown(detokenize(["x", token], kind)[1:]), end="", flush=True)
        tokens.append(token)
    text = detokenize([t for t in tokens if t != END], kind)
    if not args.json:
        print()
        return None, []
    # The seed as typed (a word the network does not know stays itself, not UNK).
    joined = detokenize([*tokenize(args.text, kind), *[t for t in tokens if t != END]], kind)
    return {"run": play.run.name, "seed": args.text, "poem": joined, "generated": text,
            "ended": bool(tokens) and tokens[-1] == END,
            "next": [{"token": t, "probability": p} for t, p in top]}, []


def _predict_letters(play: Any, args: argparse.Namespace) -> Answer:
    top = play.next_tokens(args.text, k=5)
    encoded = play.encode(args.text)
    data = {"run": play.run.name, "input": "".join(encoded.tokens), "next": top[0][0],
            "top": [{"token": t, "probability": p} for t, p in top]}
    if encoded.warning:
        data["warning"] = encoded.warning
    data["warnings"] = [encoded.warning] if encoded.warning else []
    lines = [f"{shown(''.join(encoded.tokens))} → {top[0][0]}", describe_prediction(top)]
    lines += [f"({note})" for note in (encoded.note, encoded.warning) if note]
    return data, lines


def _rng(seed: int | None) -> Any:
    """The generator `--seed` asks for (None: a fresh one)."""
    import numpy as np

    if seed is not None and seed < 0:
        raise UserError(f"--seed {seed}: must be 0 or more")
    return np.random.default_rng(seed)


def _predict_dice(play: Any, args: argparse.Namespace) -> Answer:
    """Each step's roll, the network's belief and the exact model's, side by side."""
    import numpy as np

    from rnntui.tasks.dice import DICE, EXACT

    text = args.rolls if args.rolls is not None else args.text
    dice = None
    if not text.strip():
        text, dice = play.roll_dice(rng=_rng(args.seed))
    reading = play.dice(text, dice)
    scores = play.dice_held_out()
    if args.json:
        return {"run": play.run.name, **reading.to_dict(),
                "held_out": {"sequences": scores.sequences, "steps": scores.steps,
                             "rnn": scores.rnn, "exact": scores.exact,
                             "viterbi": scores.viterbi, "mean_kl": scores.mean_kl}}, []
    die = reading.mode == "die"
    exact_name = EXACT[reading.exact_kind][0]
    print(f"{play.run.name}: {'which die made each roll' if die else 'the next roll'}, "
          f"the network beside the exact hidden Markov model")

    def belief(row: np.ndarray) -> str:
        if die:
            return " ".join(f"{p:4.0%}" for p in row) + f" {DICE[int(row.argmax())]}"
        top = np.argsort(-row)[:2]
        return " ".join(f"{reading.classes[i]}:{row[i]:4.0%}" for i in top)

    truth = reading.truth()
    shown_truth = (lambda t: DICE[truth[t]]) if die else (lambda t: reading.classes[truth[t]])
    width = 17 if die else 13  # what `belief` writes
    columns = "  D4   D6   D8 →" if die else "likeliest two"
    print(f"{'':18}{'network':<{width}}  {exact_name:<{width}}")
    print(f"step  roll  {'true' if die else 'next'}  {columns:<{width}}  {columns:<{width}}  "
          f"Viterbi  KL")
    for t in range(reading.steps):
        known = truth is not None and t < len(truth)
        print(f"{t + 1:>4}  {reading.rolls[t]:>4}  {shown_truth(t) if known else '·':>4}  "
              f"{belief(reading.rnn[t])}  {belief(reading.exact[t])}  "
              f"{DICE[reading.viterbi[t]]:>7}  {reading.kl[t]:.3f}")
    print(f"the network's likeliest {'die' if die else 'roll'} is the exact model's at "
          f"{reading.agreement:.0%} of steps; mean KL(exact ‖ network) "
          f"{float(reading.kl.mean()):.4f} nats")
    accuracy = reading.accuracy()
    if accuracy:
        extra = f", Viterbi {accuracy['viterbi']:.0%}" if "viterbi" in accuracy else ""
        print(f"right on these rolls: network {accuracy['rnn']:.0%}, {exact_name} "
              f"{accuracy['exact']:.0%}{extra}")
    extra = f", Viterbi {scores.viterbi:.1%}" if scores.viterbi is not None else ""
    print(f"on {scores.sequences} fresh sequences of {scores.steps}: network {scores.rnn:.1%}, "
          f"{exact_name} {scores.exact:.1%}{extra} (gap {100 * (scores.exact - scores.rnn):.1f}"
          " points)")
    return None, []


# How `rnntui predict` answers, by the run's play kind (a sequence is answered as letters
# are: its likeliest answer and the top five, with a warning when the length is not its own).
PREDICTORS = {"letters": _predict_letters, "sequence": _predict_letters,
              "poem": _predict_poem, "forecast": _predict_forecast,
              "review": _predict_review, "dice": _predict_dice}


def cmd_gates(args: argparse.Namespace) -> int:
    play = _playground(args.run, args.word_index)
    encoded, trace = play.gates(args.text)
    _, influence = play.influence(args.text)
    if args.json:
        print_json({"run": play.run.name, "tokens": list(encoded.tokens), "note": encoded.note,
                    "trace": trace.to_dict(), "influence": influence.to_dict()})
        return 0
    print(f"{play.run.name}: {len(encoded.tokens)} steps: {shown(' '.join(encoded.tokens))}")
    if encoded.warning:
        print(f"({encoded.warning})")
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


def _numbers(text: str, what: str) -> Any:
    """A flag's numbers, read as the app's fields read them (`explain.parse_numbers`)."""
    from rnntui.explain import FieldError, parse_numbers

    try:
        return parse_numbers(text)
    except FieldError as exc:
        raise UserError(f"--{what} {text!r}: {exc}") from None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _one_number(text: str, what: str) -> float:
    value = _numbers(text, what)
    if isinstance(value, list):
        raise UserError(f"--{what} {text!r}: write one number")
    return float(value)


def cmd_explain(args: argparse.Namespace) -> int:
    from rnntui.explain import forward_by_hand, render_text, to_dict

    try:
        steps = forward_by_hand(
            inputs=_listed(_numbers(args.inputs, "inputs")),
            w_state=_numbers(args.w_state, "w-state"),
            w_input=_listed(_numbers(args.w_input, "w-input")),
            b=_listed(_numbers(args.b, "b")), w_out=_listed(_numbers(args.w_out, "w-out")),
            b_out=_one_number(args.b_out, "b-out"),
            activation="linear" if args.linear else "tanh")
    except (ValueError, IndexError) as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json(to_dict(steps))
    else:
        print(render_text(steps))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    text = _history_text(args.run) if args.csv else _weights_text(args.run)
    if args.out:
        from pathlib import Path

        from rnntui.runs import atomic_write

        out = Path(args.out).expanduser()
        # Path("dir/") drops the slash: "dir/" names a folder even before it exists.
        if out.is_dir() or not out.name or args.out.endswith(("/", os.sep)):
            raise UserError(f"--out {args.out}: is a folder; name a file to write")
        if out.is_symlink():  # write where the link points; replacing the link loses it
            out = Path(os.path.realpath(out))
        try:
            atomic_write(out, text)
        except OSError as exc:
            raise UserError(f"--out {args.out}: cannot write it ({exc.strerror})") from None
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0


def _history_text(name: str) -> str:
    """The run's history as CSV: no model is loaded, so a run that is training exports too."""
    from rnntui.runs.history_csv import run_history_csv

    run = RunStore().open(name)
    if not run.history():
        raise UserError(f"{run.name} has no complete epoch yet: no history to export")
    return run_history_csv(run)


def _weights_text(name: str) -> str:
    from rnntui.nn import summary_rows, total_params, weights_text

    play = _playground(name)
    rows = summary_rows(play.net)
    lines = [f"# {play.run.name} ({play.task.id})", "",
             f"{'layer':<28}{'kind':<16}{'output shape':<20}{'params':>10}"]
    lines += [f"{r.name:<28}{r.kind:<16}{str(r.output_shape):<20}{r.params:>10,}" for r in rows]
    lines += [f"{'total':<64}{total_params(play.net):>10,}", "", weights_text(play.net)]
    return "\n".join(lines) + "\n"
