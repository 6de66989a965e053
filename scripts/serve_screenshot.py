"""Open `rnntui serve` in headless Chromium and save a screenshot of the app in the page.

    python scripts/serve_screenshot.py --out serve.png [--chromium /usr/bin/chromium]

Starts `rnntui serve` on a free localhost port, opens the page in Debian's `chromium`
(`apt-get install chromium`), drives it through the DevTools protocol (aiohttp, which
textual-serve brings), waits until the terminal in the page shows the tasks screen, saves a
PNG and prints one JSON line: the screenshot's path and the screen's text as the page's
terminal holds it. Exit 0 when every expected word was seen, 1 otherwise. Everything it
starts, it stops; nothing leaves this machine (Chromium's background networking is off).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Words of the tasks screen (the app's first screen) to wait for in the page's terminal; the
# footer's keys come last ("quit"): a screenshot taken before them had a blank footer row.
EXPECTED = ("tasks", "sine", "imdb", "quit")
FOCUS_TERMINAL = "document.querySelector('.xterm-helper-textarea').focus()"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-proxy-server",
                  "--remote-debugging-port=0", "--hide-scrollbars")
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+][@-~]|[@-Z\\-_])")


def screen_text(frames: list[bytes]) -> str:
    """The words the app sent to the page (the terminal draws on a canvas, so the page's DOM
    has no text): its output with the escape sequences taken out."""
    return ANSI.sub(" ", b"".join(frames).decode("utf-8", "replace"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End `process`: asked first, killed after 15 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_http(url: str, timeout: float) -> None:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost only
    deadline = time.monotonic() + timeout
    while True:
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing answered at {url} in {timeout:.0f} s") from None
        time.sleep(0.2)


def devtools_port(profile: Path, timeout: float) -> int:
    """Chromium writes the port it chose for --remote-debugging-port=0 into its profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.is_file():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        time.sleep(0.1)
    raise TimeoutError("Chromium did not open its DevTools port")


async def capture(devtools: int, page_url: str, out: Path, timeout: float,
                  expected: tuple[str, ...]) -> dict:
    import aiohttp

    async with aiohttp.ClientSession(trust_env=False) as http:
        async with http.get(f"http://127.0.0.1:{devtools}/json/list") as response:
            targets = await response.json()
        socket_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        async with http.ws_connect(socket_url, max_msg_size=0) as ws:
            pending: dict[int, asyncio.Future] = {}
            frames: list[bytes] = []

            async def read() -> None:
                async for message in ws:
                    data = json.loads(message.data)
                    if "id" in data and data["id"] in pending:
                        pending.pop(data["id"]).set_result(data)
                    elif data.get("method") == "Network.webSocketFrameReceived":
                        frame = data["params"]["response"]
                        payload = frame["payloadData"]
                        # opcode 2: a binary frame (the app's output), base64 in the protocol
                        frames.append(base64.b64decode(payload) if frame["opcode"] == 2
                                      else payload.encode())

            reader = asyncio.create_task(read())

            async def call(method: str, **params: object) -> dict:
                number = len(pending) + len(frames) + int(time.monotonic() * 1000)
                future = asyncio.get_running_loop().create_future()
                pending[number] = future
                await ws.send_json({"id": number, "method": method, "params": params})
                data = await asyncio.wait_for(future, 30)
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data["result"]

            # Listen to the page's websocket from the start, then open the app's page.
            await call("Network.enable")
            await call("Page.enable")
            # A page in headless Chromium never has focus; a served app starts out of focus
            # and its footer shows no keys until the page's terminal has it, as after a
            # click. Focus is emulated, and given to the terminal once the app is drawn.
            await call("Emulation.setFocusEmulationEnabled", enabled=True)
            await call("Page.navigate", url=page_url + "/")
            deadline = time.monotonic() + timeout
            focused = False
            while time.monotonic() < deadline:
                text = screen_text(frames).lower()
                if all(word in text for word in expected):
                    break
                if not focused and "tasks" in text:
                    await call("Runtime.evaluate", expression=FOCUS_TERMINAL)
                    focused = True
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # the last frames of the first screen, the page's fade-in
            shot = await call("Page.captureScreenshot", format="png")
            out.write_bytes(base64.b64decode(shot["data"]))
            reader.cancel()
    text = screen_text(frames)
    seen = [word for word in expected if word in text.lower()]
    words = " ".join(text.split())
    return {"screenshot": str(out), "bytes_received": sum(map(len, frames)), "seen": seen,
            "expected": list(expected), "text_start": words[:300]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("serve.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--size", default="1200,760", help="browser window, WIDTH,HEIGHT")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for the app")
    args = parser.parse_args(argv)
    if not Path(args.chromium).is_file():
        print(f"no Chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="rnntui-serve-"))
    server_log = open(work / "serve.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "rnntui.cli", "serve", "--port", str(port)],
                              stdout=server_log, stderr=subprocess.STDOUT)
    browser = None
    try:
        wait_for_http(url + "/", timeout=60)
        profile = work / "profile"
        browser = subprocess.Popen(
            [args.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--window-size={args.size}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=open(work / "chromium.log", "wb"))
        devtools = devtools_port(profile, timeout=60)
        report = asyncio.run(capture(devtools, url, args.out, args.timeout, EXPECTED))
    finally:
        for process in (browser, server):
            if process is not None:
                stop(process)
        server_log.close()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False))
    return 0 if len(report["seen"]) == len(EXPECTED) else 1


if __name__ == "__main__":
    sys.exit(main())
