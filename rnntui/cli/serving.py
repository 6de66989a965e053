"""`rnntui serve`: the same app in a web browser, through textual-serve.

Each browser tab that connects starts its own `rnntui` process (with the same backend), so
training still runs in that app's child process, as in a terminal. Localhost by default:
the app trains and writes files as the user who serves it, and textual-serve has no login,
so only give `--host 0.0.0.0` on a network you trust (or reach it through an SSH tunnel).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from rnntui.cli.common import UserError, add_backend_option

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the app to a web browser (textual-serve)",
                           description="Serve the app to a web browser. Each tab that opens "
                           "the page gets its own app. Ctrl+C stops the server.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
                       "0.0.0.0 opens it to the network, with no login)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use, when it differs from http://HOST:PORT "
                       "(a proxy or a tunnel)")
    add_backend_option(serve)
    serve.set_defaults(handler=cmd_serve)


def app_command(backend: str | None = None) -> str:
    """The command textual-serve runs for each browser tab: this rnntui, same interpreter."""
    words = [sys.executable, "-m", "rnntui.cli"]
    if backend:
        words += ["--backend", backend]
    return shlex.join(words)


def cmd_serve(args: argparse.Namespace) -> int:
    if not args.host.strip():
        # aiohttp reads "" as every interface: a typo would open the app to the network
        raise UserError("--host '': give an address: 127.0.0.1 (this machine only) or "
                        "0.0.0.0 (every interface, with no login)")
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: must be from 1 to 65535")
    try:
        # aiohttp and jinja2 (~150 ms): only when serving
        from textual_serve.server import Server
    except ImportError:
        raise UserError("serving needs textual-serve: pip install textual-serve") from None
    backend = getattr(args, "backend", None)
    url = args.public_url
    if url is None:  # a bracketed IPv6 address, as a browser needs it
        host = f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{host}:{args.port}"
    server = Server(app_command(backend), host=args.host, port=args.port, title="rnntui",
                    public_url=url)
    print(f"rnntui: serving the app on {url} (Ctrl+C stops)", file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise UserError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") \
            from None
    return 0
