"""Serving the app with waitress, a production WSGI server (pure Python, no compiler needed)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable

from flask import Flask
from waitress import create_server


def run(app: Flask, host: str, port: int, threads: int, *, on_ready: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM; ``on_ready`` gets the base URL once the socket listens."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Feeds of 1,000 events are about 1.5 MB uncompressed: keep such answers in memory rather
    # than spilling them to a temporary file (waitress's default threshold is 1 MB).
    server = create_server(app, host=host, port=port, threads=threads, ident="calendar_service", outbuf_overflow=16 * 1024 * 1024)
    shown_host = f"[{host}]" if ":" in host else host

    def stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    on_ready(f"http://{shown_host}:{server.effective_port}")
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
