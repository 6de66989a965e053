"""The UI's pure parts: thinning curves, formatting figures, the session, the messages."""

from __future__ import annotations

import math

from rnntui.engine import events as ev
from rnntui.runs import RunStore
from rnntui.tasks import get_task
from rnntui.ui import messages
from rnntui.ui.curves import downsample, epoch_curve, epoch_ticks, metric_key
from rnntui.ui.figures import duration, figure, quality_line
from rnntui.ui.session import FAILED, FINISHED, SAVED, TrainingSession
from tests.ui_support import saved_run


def test_downsample_keeps_the_ends_and_the_limit():
    points = [(float(i), float(i * i)) for i in range(1000)]
    thin = downsample(points, 50)
    assert len(thin) == 50
    assert thin[0] == points[0] and thin[-1] == points[-1]
    assert downsample(points[:10], 50) == points[:10]


def test_epoch_curve_skips_missing_and_non_finite_values():
    history = [{"loss": 1.0}, {"loss": math.nan}, {"acc": 1.0}, {"loss": 0.25}]
    assert epoch_curve(history, "loss") == [(1.0, 1.0), (4.0, 0.25)]


def test_epoch_ticks_are_round_numbers_that_reach_the_end():
    assert epoch_ticks(1, 400, 5) == [1, 100, 200, 300, 400]
    assert epoch_ticks(1, 15, 5) == [1, 5, 10, 15]
    assert epoch_ticks(0, 10, 5) == [0, 2, 4, 6, 8, 10]  # batch curves start at epoch 0
    assert epoch_ticks(1, 37, 4) == [1, 10, 20, 30]
    assert epoch_ticks(1, 1, 5) == [1]
    for high in range(1, 3000, 7):
        ticks = epoch_ticks(1, high, 6)
        assert ticks[0] == 1 and ticks == sorted(set(ticks)) and ticks[-1] <= high
        assert len(ticks) <= 8 and high - ticks[-1] < (ticks[-1] - ticks[-2] if len(ticks) > 1
                                                       else 2)


def test_metric_key_per_task():
    assert metric_key("onehot4") == "accuracy"
    assert metric_key("sine") == "rmse"


def test_figures_read_like_the_cli():
    assert figure(1.0) == "1.0000"
    assert figure(12345.6) == "12,346"
    assert figure(None) == "—"
    assert figure(0.0000214) == "2.14e-05" and figure(0.0) == "0.0000"
    assert figure(math.nan) == "nan"
    assert duration(42) == "42 s"
    assert duration(200) == "3 min 20 s"
    assert (quality_line(get_task("sine"), {"rmse": 0.0018})
            == "rmse 0.0018 (goal ≤ 0.01: reached)")
    assert "not reached" in quality_line(get_task("onehot4"), {"accuracy": 0.8})


def test_session_follows_events(isolated_home):
    store = RunStore()
    run = store.create("onehot4", get_task("onehot4").hparams())
    session = TrainingSession.for_run(run)
    session.record(ev.TrainingStarted(str(run.path), "onehot4", "m", 47, "CPU", 5, 2, 0, 3))
    session.record(ev.BatchEnded(1, 1, 2, 1.5, 100.0, 3.0))
    session.record(ev.EpochEnded(1, {"loss": 1.0, "accuracy": 0.4}, 0.1, 100.0))
    assert session.epochs_done == 1 and session.batch_losses == [(0.5, 1.5)]
    session.record(ev.TrainingFinished("completed", 1, {}, {"accuracy": 1.0}))
    assert session.state == FINISHED and not session.active
    session.record(ev.TrainingFailed("boom"))
    assert session.state == FAILED


def test_a_long_session_keeps_every_epoch_and_a_bounded_trail_of_batches(isolated_home):
    from rnntui.ui.session import BATCH_POINTS

    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    session = TrainingSession.for_run(run)
    epochs, steps = 400, 25
    session.record(ev.TrainingStarted(str(run.path), "onehot4", "m", 47, "CPU", epochs, steps,
                                      0, 3))
    for epoch in range(1, epochs + 1):
        for batch in range(1, steps + 1):
            session.record(ev.BatchEnded(epoch, batch, steps, 1.0 / epoch, 1.0, 1.0))
        session.record(ev.EpochEnded(epoch, {"loss": 1.0 / epoch}, 0.1, 1.0))
    assert session.epochs_done == epochs and session.history[-1] == {"loss": 1.0 / epochs}
    assert epoch_curve(session.history, "loss")[0] == (1.0, 1.0)
    trail = session.batch_losses
    assert BATCH_POINTS // 2 < len(trail) <= BATCH_POINTS < epochs * steps
    assert trail[0] == (1 / steps, 1.0)  # the first batch, and the latest ones, are kept
    assert trail[-1][0] > epochs - 1
    # A resumed run continues from its checkpoint: epochs after it are replaced.
    session.record(ev.EpochEnded(3, {"loss": 9.0}, 0.1, 1.0))
    assert session.epochs_done == 3 and session.history[2] == {"loss": 9.0}


def test_a_session_holds_a_long_run_in_a_few_bytes_an_epoch(isolated_home):
    """Memory in a long run: 5,000 epochs of four batches each, with their metrics, keep
    ~50 bytes an epoch (columns of floats). As dicts and tuples they kept ~630."""
    import tracemalloc

    run = RunStore().create("onehot4", get_task("onehot4").hparams())
    session = TrainingSession.for_run(run)
    session.record(ev.TrainingStarted(str(run.path), "onehot4", "m", 47, "CPU", 10**5, 4, 0, 3))

    def train(first: int, last: int) -> None:
        for epoch in range(first, last + 1):
            for batch in range(1, 5):
                session.record(ev.BatchEnded(epoch, batch, 4, 1.0 / epoch, 1.0, 1.0))
            session.record(ev.EpochEnded(epoch, {"loss": 1.0 / epoch, "accuracy": 0.5,
                                                 "val_loss": 2.0 / epoch}, 0.1, 1.0))

    train(1, 1000)  # the batch trail has thinned, the log is full: both stay that size
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        train(1001, 6000)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert session.epochs_done == 6000
    assert kept / 5000 < 100, f"{kept / 5000:.0f} bytes an epoch"


def test_a_saved_run_becomes_a_session_with_its_history_and_ending(isolated_home):
    run = saved_run(RunStore(), "onehot4", [{"loss": 1.0, "accuracy": 0.5}] * 3,
                    status={"status": "stopped", "epochs": 3, "message": "stopped after 3",
                            "quality": {"accuracy": 0.5}, "metrics": {}})
    session = TrainingSession.for_run(run, state=SAVED)
    assert session.epochs_done == 3
    assert session.finished is not None and session.finished.status == "stopped"
    assert [line.text for line in session.log][-1] == "stopped after epoch 3; press r to train on"


def test_only_batch_progress_replaces_an_older_message():
    batch = messages.wrap(ev.BatchEnded(1, 1, 10, 1.0, 1.0, 1.0))
    newer = messages.wrap(ev.BatchEnded(1, 2, 10, 0.9, 1.0, 1.0))
    epoch = messages.wrap(ev.EpochEnded(1, {}, 0.1, 1.0))
    assert isinstance(batch, messages.BatchEnded)
    assert batch.can_replace(newer) and not batch.can_replace(epoch)
    assert not epoch.can_replace(messages.wrap(ev.EpochEnded(2, {}, 0.1, 1.0)))
    assert type(messages.wrap(ev.LogLine("x"))).__name__ == "LogLineWritten"


def test_a_poem_run_starts_from_a_first_line_it_can_read():
    from types import SimpleNamespace

    from rnntui.play import PoemPlay
    from rnntui.tasks.corpus import END, UNK

    play = SimpleNamespace(hp={"tokens": "char"}, vocab=(END, UNK, *"，。前明月光白日依山尽"),
                           _split=list, by_character=True)
    default_text = PoemPlay.default_text
    assert default_text(play) == "白日依山尽"  # 床 unknown: seed 004's line cannot be read
    play.vocab = (END, UNK, *"，。床前明月光")
    assert default_text(play) == "床前明月光"
    play.vocab = (END, UNK, *"，。山风")
    assert default_text(play) == "，。山风"  # no famous line: the most frequent tokens
