"""The GPUs on the machine (`nvidia-smi`) and the devices each installed backend sees, and why
a GPU the machine has is not seen.

Each backend is imported in a child process (`probe.py`), all of them at once, with a timeout:
the doctor starts them first, runs its other checks meanwhile, then collects them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from rnntui.doctor.report import INFO, OK, PROBLEM, SKIPPED, WARN, Finding

PROBE = Path(__file__).with_name("probe.py")
BACKENDS = ("tensorflow", "torch", "jax")
SMI_TIMEOUT = 3.0
# What installs a GPU build of each backend on Linux (README, "On a GPU machine over SSH").
GPU_INSTALL = {
    "tensorflow": 'pip install ".[gpu]"  (tensorflow[and-cuda]: TensorFlow with its CUDA and '
                  "cuDNN wheels)",
    "torch": "pip install torch  (on Linux the default wheel is the CUDA build; the CPU one "
             "comes from download.pytorch.org/whl/cpu)",
    "jax": 'pip install "jax[cuda12]"',
}


def installed(name: str) -> str | None:
    """The installed version of a distribution, read from its metadata (nothing imported)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@dataclass
class Gpu:
    name: str
    memory_mib: int | None
    driver: str
    compute_capability: str | None


def nvidia_smi(timeout: float = SMI_TIMEOUT) -> tuple[list[Gpu] | None, str]:
    """The machine's NVIDIA GPUs as `nvidia-smi` lists them, or None and why not."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None, "nvidia-smi is not on PATH (no NVIDIA driver here)"
    try:
        done = subprocess.run(
            [exe, "--query-gpu=name,memory.total,driver_version,compute_cap",
             "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"nvidia-smi did not answer within {timeout:g} s"
    except OSError as exc:
        return None, f"nvidia-smi could not run ({exc.strerror or exc})"
    if done.returncode != 0:
        why = (done.stdout + done.stderr).strip().splitlines()
        return None, f"nvidia-smi failed: {why[0] if why else f'exit {done.returncode}'}"
    gpus = []
    for row in done.stdout.strip().splitlines():
        parts = [p.strip() for p in row.split(",")]
        if len(parts) < 3:
            continue
        memory = int(parts[1]) if parts[1].isdigit() else None
        cc = parts[3] if len(parts) > 3 and parts[3] not in ("", "[N/A]") else None
        gpus.append(Gpu(parts[0], memory, parts[2], cc))
    return gpus, ""


def smi_findings(gpus: list[Gpu] | None, why: str) -> list[Finding]:
    if gpus is None:
        return [Finding("gpu", INFO, f"no NVIDIA GPU found: {why}; training runs on the CPU")]
    if not gpus:
        return [Finding("gpu", WARN, "nvidia-smi answers but lists no GPU",
                        "check the driver (`nvidia-smi -L`)")]
    return [Finding("gpu", OK, f"GPU {i}: {g.name}, "
                    + (f"{g.memory_mib / 1024:.1f} GiB, " if g.memory_mib else "")
                    + (f"compute capability {g.compute_capability}, "
                       if g.compute_capability else "")
                    + f"driver {g.driver} (nvidia-smi)") for i, g in enumerate(gpus)]


@dataclass
class Probes:
    """Children importing each backend, started together."""

    timeout: float
    started: float = field(default_factory=time.monotonic)
    children: dict[str, subprocess.Popen | str] = field(default_factory=dict)

    @classmethod
    def start(cls, backends: tuple[str, ...] = BACKENDS, timeout: float = 20.0) -> Probes:
        probes = cls(timeout)
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
        for name in backends:
            if installed(name) is None:  # distributions are named as their modules
                continue
            try:
                probes.children[name] = subprocess.Popen(
                    [sys.executable, str(PROBE), name], stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env)
            except OSError as exc:
                probes.children[name] = f"could not start a child process ({exc})"
        return probes

    def results(self) -> dict[str, dict]:
        """Each backend's answer: the probe's JSON, or {"error": ...} / {"timeout": ...}."""
        out: dict[str, dict] = {}
        for name, child in self.children.items():
            if isinstance(child, str):
                out[name] = {"error": child}
                continue
            left = max(0.1, self.timeout - (time.monotonic() - self.started))
            try:
                stdout, stderr = child.communicate(timeout=left)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                out[name] = {"timeout": self.timeout}
                continue
            lines = [line for line in stdout.splitlines() if line.startswith("{")]
            try:
                out[name] = json.loads(lines[-1])
            except (IndexError, ValueError):
                tail = [line for line in stderr.strip().splitlines() if line.strip()]
                out[name] = {"error": f"the probe ended with exit {child.returncode}"
                             + (f": {tail[-1][:200]}" if tail else "")}
        return out


def backend_findings(results: dict[str, dict], gpus: list[Gpu] | None) -> list[Finding]:
    """Per backend: the devices it sees; where the machine has a GPU it does not, why."""
    findings: list[Finding] = []
    for name in BACKENDS:
        section = f"devices: {name}"
        if name not in results:
            continue
        r = results[name]
        if "timeout" in r:
            findings.append(Finding(section, SKIPPED, f"importing {name} took longer than "
                                    f"{r['timeout']:g} s; not checked",
                                    "rerun with a longer --timeout (a busy machine, or a "
                                    "driver that hangs)"))
            continue
        if "error" in r:
            findings.append(Finding(section, SKIPPED, f"{name} could not be imported: "
                                    f"{r['error']}", f"reinstall it ({GPU_INSTALL[name]})"))
            continue
        build = (f"CUDA {r['cuda']}" if r.get("cuda") else "no CUDA") + (
            f", cuDNN {r['cudnn']}" if r.get("cudnn") else "")
        if name == "jax":
            build = f"CUDA plugin {r['cuda']}" if r.get("cuda") else "no CUDA plugin"
        devices = r.get("devices") or []
        if devices:
            for i, d in enumerate(devices):
                memory = d.get("memory_bytes")
                if memory is None and gpus and i < len(gpus) and gpus[i].memory_mib:
                    memory = gpus[i].memory_mib * 2**20
                findings.append(Finding(section, OK, f"{name} {r['version']} ({build}) sees GPU "
                                        f"{i}: {d.get('name')}"
                                        + (f", {memory / 2**30:.1f} GiB" if memory else "")
                                        + (f", compute capability {d['compute_capability']}"
                                           if d.get("compute_capability") else "")))
            continue
        if not gpus:
            findings.append(Finding(section, INFO, f"{name} {r['version']} ({build}): CPU only "
                                    "(no GPU on this machine)"))
            continue
        why, fix = why_unseen(name, r)
        findings.append(Finding(section, PROBLEM, f"{name} {r['version']} ({build}) sees no GPU, "
                                f"though nvidia-smi lists {len(gpus)}: {why}", fix))
    return findings


def why_unseen(name: str, r: dict) -> tuple[str, str]:
    """Why a backend that imported sees none of the machine's GPUs, and the fix."""
    hidden = os.environ.get("CUDA_VISIBLE_DEVICES")
    if hidden is not None and hidden.strip() in ("", "-1", "none", "NoDevFiles"):
        return (f"CUDA_VISIBLE_DEVICES={hidden!r} hides every GPU",
                "unset CUDA_VISIBLE_DEVICES (or set it to the GPUs to use, e.g. 0)")
    if name == "tensorflow":
        if not r.get("cuda_build"):
            return "this TensorFlow is a CPU-only build", GPU_INSTALL[name]
        if installed("nvidia-cudnn-cu12") is None:
            return ("TensorFlow's CUDA and cuDNN libraries are not installed (no "
                    "nvidia-cudnn-cu12 wheel) and none was found on the system",
                    GPU_INSTALL[name])
        return ("the CUDA libraries did not load (a driver older than CUDA "
                f"{r.get('cuda')} needs, or a mismatched library)",
                "see TensorFlow's own message: python -c \"import tensorflow as tf; "
                "print(tf.config.list_physical_devices('GPU'))\"; update the driver")
    if name == "torch":
        if not r.get("cuda_build"):
            return "this PyTorch is the CPU build", GPU_INSTALL[name]
        return ("its CUDA runtime did not start (a driver older than CUDA "
                f"{r.get('cuda')} needs?)",
                "python -c \"import torch; torch.cuda.init()\" shows the reason")
    if not r.get("cuda_build"):
        return "no CUDA plugin for JAX is installed", GPU_INSTALL["jax"]
    return ("its CUDA plugin did not start",
            "python -c \"import jax; print(jax.devices('gpu'))\" shows the reason")
