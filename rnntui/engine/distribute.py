"""Data-parallel training over several devices: the batch rule and what to report.

The devices themselves come from `backend.data_parallel` (the only module that touches
TensorFlow or JAX); this module decides the batch sizes and says what was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnntui.config import SCHEMA, ConfigError, HParams


@dataclass(frozen=True)
class BatchPlan:
    """The global batch (what `fit` sees and the run keeps) split over the devices."""

    global_batch: int
    devices: int

    @property
    def per_device(self) -> float:
        return self.global_batch / self.devices

    def describe(self, kind: str) -> str:
        per = self.per_device
        each = f"{per:g}" if per.is_integer() else f"about {per:.0f}"
        return (f"{self.devices} {kind} devices, {each} samples each per step: global batch "
                f"{self.global_batch} (learning rate unchanged)")


def scale_batch(hp: HParams, devices: int) -> HParams:
    """A new run's hyperparameters for `devices` devices: `batch_size` becomes per device.

    The usual rule for data parallelism: each device keeps the batch it was given, so the
    global batch (what the run records, and what a resume on any number of devices uses)
    grows with the devices. The learning rate is left alone; say so to the user.

    Raises:
        ConfigError: when the global batch would pass the schema's maximum.
    """
    if devices <= 1:
        return hp
    scaled = hp.batch_size * devices
    limit = int(SCHEMA["batch_size"].high or 0)
    if scaled > limit:
        raise ConfigError("batch_size", f"batch_size={hp.batch_size} on {devices} devices is a "
                          f"global batch of {scaled}, above the maximum {limit}")
    return hp.replace(batch_size=scaled)


def plan_for(hp: HParams, devices: int) -> BatchPlan:
    return BatchPlan(hp.batch_size, max(1, devices))


def evaluation_batch(samples: int, wanted: int, devices: int) -> int:
    """The batch size to evaluate `samples` with on `devices` devices.

    TensorFlow's MirroredStrategy refuses a first batch that does not split evenly over the
    devices (onehot4's 5 windows on 2: AddN shapes [3,4,5] vs [2,4,5]), though a short last
    one is fine: so the batch is a multiple of the devices, and below `samples` when they
    do not split evenly (5 on 2 devices: 4, then 1).

    Raises:
        ConfigError: fewer samples than devices (no even first batch exists).
    """
    if devices <= 1:
        return wanted
    if samples < devices:
        raise ConfigError("batch_size", f"{samples} sample{'s' if samples != 1 else ''} to "
                          f"evaluate cannot be shared by {devices} devices: train on at "
                          f"most {samples} device{'s' if samples != 1 else ''}")
    return max(devices, (min(wanted, samples) // devices) * devices)
