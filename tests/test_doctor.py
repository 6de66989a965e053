"""`rnntui doctor`: each check's findings, its failure path, and that the report never fails.

No network: the downloads' hosts are a loopback server or a closed loopback port; no GPU:
nvidia-smi and the backend probes are fake scripts or fake answers.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rnntui.doctor import checks, devices, run_doctor
from rnntui.doctor.report import INFO, OK, PROBLEM, SKIPPED, WARN, Finding, as_json, guarded
from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[1]


def statuses(findings, section=None):
    return [f.status for f in findings if section is None or f.section == section]


def text_of(findings) -> str:
    return "\n".join(f.line() for f in findings)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every download URL on a closed loopback port (connection refused at once)."""
    monkeypatch.setenv("RNNTUI_POETRY_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("RNNTUI_WORD_INDEX_URL", "http://127.0.0.1:9/index.json")
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)


def fake_exe(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# -- the report -----------------------------------------------------------------------------------
def test_a_check_that_raises_becomes_one_skipped_line_and_the_rest_go_on(monkeypatch):
    def broken():
        raise OSError("disk on fire")

    monkeypatch.setattr(checks, "home", broken)
    findings = run_doctor(devices=False)
    home = [f for f in findings if f.section == "home"]
    assert len(home) == 1 and home[0].status == SKIPPED and "disk on fire" in home[0].text
    assert {"python", "terminal", "data", "network", "fast path"} <= {f.section
                                                                     for f in findings}


def test_guarded_keeps_what_the_check_found():
    assert guarded("x", lambda: [Finding("x", OK, "fine")]) == [Finding("x", OK, "fine")]


def test_json_has_every_finding_and_a_summary():
    data = json.loads(as_json([Finding("a", OK, "x"), Finding("b", WARN, "y", "do z")], 1.5))
    assert data["summary"]["ok"] == 1 and data["summary"]["warn"] == 1
    assert data["findings"][1] == {"section": "b", "status": "warn", "text": "y", "fix": "do z"}
    assert data["seconds"] == 1.5


# -- versions --------------------------------------------------------------------------------------
def test_a_backend_asked_for_but_missing_is_a_problem_with_its_fix(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.setattr(checks, "installed", lambda name: None if name == "jax" else "3.15.1")
    jax = [f for f in checks.versions() if f.section == "backend" and "jax" in f.text]
    assert jax[0].status == PROBLEM and "pip install jax" in jax[0].fix


def test_keras_2_is_a_problem(monkeypatch):
    monkeypatch.setattr(checks, "installed", lambda name: "2.15.0")
    keras = [f for f in checks.versions() if f.section == "keras"][0]
    assert keras.status == PROBLEM and "keras>=3.5" in keras.fix


# -- nvidia-smi and the backends' devices ----------------------------------------------------------
def test_no_nvidia_smi_means_cpu(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    gpus, why = devices.nvidia_smi()
    assert gpus is None and "not on PATH" in why
    assert statuses(devices.smi_findings(gpus, why)) == [INFO]


def test_nvidia_smi_lists_the_gpus(monkeypatch, tmp_path):
    fake_exe(tmp_path, "nvidia-smi", 'echo "NVIDIA H200, 143771, 580.159.03, 9.0"')
    monkeypatch.setenv("PATH", str(tmp_path))
    gpus, why = devices.nvidia_smi()
    assert gpus == [devices.Gpu("NVIDIA H200", 143771, "580.159.03", "9.0")]
    line = devices.smi_findings(gpus, why)[0]
    assert line.status == OK and "140.4 GiB" in line.text and "9.0" in line.text


def test_nvidia_smi_that_fails_or_hangs_says_so(monkeypatch, tmp_path):
    fake_exe(tmp_path, "nvidia-smi", 'echo "NVIDIA-SMI has failed because it could not '
             'communicate with the NVIDIA driver"; exit 9')
    monkeypatch.setenv("PATH", str(tmp_path))
    gpus, why = devices.nvidia_smi()
    assert gpus is None and "could not communicate" in why
    fake_exe(tmp_path, "nvidia-smi", f"exec {sys.executable} -c 'import time; time.sleep(5)'")
    gpus, why = devices.nvidia_smi(timeout=0.3)
    assert gpus is None and "did not answer" in why


H200 = [devices.Gpu("NVIDIA H200", 143771, "580.159.03", "9.0")]


def test_a_backend_that_sees_the_gpu():
    found = devices.backend_findings({"torch": {
        "version": "2.11.0+cu130", "cuda_build": True, "cuda": "13.0", "cudnn": "91000",
        "devices": [{"name": "NVIDIA H200", "compute_capability": "9.0",
                     "memory_bytes": 150 * 2**30}]}}, H200)
    assert found[0].status == OK
    assert "CUDA 13.0, cuDNN 91000" in found[0].text and "150.0 GiB" in found[0].text


def test_why_a_gpu_present_is_not_seen(monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(devices, "installed", lambda name: None)
    cpu_build = {"version": "x", "cuda_build": False, "cuda": None, "cudnn": None, "devices": []}
    found = {f.section: f for f in devices.backend_findings(
        {"tensorflow": cpu_build, "torch": cpu_build, "jax": cpu_build}, H200)}
    assert all(f.status == PROBLEM for f in found.values())
    assert ".[gpu]" in found["devices: tensorflow"].fix
    assert "CPU build" in found["devices: torch"].text
    assert "jax[cuda12]" in found["devices: jax"].fix
    # TensorFlow built for CUDA, but its CUDA wheels missing
    found = devices.backend_findings({"tensorflow": dict(cpu_build, cuda_build=True,
                                                          cuda="12.5.1")}, H200)
    assert "nvidia-cudnn-cu12" in found[0].text and ".[gpu]" in found[0].fix


def test_cuda_visible_devices_hiding_the_gpus(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    found = devices.backend_findings({"torch": {"version": "x", "cuda_build": True,
                                                "cuda": "13.0", "devices": []}}, H200)
    assert found[0].status == PROBLEM and "unset CUDA_VISIBLE_DEVICES" in found[0].fix


def test_no_gpu_on_the_machine_is_information():
    found = devices.backend_findings({"torch": {"version": "2.13.0+cpu", "cuda_build": False,
                                                "devices": []}}, None)
    assert found[0].status == INFO and "CPU only" in found[0].text


def test_probe_timeouts_and_crashes_are_skipped_lines(monkeypatch, tmp_path):
    found = devices.backend_findings({"tensorflow": {"timeout": 2.0},
                                      "torch": {"error": "ImportError: libcudart.so.13"}}, None)
    assert statuses(found) == [SKIPPED, SKIPPED]
    assert "--timeout" in found[0].fix and "libcudart" in found[1].text


def test_a_probe_child_that_hangs_is_killed_at_the_timeout(monkeypatch, tmp_path):
    hang = tmp_path / "probe.py"
    hang.write_text("import time, sys\nif sys.argv[1] == 'torch':\n    time.sleep(30)\n"
                    "else:\n    raise SystemExit('boom')\n")
    monkeypatch.setattr(devices, "PROBE", hang)
    monkeypatch.setattr(devices, "installed", lambda name: "1.0")
    probes = devices.Probes.start(("torch", "jax"), timeout=1.0)
    results = probes.results()
    assert results["torch"] == {"timeout": 1.0}
    assert "error" in results["jax"] and "boom" in results["jax"]["error"]


def test_the_real_probe_answers_for_an_installed_backend():
    """The probe script itself, on PyTorch (the CPU build here): one JSON line, no GPU."""
    if devices.installed("torch") is None:
        pytest.skip("PyTorch is not installed")
    done = subprocess.run([sys.executable, str(devices.PROBE), "torch"], capture_output=True,
                          text=True, timeout=120, env=subprocess_env())
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["version"] and isinstance(answer["devices"], list)
    bad = subprocess.run([sys.executable, str(devices.PROBE), "nope"], capture_output=True,
                         text=True, timeout=60)
    assert "unknown backend" in bad.stdout


# -- the fused kernel ------------------------------------------------------------------------------
def test_a_run_off_the_fused_kernel_says_what_to_change():
    from rnntui.tasks import get_task

    hp = dict(get_task("sine").hparams({"recurrent_dropout": 0.2}))
    found = checks.fast_path({"run sine-x": hp}, backend="tensorflow")
    run = [f for f in found if "sine-x" in f.text][0]
    assert run.status == WARN and "recurrent_dropout=0" in run.fix and "slower" in run.fix


def test_gru_is_not_fused_on_jax():
    from rnntui.fastpath import fast_path_on

    hp = {"cell": "gru", "recurrent_dropout": 0.0}
    assert fast_path_on(hp, "tensorflow").fused and fast_path_on(hp, "torch").fused
    assert not fast_path_on(hp, "jax").fused
    assert fast_path_on(dict(hp, cell="lstm"), "jax").fused


# -- the terminal ----------------------------------------------------------------------------------
def test_terminal_small_no_utf8_ssh_without_tmux():
    found = checks.terminal(size=(70, 20), env={"TERM": "dumb", "SSH_CONNECTION": "1 2 3 4"},
                            encoding="ascii")
    t = text_of(found)
    assert "size 70×20" in t and "at least 80×24" in t
    assert "LANG=C.UTF-8" in t
    assert "tmux new -s rnntui" in t
    assert WARN in statuses(found) and PROBLEM in statuses(found)


def test_terminal_inside_old_tmux_and_fine_terminal():
    found = checks.terminal(size=(100, 30), env={"TERM": "screen", "TMUX": "/tmp/t,1,0"},
                            color_system="truecolor", encoding="utf-8")
    assert "tmux-256color" in text_of(found)
    fine = checks.terminal(size=(100, 30), env={"TERM": "xterm-256color"}, encoding="utf-8")
    assert set(statuses(fine)) == {OK}
    assert "2 cells wide" in text_of(fine)


# -- RNNTUI_HOME and the locks ---------------------------------------------------------------------
def test_home_not_writable_is_a_problem(monkeypatch, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    monkeypatch.setenv("RNNTUI_HOME", str(a_file))
    found = checks.home()
    assert found[0].status == PROBLEM and "RNNTUI_HOME=" in found[0].fix


def test_home_size_runs_and_locks(monkeypatch, isolated_home):
    from rnntui.runs.lock import HOLDER, LOCK, writing

    runs = isolated_home / "runs"
    live, stale = runs / "sine-live", runs / "sine-stale"
    for run in (live, stale):
        run.mkdir(parents=True)
        (run / "config.json").write_text("{}" * 100)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    (stale / LOCK).write_text("")
    (stale / HOLDER).write_text(json.dumps({"pid": ended.pid, "command": "rnntui train sine"}))
    with writing(live, role="rnntui train sine (test)"):
        found = checks.home()
    t = text_of(found)
    assert "writable" in t and "2 runs" in t
    assert f"sine-live: process {os.getpid()} (rnntui train sine (test)) is writing it" in t
    assert "1 runs last written by processes that have ended (sine-stale)" in t
    assert "no run is being written" not in t
    after = text_of(checks.locks(runs))  # released: none held, the ended one still free
    assert "no run is being written" in after and "(sine-stale)" in after


def test_folder_size_stops_counting_in_time(tmp_path):
    for i in range(50):
        (tmp_path / f"f{i}").write_bytes(b"x" * 10)
    assert checks.folder_size(tmp_path, 10.0) == (500, 50, True)
    assert checks.folder_size(tmp_path, -1.0)[2] is False


# -- caches ----------------------------------------------------------------------------------------
def test_caches_present_and_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    missing = checks.caches()
    assert statuses(missing, "data")[:3] == [INFO, INFO, INFO]
    datasets = tmp_path / "keras" / "datasets"
    datasets.mkdir(parents=True)
    (datasets / "imdb.npz").write_bytes(b"x" * 2048)
    found = checks.caches()
    assert found[0].status == OK and "2.0 KB" in found[0].text
    assert "0 of 58 files" in text_of(found)


# -- the network -----------------------------------------------------------------------------------
def test_network_reachable_and_not():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    try:
        found = checks.network([("up", "127.0.0.1", port), ("down", "127.0.0.1", dead_port)],
                               timeout=1.0)
    finally:
        server.close()
    assert statuses(found) == [OK, WARN]
    assert "not reachable" in found[1].text and found[1].fix


def test_download_hosts_follow_the_urls_and_the_proxy(monkeypatch):
    hosts = checks.download_hosts()
    assert [(h, p) for _, h, p in hosts] == [("127.0.0.1", 9), ("127.0.0.1", 9)]
    monkeypatch.setenv("RNNTUI_WORD_INDEX_URL", "https://example.invalid/x")
    monkeypatch.setenv("https_proxy", "http://proxy.local:3128")
    what, host, port = checks.download_hosts()[0]
    assert (host, port) == ("proxy.local", 3128) and "proxy" in what


def test_the_doctors_imdb_host_is_the_word_indexs():
    from urllib.parse import urlparse

    from rnntui.play.review import WORD_INDEX_URL

    assert urlparse(WORD_INDEX_URL).hostname == urlparse(checks.IMDB_URL).hostname


# -- the command line, and what it imports ---------------------------------------------------------
def test_cli_json_never_fails_and_imports_no_backend():
    code = ("import sys, io, contextlib, json\n"
            "from rnntui.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out): rc = main(['doctor', '--json', "
            "'--no-devices'])\n"
            "data = json.loads(out.getvalue())\n"
            "print(rc, len(data['findings']), ' '.join(m for m in ('tensorflow', 'keras', "
            "'torch', 'jax', 'textual') if m in sys.modules))\n")
    env = dict(subprocess_env(), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    rc, count, heavy = (done.stdout.strip().split(" ", 2) + [""])[:3]
    assert rc == "0" and int(count) > 10 and heavy == "", done.stderr[-2000:]


def test_cli_bad_run_and_bad_timeout_are_one_line_exit_2(tmp_path):
    env = dict(subprocess_env(), PYTHONPATH=str(ROOT))
    for args in (["doctor", "--run", "no-such-run"], ["doctor", "--timeout", "soon"]):
        done = subprocess.run([sys.executable, "-m", "rnntui.cli", *args], capture_output=True,
                              text=True, env=env, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) <= 3  # argparse: usage + message


# -- the app ---------------------------------------------------------------------------------------
async def test_the_palettes_doctor_screen_shows_the_report(monkeypatch):
    import rnntui.doctor as doctor
    from rnntui.ui.app import make_app
    from rnntui.ui.screens.doctor import DoctorScreen
    from tests.ui_host import screen_text, settle

    calls = []

    def fake(runs=None, devices=True, **kwargs):
        calls.append(devices)
        found = [Finding("python", OK, "Python 3.x")]
        if devices:
            found.append(Finding("devices: torch", PROBLEM, "sees no GPU", "pip install torch"))
        return found

    monkeypatch.setattr(doctor, "run_doctor", fake)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"doctor")
        await pilot.pause(0.5)
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, DoctorScreen) and len(app.screen.findings) == 2:
                break
        text = screen_text(app)
        assert "[ok] python: Python 3.x" in text and "fix: pip install torch" in text
        assert calls == [False, True]
        await pilot.press("r")  # checks again
        for _ in range(50):
            await pilot.pause(0.05)
            if len(calls) == 4:
                break
        assert calls == [False, True, False, True]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)



def test_a_task_that_leaves_the_fused_kernel_on_purpose_is_a_fact_with_its_reason():
    from rnntui.doctor.checks import fast_path
    from rnntui.doctor.report import INFO, WARN

    findings = fast_path({"my run": {"cell": "lstm", "recurrent_dropout": 0.2}},
                         backend="tensorflow")
    recall = [f for f in findings if f.text.startswith("recall defaults")]
    assert len(recall) == 1 and recall[0].status == INFO
    assert "on purpose" in recall[0].fix and "lesson" in recall[0].fix
    mine = [f for f in findings if f.text.startswith("my run")]
    assert mine[0].status == WARN and "set recurrent_dropout=0" in mine[0].fix
