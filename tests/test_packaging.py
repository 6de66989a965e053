"""pyproject lists packages by hand (assets/ is installed as rnntui.assets): keep it complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed():
    text = (ROOT / "pyproject.toml").read_text()
    inner = re.search(r"packages = \[(.*?)\]", text, re.S).group(1)
    listed = set(re.sub(r'[\s"]', "", inner).strip(",").split(","))
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "rnntui").rglob("__init__.py")}
    assert found | {"rnntui.assets"} == listed


def test_starter_corpus_is_reachable_as_package_data():
    from rnntui.tasks.corpus import starter_path

    assert starter_path().is_file()


def test_core_imports_no_textual_and_ui_free_modules_no_keras():
    code = ("import sys, rnntui.config, rnntui.tasks, rnntui.runs, rnntui.architecture, "
            "rnntui.play, rnntui.engine.events, rnntui.engine.worker, rnntui.cli; "
            "print(' '.join(m for m in ('textual', 'tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
