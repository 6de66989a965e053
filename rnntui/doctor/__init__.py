"""`rnntui doctor`: what this machine gives rnntui, each finding with its fix where something is
off (README, "On a GPU machine over SSH").

`run_doctor()` starts one child process per installed backend (they import TensorFlow,
PyTorch, JAX: seconds each, with a timeout), runs the checks that need none of them meanwhile,
then adds what the children saw. No check can fail the report: one that cannot run says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnntui.doctor.report import (INFO, OK, PROBLEM, SKIPPED, WARN, Finding, as_json, as_text,
                                  guarded)

__all__ = ["Finding", "OK", "INFO", "WARN", "PROBLEM", "SKIPPED", "as_json", "as_text",
           "run_doctor", "DEVICE_TIMEOUT"]

DEVICE_TIMEOUT = 30.0  # seconds for a backend's child to import it and list its devices


def run_doctor(runs: Mapping[str, Mapping[str, Any]] | None = None, devices: bool = True,
               timeout: float = DEVICE_TIMEOUT, size: tuple[int, int] | None = None,
               color_system: str | None = None) -> list[Finding]:
    """Every finding, in report order.

    Args:
        runs: runs whose hyperparameters to check for the fused kernel, by label.
        devices: whether to import the backends (in children) for the devices they see.
        timeout: how long those children may take, all together.
        size, color_system: the terminal as the app sees it (default: read here).
    """
    from rnntui.doctor import checks
    from rnntui.doctor.devices import Probes, backend_findings, nvidia_smi, smi_findings

    import threading

    probes = Probes.start(timeout=timeout) if devices else None
    online: list[Finding] = []  # the network's answers come in meanwhile (up to ~2 s)
    asking = threading.Thread(target=lambda: online.extend(guarded("network", checks.network)),
                              daemon=True)
    asking.start()
    findings = guarded("versions", checks.versions)
    gpus: list = []
    smi = guarded("gpu", lambda: _smi(gpus, nvidia_smi, smi_findings))
    findings += smi
    at = len(findings)  # the devices the backends see go after the machine's GPUs
    findings += guarded("fast path", lambda: checks.fast_path(runs))
    findings += guarded("terminal", lambda: checks.terminal(size, color_system))
    findings += guarded("home", checks.home)
    findings += guarded("data", checks.caches)
    asking.join(checks.NETWORK_TIMEOUT + 1.0)
    findings += list(online) or [Finding("network", SKIPPED, "no answer in time")]
    if probes is None:
        found = [Finding("devices", SKIPPED, "backends not imported (--no-devices)")]
    else:
        seen = gpus[0] if gpus else None
        found = guarded("devices", lambda: backend_findings(probes.results(), seen))
    return findings[:at] + found + findings[at:]


def _smi(out: list, nvidia_smi, smi_findings) -> list[Finding]:
    gpus, why = nvidia_smi()
    out.append(gpus)
    return smi_findings(gpus, why)
