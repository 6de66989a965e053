"""A tiny host app that shows one screen alone, and the runs the screen tests play with.

Tests import `HostApp`, `trained_runs()` and `fixed_runs()`. Run it to look at a screen:

    python tests/ui_host.py gates onehot4      # or: predict poems, predict sine, explain …
    python tests/ui_host.py gates poems --fixed

The runs live under a temporary folder made once per process (or `--root DIR`, reused if it
already holds them). `trained_runs` trains each tiny run with the real engine once (about
15 s in all, TensorFlow's import included); `fixed_runs` writes networks with weights set
here, so snapshot tests draw the same numbers on every machine (real training differs in the
last bits across CPUs, and a heatmap colour or a sampled character can flip on them).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python tests/ui_host.py` from anywhere
    sys.path.insert(0, str(ROOT))

from rnntui.runs import Run, RunStore  # noqa: E402
from rnntui.tasks import DataSource, get_task  # noqa: E402
from rnntui.ui.keys import LEAVE_FIELD, KeyOrder  # noqa: E402

POEM_CORPUS = "床前明月光，疑是地上霜。举头望明月，低头思故乡。\n" * 12
TINY_WORD_INDEX = {"the": 1, "and": 2, "a": 3, "of": 4, "movie": 14, "was": 10, "great": 81,
                   "wonderful": 380, "bad": 72, "acting": 110, "this": 8, "i": 7, "it": 6,
                   "loved": 420, "awful": 370, "plot": 108}

# Seed 000's four-letter SimpleRNN(3), trained once and rounded to two decimals: it still
# reads "abcd" as "e" (70%). Layout as Keras's get_weights(): kernel, recurrent kernel, bias,
# Dense kernel, Dense bias.
ONEHOT4_WEIGHTS = [
    [[-0.14, -0.30, 0.32], [1.01, -0.90, -0.54], [1.13, -0.03, -0.03], [0.11, -0.25, -1.39],
     [-1.23, 0.32, 0.93]],
    [[-0.17, 0.53, -1.52], [-1.63, 0.06, 0.88], [0.60, -1.70, 0.61]],
    [-0.19, 0.04, -0.19],
    [[-1.08, -1.19, 0.37, -0.12, -1.29], [-0.06, -1.12, -1.36, -0.25, -0.37],
     [1.39, 1.25, 0.60, -0.98, -1.45]],
    [-0.11, -0.01, 0.17, 0.22, -0.09],
]

_HOME: Path | None = None
_TRAINED: dict[str, Run] = {}
_FIXED: dict[str, Run] = {}
_FILES: dict[Path, set[str]] = {}  # what each shared fixed run's folder held when made


def home() -> Path:
    """This process's folder for test runs, removed at exit."""
    global _HOME
    if _HOME is None:
        _HOME = Path(tempfile.mkdtemp(prefix="rnntui-ui-"))
        atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
    return _HOME


def _sources(root: Path) -> dict[str, DataSource]:
    from tests.test_tasks import _write_imdb

    root.mkdir(parents=True, exist_ok=True)

    corpus = root / "poems.txt"
    if not corpus.exists():
        corpus.write_text(POEM_CORPUS, encoding="utf-8")
    npz = root / "tiny-imdb.npz"
    if not npz.exists():
        _write_imdb(npz)
    return {"poems": DataSource(corpus=str(corpus)), "imdb": DataSource(data=str(npz))}


def _named(store: RunStore, run: Run, name: str) -> Run:
    """The run moved to a fixed folder name (names carry a timestamp; snapshots show them)."""
    target = store.root / name
    if target.exists():
        shutil.rmtree(target)
    run.path.rename(target)
    return store.open(name)


# Tiny recipes: seconds of training each, enough for the screens to have something to show.
RECIPES: dict[str, tuple[str, dict[str, Any]]] = {
    # units pinned to the seed's 3: seed 000's weights below, and snapshots, depend on it
    "onehot4": ("onehot4", {"units": 3}),
    "bilstm": ("onehot4", {"cell": "lstm", "layers": 2, "bidirectional": True, "epochs": 1,
                           "units": 3}),
    "poems": ("poems", {"units": 8, "embedding_dim": 4, "seq_len": 8, "epochs": 2}),
    "sine": ("sine", {"units": 4, "batch_size": 2048, "epochs": 1}),
    "imdb": ("imdb", {"num_words": 500, "seq_len": 20, "units": 4, "embedding_dim": 4,
                      "epochs": 1}),
    "onehot1": ("onehot1", {"units": 3, "epochs": 1}),
    "embed4": ("embed4", {"units": 4, "epochs": 1}),
    "recall": ("recall", {"units": 4, "epochs": 1}),
    "dice": ("dice", {"units": 4, "epochs": 1}),
}


def trained_run(kind: str, root: Path | None = None) -> Run:
    """A run trained by the real engine (once per process and kind)."""
    if root is None and kind in _TRAINED:
        return _TRAINED[kind]
    from rnntui.engine.train import train

    root = root or home()
    store = RunStore(root / "runs")
    name = f"{kind}-trained"
    if (store.root / name / "model.keras").is_file():
        run = store.open(name)
    else:
        task_id, hp = RECIPES[kind]
        source = _sources(root).get(task_id, DataSource())
        run = store.create(task_id, get_task(task_id).hparams(hp), source)
        train(run)
        run = _named(store, run, name)
    if root == home():
        _TRAINED[kind] = run
    return run


def _formula_weights(shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """Weights from a fixed formula: the same numbers everywhere, varied enough to look at."""
    arrays = []
    for j, shape in enumerate(shapes):
        k = np.arange(int(np.prod(shape)), dtype=np.float64)
        arrays.append((0.9 * np.sin(0.71 * k + 1.37 * j + 0.3)).reshape(shape))
    return arrays


def fixed_run(kind: str, root: Path | None = None) -> Run:
    """A run of a RECIPES kind whose weights are set here, not trained: seed 000's rounded
    ones for 'onehot4', a fixed formula for the others. Saves the seconds of compiling and
    fitting where the test needs a network, not a good one."""
    if root is None and kind in _FIXED:
        return _pristine(_FIXED[kind])
    root = root or home()
    store = RunStore(root / "runs")
    name = f"{kind}-fixed"
    if (store.root / name / "model.keras").is_file():
        run = store.open(name)
    else:
        from rnntui.engine.model import build_model

        task_id, hp_values = RECIPES[kind]
        task = get_task(task_id)
        source = _sources(root).get(task_id, DataSource())
        hp = task.hparams(hp_values)
        data = task.load(hp, source)
        model = build_model(task.model_spec(hp, data), hp)
        if kind == "onehot4":
            weights = [np.asarray(w, dtype=np.float32) for w in ONEHOT4_WEIGHTS]
        else:
            weights = _formula_weights([w.shape for w in model.get_weights()])
        model.set_weights(weights)
        run = store.create(task_id, hp, source)
        run.save_checkpoint(lambda path: model.save(path), [{"loss": 1.0}])
        if data.vocab:
            run.save_vocab(data.vocab)
        run = _named(store, run, name)
    if root == home():
        _FIXED[kind] = run
        _FILES[run.path] = {path.name for path in run.path.iterdir()}
    return run


def _pristine(run: Run) -> Run:
    """The shared run as it was made: what a test's play left in its folder (a word index
    kept with the run, say) is removed, so no test sees another's files."""
    for path in run.path.iterdir():
        if path.name not in _FILES[run.path] and path.is_file():
            path.unlink()
    return run


class HostApp(KeyOrder, App[None]):
    """Pushes one screen on mount, with rnntui's themes and keyboard model (keys in order,
    Esc leaves a field, q quits outside one), as the real app would show it."""

    TITLE = "rnntui"
    BINDINGS = [Binding("q", "quit", "Quit", id="app.quit", show=False),
                Binding("ctrl+q", "quit", "Quit", id="app.quit_now", show=False,
                        priority=True), LEAVE_FIELD]

    def __init__(self, make_screen: Callable[[], Screen], theme: str = "rnntui-dark",
                 still: bool = False):
        """`still`: no animation and no blinking cursor, for snapshots."""
        super().__init__()
        from rnntui.ui.theme import THEMES

        self.make_screen = make_screen
        self.still = still
        if still:
            self.animation_level = "none"
        for each in THEMES:
            self.register_theme(each)
        self.theme = theme
        self.shown: Screen | None = None

    def on_mount(self) -> None:
        self.shown = self.make_screen()
        self.push_screen(self.shown)


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let posted messages run and every worker finish, a few times over (a worker's result
    can start another worker)."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        await pilot.pause()
        for _attempt in range(10):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                # An exclusive worker replaced by a newer one (the next typed key's) while
                # waited on: the newer one is what counts, so wait again.
                await pilot.pause()
    await pilot.pause()


async def settle_still(pilot: Any) -> None:
    """`settle`, then stop every Input's cursor blinking so a snapshot is the same each time."""
    from textual.widgets import Input

    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("screen", choices=("gates", "predict", "explain"))
    parser.add_argument("run", nargs="?", default="onehot4", choices=sorted(RECIPES))
    parser.add_argument("--fixed", action="store_true", help="weights set here, not trained")
    parser.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "rnntui-ui-host")
    parser.add_argument("--seed", type=int, default=None, help="predict: the sampling seed")
    args = parser.parse_args(argv)

    if args.screen == "explain":
        from rnntui.ui.screens.explain import ExplainScreen

        HostApp(ExplainScreen).run()
        return
    args.root.mkdir(parents=True, exist_ok=True)
    run = (fixed_run if args.fixed else trained_run)(args.run, args.root)
    if args.screen == "gates":
        from rnntui.ui.screens.gates import GatesScreen

        make: Callable[[], Screen] = lambda: GatesScreen(run)  # noqa: E731
    else:
        from rnntui.ui.screens.predict import predict_screen

        def make() -> Screen:
            screen = predict_screen(run, seed=args.seed)
            if run.task_id == "imdb":
                screen.handle.use_words(TINY_WORD_INDEX)
            return screen
    HostApp(make).run()


if __name__ == "__main__":
    _main(sys.argv[1:])
