"""The UI never loads TensorFlow or Keras, and touches the engine only through its light
modules (events, worker, control): proved in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

CHECK = """
import json, sys
import rnntui.ui.app
from rnntui.ui.app import make_app
make_app()
print(json.dumps(sorted(sys.modules)))
"""


def test_the_app_imports_no_tensorflow_and_only_light_engine_modules():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    modules = json.loads(out.strip().splitlines()[-1])
    heavy = [m for m in modules if m.split(".")[0] in ("tensorflow", "keras", "jax", "torch")]
    assert heavy == []
    engine = {m for m in modules if m.startswith("rnntui.engine.")}
    assert engine <= {"rnntui.engine.events", "rnntui.engine.worker", "rnntui.engine.control"}


def test_the_first_frame_imports_no_run_writer_or_numeric_library():
    """What the tasks screen does not need stays out of the app's start (issue 21 §8):
    the run lock's filelock is imported when a run is written, NumPy and plotext when a
    task's data or a plot is made."""
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    modules = set(json.loads(out.strip().splitlines()[-1]))
    assert {"filelock", "numpy", "plotext"} & modules == set()
