"""The play commands never load TensorFlow, and say nothing but their answer: the IMDb word
index from a file, the run's copy, or a quiet download of one JSON file (tested against a
loopback server); offline, one line and exit 2. Typed text is echoed with its control
characters escaped."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from rnntui.play import open_play, shown
from tests.conftest import subprocess_env
from tests.ui_host import TINY_WORD_INDEX, fixed_run

# Runs `rnntui` and reports whether TensorFlow or Keras got imported along the way.
_PROBE = ("import sys\nfrom rnntui.cli import main\n"
          "try:\n    rc = main(sys.argv[1:])\nexcept SystemExit as exc:\n    rc = exc.code\n"
          "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))"
          "\nprint('HEAVY' if heavy else 'LIGHT', file=sys.stderr); sys.exit(rc)")


def _rnntui(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                          text=True, timeout=120, env=env)
    lines = done.stderr.splitlines()
    assert lines and lines[-1] == "LIGHT", done.stderr
    done.stderr = "\n".join(lines[:-1])
    return done


def _imdb_run_copy(tmp_path):
    import shutil

    run = fixed_run("imdb")
    target = tmp_path / "imdb-run"
    shutil.copytree(run.path, target)
    (target / "imdb_word_index.json").unlink(missing_ok=True)
    return target


def test_predict_imdb_offline_is_one_line_then_a_download_makes_it_work(tmp_path):
    folder = _imdb_run_copy(tmp_path)
    env = {**subprocess_env(), "RNNTUI_WORD_INDEX_URL": "http://127.0.0.1:9/imdb_word_index.json",
           "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    offline = _rnntui(["predict", str(folder), "a good film"], env)
    assert offline.returncode == 2 and offline.stdout == ""
    assert len(offline.stderr.splitlines()) == 1 and "--word-index" in offline.stderr
    assert "tensorflow" not in offline.stderr.lower()

    served = tmp_path / "served"
    served.mkdir()
    (served / "imdb_word_index.json").write_text(json.dumps(TINY_WORD_INDEX))
    handler = partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env["RNNTUI_WORD_INDEX_URL"] = (f"http://127.0.0.1:{server.server_address[1]}/"
                                        "imdb_word_index.json")
        online = _rnntui(["predict", str(folder), "a great movie"], env)
    finally:
        server.shutdown()
    assert online.returncode == 0 and "P(positive)" in online.stdout
    assert online.stderr == ""  # not a terminal: no progress line either
    assert json.loads((folder / "imdb_word_index.json").read_text()) == TINY_WORD_INDEX

    env["RNNTUI_WORD_INDEX_URL"] = "http://127.0.0.1:9/imdb_word_index.json"
    again = _rnntui(["predict", str(folder), "a great movie"], env)  # offline: its own copy
    assert again.returncode == 0 and "P(positive)" in again.stdout and again.stderr == ""


def test_gates_and_export_load_no_tensorflow():
    run = fixed_run("onehot4")
    gates = _rnntui(["gates", str(run.path), "abcd"], subprocess_env())
    assert gates.returncode == 0 and "abcd"[:1] in gates.stdout
    export = _rnntui(["export", str(run.path)], subprocess_env())
    assert export.returncode == 0 and "total" in export.stdout


def test_typed_text_is_echoed_with_control_characters_escaped():
    assert shown("床前\x1b[2J明月") == "床前\\x1b[2J明月"
    run = fixed_run("poems")
    done = _rnntui(["predict", str(run.path), "床前\x1b[2J明月", "--no-form", "--length", "3",
                    "--seed", "1"], subprocess_env())
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\\x1b[2J" in done.stdout


def test_a_run_trained_with_a_word_index_file_plays_offline_and_keeps_a_copy(tmp_path):
    from dataclasses import replace

    from rnntui.play import ReviewPlay
    from rnntui.runs import RunStore

    folder = _imdb_run_copy(tmp_path)
    words = tmp_path / "words.json"
    words.write_text(json.dumps(TINY_WORD_INDEX))
    run = RunStore().open(folder)
    run.source = replace(run.source, word_index=str(words))
    play = open_play(run)
    assert isinstance(play, ReviewPlay) and play.missing() is None
    assert play.sentiment("a great movie")[1][-1] == ("movie", True)
    assert (folder / "imdb_word_index.json").is_file()  # kept with the run from now on
