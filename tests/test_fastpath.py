"""The GPU fast path: one rule (rnntui.fastpath) that the form and `rnntui train` both use."""

from __future__ import annotations

from rnntui.fastpath import COST, fast_path
from rnntui.tasks import get_task
from rnntui.ui.app import make_app
from rnntui.ui.screens.hparams import HparamsScreen
from tests.ui_support import FakeFactory, screen_text


def test_only_recurrent_dropout_takes_lstm_and_gru_off_the_fused_kernel():
    sine = get_task("sine")
    for cell in ("lstm", "gru"):
        assert fast_path(sine.hparams({"cell": cell})).fused
        assert fast_path(sine.hparams({"cell": cell, "dropout": 0.3,
                                       "bidirectional": True})).fused
        slow = fast_path(sine.hparams({"cell": cell, "recurrent_dropout": 0.2}))
        assert not slow.fused and slow.key == "recurrent_dropout"
        assert slow.notice == (f"recurrent_dropout 0.2 takes the {cell.upper()} off the fused "
                               f"cuDNN kernel (one step at a time): {COST}")
    simple = fast_path(sine.hparams({"cell": "simple"}))
    assert not simple.fused and simple.notice == ""  # no kernel to lose: nothing to warn of


async def test_the_form_says_when_a_value_leaves_the_fast_path():
    app = make_app(trainer_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_task("sine")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, HparamsScreen)
        note = form.query_one("#fast-path")
        assert not note.display
        field = form.fields()["recurrent_dropout"]
        field.control.focus()
        await pilot.press(*"0.25")  # focus selected the value: typing replaces it
        await pilot.pause()
        assert form.errors == {}
        text = " ".join(screen_text(app).split())
        assert "⚠ recurrent_dropout 0.25 takes the LSTM off the fused cuDNN kernel" in text
        assert note.display
        field.control.value = "0"
        await pilot.pause()
        assert not note.display and "⚠ recurrent_dropout" not in screen_text(app)


def test_every_default_lstm_or_gru_is_on_the_fast_path_or_says_why_not():
    from rnntui.tasks import TASKS

    for task in TASKS.values():
        hp = task.hparams()
        if hp.cell in ("lstm", "gru"):
            # recall leaves it on purpose (recurrent dropout is its lesson), and says so
            assert fast_path(hp).fused != bool(task.off_fast_path), task.id


def test_built_layers_keep_what_the_fused_kernel_needs():
    # The other half of the rule: build_model never changes what cuDNN needs (tanh/sigmoid,
    # a bias, no unroll, use_cudnn left to Keras).
    from rnntui.engine.model import build_model

    task = get_task("sine")
    for cell in ("lstm", "gru"):
        hp = task.hparams({"cell": cell, "units": 4, "bidirectional": True})
        model = build_model(task.model_spec(hp), hp)
        for layer in model.layers:
            rnn = getattr(layer, "forward_layer", layer)
            if type(rnn).__name__ in ("LSTM", "GRU"):
                config = rnn.get_config()
                assert (config["activation"], config["recurrent_activation"]) == \
                    ("tanh", "sigmoid")
                assert config["use_bias"] and not config["unroll"]
                assert config["recurrent_dropout"] == 0 and rnn.use_cudnn == "auto"
