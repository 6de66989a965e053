"""`rnntui serve`: the app through textual-serve, as a browser gets it.

The first test speaks the page's websocket protocol itself (no browser needed: it runs in
CI); the second opens the page in headless Chromium and takes a screenshot, where Debian's
`chromium` is installed (CI does not install it: ~155 MB of packages and ~2 minutes for a
check the websocket test mostly covers).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnntui.cli import build_parser
from rnntui.cli.serving import app_command

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "scripts" / "serve_screenshot.py"


def _screenshot_script():
    """scripts/serve_screenshot.py as a module: its `screen_text` reads the app's output."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve_screenshot", SCREENSHOT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module



@pytest.fixture
def served():
    """`rnntui serve` on a free localhost port; yields its URL, stops it afterwards."""
    pytest.importorskip("textual_serve")
    script = _screenshot_script()
    port = script.free_port()
    server = subprocess.Popen([sys.executable, "-m", "rnntui.cli", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=subprocess_env())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        script.stop(server)


async def _first_screen(url: str, words: tuple[str, ...], timeout: float) -> tuple[str, str]:
    import aiohttp

    raw_text = _screenshot_script().screen_text

    def screen_text(frames: list[bytes]) -> str:  # escapes between words became spaces
        return " ".join(raw_text(frames).split())

    async with aiohttp.ClientSession(trust_env=False) as http:  # the tests set a dead proxy
        deadline = time.monotonic() + timeout
        while True:
            try:
                async with http.get(url + "/") as response:
                    page = await response.text()
                    break
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        frames: list[bytes] = []
        async with http.ws_connect(url + "/ws?width=100&height=30") as ws:
            await ws.send_json(["resize", {"width": 100, "height": 30}])  # as the page does
            while time.monotonic() < deadline:
                try:
                    message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    break
                if message.type == aiohttp.WSMsgType.BINARY:
                    frames.append(message.data)
                elif message.type != aiohttp.WSMsgType.TEXT:
                    break
                if all(word in screen_text(frames) for word in words):
                    break
            await ws.send_json(["stdin", "q"])  # the tasks screen's quit key
    return page, screen_text(frames)


@pytest.mark.slow
def test_the_page_and_its_websocket_show_the_tasks_screen(served):
    words = ("rnntui — tasks", "onehot1", "sine", "imdb", "poems")
    page, screen = asyncio.run(_first_screen(served, words, timeout=90))
    assert "textual.js" in page and "rnntui" in page
    assert all(word in screen for word in words), screen[:2000]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (apt-get install chromium)")
def test_headless_chromium_shows_the_tasks_screen(tmp_path):
    pytest.importorskip("textual_serve")
    shot = tmp_path / "serve.png"
    result = subprocess.run([sys.executable, str(SCREENSHOT), "--out", str(shot)],
                            capture_output=True, text=True, timeout=240, env=subprocess_env())
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["seen"] == report["expected"]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a drawn page, not blank


def test_serve_options_and_the_command_it_runs():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)  # this machine only, by default
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001",
                                      "--backend", "jax"])
    assert (args.host, args.port, args.backend) == ("0.0.0.0", 9001, "jax")
    assert app_command() == f"{sys.executable} -m rnntui.cli"
    assert app_command("jax").endswith("-m rnntui.cli --backend jax")


def test_a_bad_port_is_one_line():
    result = subprocess.run([sys.executable, "-m", "rnntui.cli", "serve", "--port", "70000"],
                            capture_output=True, text=True, timeout=60, env=subprocess_env())
    assert result.returncode == 2
    assert result.stderr.strip() == "rnntui: --port 70000: must be from 1 to 65535"
