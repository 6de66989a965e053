"""Watching it learn in the app: the training screen's gradient norms (n: every batch, each
recurrent kernel, the clipnorm line) and histograms (h), the compare view's gradient through
time (g) and gate saturation side by side (k)."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.ui.app import make_app
from rnntui.ui.screens.training import TrainingScreen
from rnntui.ui.widgets.plots import CurvePlot
from tests.ui_support import FakeFactory, epoch, screen_text, start_training, wait_for


async def tick_all(pilot, screen) -> None:
    """Tick every run of the compare view (it opens on two)."""
    from textual.widgets import SelectionList

    runs = screen.query_one(SelectionList)
    while len(runs.selected) != runs.option_count:
        await pilot.press("a")
        await pilot.pause(0.2)


def three_recall_runs():
    """Three finished recall runs on disk, SimpleRNN, LSTM and GRU, two epochs each."""
    from rnntui.runs import RunStore
    from tests.ui_support import saved_run

    store = RunStore()
    done = {"status": "completed", "epochs": 2, "quality": {"accuracy": 0.5}, "metrics": {}}
    history = [{"loss": 2.0, "accuracy": 0.1}, {"loss": 1.9, "accuracy": 0.2}]
    return tuple(saved_run(store, "recall", history, status=done, cell=cell)
                 for cell in ("simple", "lstm", "gru"))


async def compare_all(app, pilot, run):
    """The compare view opened on `run`'s task, its three runs ticked."""
    from rnntui.ui.screens.compare import CompareScreen

    app.open_screen(run, "compare")
    await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen)
                   and len(app.screen.runs) == 3)
    await pilot.pause(0.3)
    screen = app.screen
    await tick_all(pilot, screen)
    return screen


async def test_n_shows_the_batch_norms_with_the_clip_threshold_on_a_log_scale():
    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        from rnntui.tasks import get_task

        hp = get_task("onehot4").hparams({"clipnorm": "0.5"})
        trainer = await start_training(pilot, factory, hparams=hp, steps=2)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        trainer.feed(ev.BatchEnded(1, 1, 2, 1.2, 250.0, 3.0, grad_norm=2.0),
                     ev.BatchEnded(1, 2, 2, 1.1, 250.0, 3.0, grad_norm=1.0), epoch(1, 1.0, 0.4),
                     ev.GradientsRecorded(1, 2, {"global": [2.0, 1.0],
                                                 "rnn_1/kernel": [0.3, 0.2],
                                                 "rnn_1/recurrent_kernel": [0.8, 0.4]}),
                     ev.BatchEnded(2, 1, 2, 0.9, 250.0, 3.0, grad_norm=0.7))
        # (batch messages replace each other: only the newest needs to arrive)
        session = app.service.session
        await wait_for(pilot, lambda: len(session.norms) == 1 and session.last_batch
                       is not None and session.last_batch.epoch == 2)
        await pilot.press("n")
        await pilot.pause(0.3)
        plot = screen.query_one("#metric-plot", CurvePlot)
        assert plot.plot_title == "gradient norm per batch" and plot.log_y
        # the kept epoch's batches, then the live batch of epoch 2
        assert list(plot.drawn["all weights"]) == [(0.5, 2.0), (1.0, 1.0), (1.5, 0.7)]
        assert list(plot.drawn["rnn_1 recurrent"]) == [(0.5, 0.8), (1.0, 0.4)]
        assert list(plot.drawn["clipnorm 0.5"]) == [(0.5, 0.5), (1.5, 0.5)]
        assert "gradient norm per batch" in screen_text(app)
        await pilot.press("n")
        await pilot.pause(0.3)
        assert plot.plot_title == "accuracy" and not plot.log_y


async def test_compare_g_overlays_each_runs_gradient_through_time():
    from rnntui.engine.through_time import LayerGradient, ThroughTime, save_curve

    simple, lstm, bare = three_recall_runs()
    save_curve(simple.path, 1, ThroughTime(2.0, [LayerGradient(0, "rnn_1", [1e-3, 1e-2, 0.5])]))
    save_curve(simple.path, 2, ThroughTime(1.9, [LayerGradient(0, "rnn_1", [1e-4, 1e-2, 0.4])]))
    save_curve(lstm.path, 2, ThroughTime(1.9, [LayerGradient(0, "rnn_1", [0.2, 0.3, 0.4])]))
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await compare_all(app, pilot, simple)
        await pilot.press("g")
        await pilot.pause(0.3)
        plot = screen.query_one("#compare-metric", CurvePlot)
        number = {run.name: f"#{i + 1}" for i, run in enumerate(screen.runs)}
        drawn = {label.split()[0]: list(points) for label, points in plot.drawn.items()}
        # the last epoch's curve, by step, on a log scale; a run with none is named
        assert drawn[number[simple.name]] == [(1.0, 1e-4), (2.0, 1e-2), (3.0, 0.4)]
        assert drawn[number[lstm.name]] == [(1.0, 0.2), (2.0, 0.3), (3.0, 0.4)]
        assert plot.log_y and plot.xlabel == "step t"
        assert number[bare.name] not in drawn and len(drawn) == 2  # it has none kept
        await pilot.press("g")
        await pilot.pause(0.3)
        assert plot.xlabel == "epoch" and not plot.log_y


async def test_h_shows_a_recurrent_kernels_histogram_epoch_by_epoch():
    import numpy as np

    from rnntui.runs.histograms import measure

    factory = FakeFactory()
    app = make_app(trainer_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        trainer = await start_training(pilot, factory)
        screen = app.screen
        kernel = np.array([[-1.0, 0.0], [0.5, 1.0]])
        for n in (1, 2):
            trainer.feed(epoch(n, 1.0 / n, 0.5),
                         ev.HistogramsRecorded(n, measure(n, [("rnn_1/recurrent_kernel",
                                                               kernel * n)],
                                                          [("rnn_1/recurrent_kernel",
                                                            kernel / 10)])))
        session = app.service.session
        await wait_for(pilot, lambda: len(session.histograms) == 2)
        await pilot.press("h")
        await pilot.pause(0.3)
        plot = screen.query_one("#metric-plot", CurvePlot)
        assert plot.plot_title == "weights · epoch 2"
        (label, points), = plot.drawn.items()
        assert label == "rnn_1/recurrent_kernel (n=4)"
        assert sum(y for _, y in points) == 4 and min(x for x, _ in points) > -2.0
        await pilot.press("left")  # the loss plot's cursor: last epoch, then epoch 1
        await pilot.press("left")
        await pilot.pause(0.3)
        assert plot.plot_title == "weights · epoch 1"
        await pilot.press("h")
        await pilot.pause(0.3)
        assert plot.plot_title == "gradients · epoch 1"
        await pilot.press("h")
        await pilot.pause(0.3)
        assert plot.plot_title == "accuracy"


async def test_compare_k_puts_each_gated_runs_saturation_side_by_side():
    from rnntui.units import saturation

    simple, lstm, gru = three_recall_runs()
    gates = {"left": [0.0, 0.5], "right": [0.9, 0.1]}
    saturation.record(lstm.path, 1, {"steps": 10, "layers": [
        {"layer": 0, "kind": "LSTM", "gates": {"i": gates, "f": gates, "o": gates}}]}, 0.01)
    saturation.record(lstm.path, 2, {"steps": 10, "layers": [
        {"layer": 0, "kind": "LSTM", "gates": {"f": {"left": [0.0, 0.0], "right": [1.0, 0.2]}}}]},
        0.01)
    saturation.record(gru.path, 2, {"steps": 10, "layers": [
        {"layer": 0, "kind": "GRU", "gates": {"z": gates, "r": gates}}]}, 0.01)
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await compare_all(app, pilot, simple)
        await pilot.press("k")
        await pilot.pause(0.3)
        plot = screen.query_one("#compare-metric", CurvePlot)
        number = {run.name: f"#{i + 1}" for i, run in enumerate(screen.runs)}
        drawn = {label.split()[0]: (label, list(points)) for label, points in plot.drawn.items()}
        assert number[simple.name] not in drawn  # a SimpleRNN has no gates
        label, points = drawn[number[lstm.name]]
        assert " f ep 2" in label and points == [(0.0, 1.0), (0.0, 0.2)]  # its last epoch
        label, points = drawn[number[gru.name]]
        assert " z ep 2" in label and points == [(0.0, 0.9), (0.5, 0.1)]
        await pilot.press("g")  # one right plot at a time
        await pilot.pause(0.3)
        assert plot.xlabel == "step t"
        await pilot.press("g")
        await pilot.pause(0.3)
        assert plot.xlabel == "epoch"
