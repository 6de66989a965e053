"""A run's gradient through time, epoch by epoch (`through_time.json`), written by the
trainer (rnntui.engine.through_time) and drawn by the compare view. No Keras here."""

from __future__ import annotations

from typing import Any

FILE = "through_time.json"


def save_curve(folder: Any, epoch: int, result: Any, item: int = 0) -> None:
    """Keep `result` (an engine.through_time.ThroughTime) as epoch `epoch`'s curve in the run's through_time.json (atomically;
    epochs after it, from an earlier session cut back, are dropped)."""
    import json
    from pathlib import Path

    from rnntui.runs.files import atomic_write

    kept = read_curves(folder)
    kept = {e: c for e, c in kept.items() if e < epoch}
    kept[epoch] = result.to_dict()
    atomic_write(Path(folder) / FILE, json.dumps(
        {"item": item, "epochs": {str(e): kept[e] for e in sorted(kept)}}))


def read_curves(folder: Any) -> dict[int, dict[str, Any]]:
    """epoch → {"steps", "loss", "layers": [{"layer", "name", "norms"}]}; {} when none."""
    import json
    from pathlib import Path

    try:
        data = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
        return {int(e): dict(c) for e, c in dict(data["epochs"]).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
