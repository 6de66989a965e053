"""Run as a script in a child process: `python probe.py BACKEND` imports that backend and prints
one JSON line, what it sees: its version, its CUDA build, its GPUs.

A child, because importing TensorFlow takes seconds (and may hang on a broken driver, or write
on stderr): the doctor waits for it with a timeout, and the rest of the report never waits
on it. It imports nothing of rnntui.
"""

from __future__ import annotations

import json
import os
import sys


def tensorflow() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    build = dict(tf.sysconfig.get_build_info())
    devices = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        cc = details.get("compute_capability")
        devices.append({"name": details.get("device_name", gpu.name),
                        "compute_capability": ".".join(map(str, cc)) if cc else None,
                        "memory_bytes": None})
    return {"version": tf.__version__, "cuda_build": bool(build.get("is_cuda_build")),
            "cuda": build.get("cuda_version"), "cudnn": build.get("cudnn_version"),
            "devices": devices}


def torch() -> dict:
    import torch as th

    devices = []
    if th.cuda.is_available():
        for i in range(th.cuda.device_count()):
            p = th.cuda.get_device_properties(i)
            devices.append({"name": p.name, "compute_capability": f"{p.major}.{p.minor}",
                            "memory_bytes": int(p.total_memory)})
    cudnn = th.backends.cudnn.version() if th.backends.cudnn.is_available() else None
    return {"version": th.__version__, "cuda_build": th.version.cuda is not None,
            "cuda": th.version.cuda, "cudnn": str(cudnn) if cudnn else None,
            "devices": devices}


def jax() -> dict:
    import jax as jx

    devices = []
    try:
        gpus = jx.devices("gpu")
    except RuntimeError:  # no GPU backend (no CUDA plugin, or it failed to start)
        gpus = []
    for d in gpus:
        try:
            memory = int((d.memory_stats() or {}).get("bytes_limit", 0)) or None
        except Exception:
            memory = None
        devices.append({"name": d.device_kind,
                        "compute_capability": getattr(d, "compute_capability", None),
                        "memory_bytes": memory})
    plugins = []
    try:
        from importlib.metadata import distributions

        plugins = sorted({d.metadata["Name"] for d in distributions()
                          if (d.metadata["Name"] or "").startswith("jax-cuda")})
    except Exception:
        pass
    return {"version": jx.__version__, "cuda_build": bool(plugins),
            "cuda": ", ".join(plugins) or None, "cudnn": None, "devices": devices}


PROBES = {"tensorflow": tensorflow, "torch": torch, "jax": jax}


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in PROBES:
        print(json.dumps({"error": f"unknown backend {name!r}"}))
        return 2
    try:
        result = PROBES[name]()
    except Exception as exc:  # reported by the parent as this backend's finding
        result = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
