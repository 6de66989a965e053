"""What training reports while it runs: small, picklable records in past tense.

The CLI prints them, the app turns them into Textual messages; a child process sends them
through a queue. No Keras here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrainingStarted:
    run: str  # the run folder
    task: str
    model: str  # "Embedding(26, 2) → SimpleRNN(5) → Dense(26, softmax)"
    params: int
    device: str
    samples: int
    steps: int  # batches per epoch
    initial_epoch: int  # epochs already done (resume)
    epochs: int  # the target
    history: tuple[dict, ...] = ()  # the epochs already done, to redraw the plot on resume


@dataclass(frozen=True)
class BatchEnded:
    epoch: int  # 1-based
    batch: int  # batches done in this epoch
    steps: int
    loss: float
    samples_per_second: float
    eta_seconds: float  # to the end of training
    grad_norm: float | None = None  # this batch's global gradient norm (None: not recorded)


@dataclass(frozen=True)
class EpochEnded:
    epoch: int  # 1-based
    metrics: dict[str, float]
    seconds: float
    samples_per_second: float


@dataclass(frozen=True)
class GradientsRecorded:
    """An epoch's gradient norms, every batch (rnntui.engine.gradients): label → norms."""

    epoch: int  # 1-based
    steps: int  # batches in the epoch
    norms: dict[str, list[float]]


@dataclass(frozen=True)
class HistogramsRecorded:
    """An epoch's histograms of each weight and kernel gradient (rnntui.runs.histograms)."""

    epoch: int  # 1-based
    histograms: Any  # an EpochHistograms


@dataclass(frozen=True)
class EpochSampled:
    """What the network does now on the task's fixed inputs (rnntui.engine.samples)."""

    epoch: int  # 1-based
    lines: tuple[str, ...]  # e.g. ("5/5 windows right", "a→b b→c …") or a quatrain
    figures: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0  # what taking the sample cost


@dataclass(frozen=True)
class CheckpointSaved:
    epoch: int


@dataclass(frozen=True)
class LogLine:
    text: str
    level: str = "info"  # info | warning | error


@dataclass(frozen=True)
class TrainingFinished:
    status: str  # completed | stopped | nan | diverged
    epochs: int  # epochs kept in all (the best epoch when early stopping kept an earlier one)
    metrics: dict[str, float]  # the kept epoch's
    quality: dict[str, float] = field(default_factory=dict)  # e.g. {"rmse": 0.004}
    message: str = ""
    seconds: float = 0.0
    # Simple baselines on the same data and metric as `quality`, e.g. {"last value": 0.007}.
    baselines: dict[str, float] = field(default_factory=dict)
    best_epoch: int | None = None  # the epoch whose weights were kept (None: no validation)
    stopped_early: bool = False  # validation loss stopped falling for `patience` epochs
    trained_epochs: int | None = None  # epochs trained, kept or not (None: same as epochs)
    diverged_at: int | None = None  # the epoch the training loss blew up (diverged)
    # Time inside epochs, every session of the run together (status.json's train_seconds):
    # what the compare view shows, so the result box says the same.
    train_seconds: float | None = None
    # A classifier's confusion matrix on held-out data (rnntui.confusion.Confusion.to_dict).
    confusion: dict | None = None


@dataclass(frozen=True)
class TrainingFailed:
    message: str  # one clear line for the user
    detail: str = ""  # the traceback, for the log file


Event = (TrainingStarted | BatchEnded | EpochEnded | EpochSampled | GradientsRecorded
         | HistogramsRecorded | CheckpointSaved | LogLine | TrainingFinished | TrainingFailed)
