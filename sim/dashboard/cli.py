"""`cogov dashboard`: serve the teaching dashboard with Solara, fully offline.

Solara's assets proxy (on by default) serves every script and stylesheet from
`<venv>/share/solara/cdn`, filled by the `solara-assets` package, under
`/_solara/cdn/`. We keep it on, run in production mode (no version-check
iframe to solara.dev) and switch telemetry off, so the page never leaves the host.
"""

from __future__ import annotations

import os
import sys

APP = "sim.dashboard.app"

# Environment for an offline server (setdefault: a user may still override).
OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "true",  # scripts/styles from the local cdn cache
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",
    "SOLARA_THEME_TITLE": "cogov: 独角戏 vs 大合唱",
    "SOLARA_THEME_SHOW_BANNER": "false",  # the "runs on Solara" badge covered the page
}


def arguments(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """`solara run` arguments for the dashboard."""
    return [
        "run",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Run the Solara server in this process (uvicorn) until interrupted; returns 0."""
    for key, value in OFFLINE_ENV.items():  # before solara reads its settings
        os.environ.setdefault(key, value)
    import warnings

    import click
    from solara.__main__ import cli as solara_cli

    # plain http on 127.0.0.1: solara falls back to a lax cookie, which is fine here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    print(f"cogov dashboard: http://{host}:{port}/  (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        solara_cli.main(arguments(host, port), prog_name="solara", standalone_mode=False)
    except click.exceptions.Abort:  # click's name for Ctrl-C: `cogov: interrupted`, exit 130
        raise KeyboardInterrupt from None
    return 0


def _run(args) -> int:
    return serve(args.host, args.port)


def _port(text: str) -> int:
    import argparse

    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 1 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535 (got {v})")
    return v


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "dashboard",
        help="teaching dashboard: solo vs chorus side by side (Solara, offline)",
        description="Serve the teaching dashboard: two streets side by side, levers, live plots.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    p.set_defaults(func=_run)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sim.dashboard")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["dashboard", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)
