"""How a training's end reads (issue 21 §6): trained N epochs, kept epoch K."""

from __future__ import annotations

from rnntui.engine import events as ev
from rnntui.outcome import headline
from rnntui.runs import RunStatus


def test_an_earlier_kept_epoch_is_named_beside_the_epochs_trained():
    done = ev.TrainingFinished("completed", 1, {}, best_epoch=1, trained_epochs=4)
    assert headline(done) == "✓ completed: trained 4 epochs, kept epoch 1"
    assert headline(ev.TrainingFinished("completed", 1, {})) == "✓ completed: trained 1 epoch"
    assert headline(ev.TrainingFinished("stopped", 3, {})) == "■ stopped: trained 3 epochs"


def test_a_diverged_run_says_where_it_blew_up_and_what_it_kept():
    done = ev.TrainingFinished("diverged", 9, {}, best_epoch=9, trained_epochs=40,
                               diverged_at=38)
    assert headline(done) == "✗ diverged at epoch 38, best epoch 9 kept"
    saved = RunStatus.from_dict({"status": "diverged", "epochs": 9, "best_epoch": 9,
                                 "trained_epochs": 40, "diverged_at": 38})
    assert headline(saved) == "✗ diverged at epoch 38, best epoch 9 kept"


def test_nan_says_what_was_kept():
    done = ev.TrainingFinished("nan", 2, {}, best_epoch=2, trained_epochs=5)
    assert headline(done) == "✗ loss became NaN in epoch 6, best epoch 2 kept"
    assert headline(ev.TrainingFinished("nan", 0, {})) == "✗ loss became NaN in epoch 1, nothing kept"


def test_baselines_by_their_names_and_perplexity_to_one_decimal():
    # issue 21 §6: "kneser_ney_5gram 269.3412" on screen and CLI text
    from rnntui.cli.common import fmt_figure
    from rnntui.standing import baseline_name, standing
    from rnntui.tasks import get_task

    assert baseline_name("kneser_ney_5gram") == "Kneser-Ney 5-gram"
    assert baseline_name("last value") == "last value"
    line = standing("LSTM", 121.4376, {"kneser_ney_5gram": 269.3412},
                    get_task("poems").quality)
    assert line.startswith("LSTM 121.4 vs Kneser-Ney 5-gram 269.3: ")
    assert fmt_figure("perplexity", 121.4376) == "121.4"
    assert fmt_figure("accuracy", 0.5) == "0.5000"


def test_compare_names_each_runs_ending_a_diverged_cell_among_them(tmp_path):
    # issue 21 §3: a diverged cell is a result of the comparison, said as one
    from rnntui.runs import RunStore
    from rnntui.runs.compare import summarize
    from rnntui.tasks import get_task

    store = RunStore(tmp_path)
    run = store.create("recall", get_task("recall").hparams({"cell": "simple"}))
    run.save_checkpoint(lambda path: path.write_bytes(b"x"), [{"loss": 1.0}] * 9)
    run.save_status(status="diverged", epochs=9, best_epoch=9, trained_epochs=40,
                    diverged_at=38)
    summary = summarize(store.open(run.path))
    assert summary.outcome == "✗ diverged at epoch 38, best epoch 9 kept"
    assert summary.to_dict()["outcome"] == summary.outcome
