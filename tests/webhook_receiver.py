"""A webhook receiver on loopback for the alert tests: real HTTP, a behaviour chosen by the URL path.

    /ok/...            200 "ok"
    /fail500/N/...     500 the first N times a message (by its ref) arrives, then 200
    /ratelimit/S/...   429 with Retry-After: S the first time a message arrives, then 200
    /gone404/...       404 "no_service"          /gone410/...  410 "channel_is_archived"
    /bad400/...        400 "invalid_payload"     /slow/S/...   sleep S seconds, then 200
    /hang/...          sleep 30 s (past any read timeout), then 200
    /reset/...         read the body, then close the connection without answering

Every POST is recorded with its path, headers, parsed JSON body, the message's ref, and time.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One POST as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    ref: str | None
    at: float
    answered: int | None


@dataclass
class Receiver:
    """The running server and what it received."""

    server: ThreadingHTTPServer
    posts: list[Received] = field(default_factory=list)
    seen: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, mode: str, name: str = "channel") -> str:
        return f"{self.base}/{mode}/{name}"

    def delivered(self) -> list[Received]:
        """The POSTs answered 2xx."""
        with self.lock:
            return [p for p in self.posts if p.answered is not None and 200 <= p.answered < 300]

    def refs(self) -> Counter:
        """How many times each message (by ref) was answered 2xx."""
        return Counter(p.ref for p in self.delivered())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ref_of(payload: Any) -> str | None:
    """The alert ref in any of our payload kinds."""
    if isinstance(payload, dict):
        if "ref" in payload:
            return payload["ref"]
        text = payload.get("text") or json.dumps(payload)
        m = re.search(r"ref (\S+?)(?:\"|\\n|\n|$|\s)", text)
        return m.group(1) if m else None
    return None


def start() -> Receiver:
    """Start a receiver on a free loopback port (threads: one per connection)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            ref = ref_of(payload)
            parts = self.path.strip("/").split("/")
            mode = parts[0]
            with receiver.lock:
                receiver.seen[(mode, ref)] += 1
                count = receiver.seen[(mode, ref)]
                record = Received(self.path, dict(self.headers), body, payload, ref, time.time(), None)
                receiver.posts.append(record)
            status, text, headers = 200, "ok", {}
            if mode == "fail500" and count <= int(parts[1]):
                status, text = 500, "service_unavailable"
            elif mode == "ratelimit" and count == 1:
                status, text, headers = 429, "rate_limited", {"Retry-After": parts[1]}
            elif mode == "gone404":
                status, text = 404, "no_service"
            elif mode == "gone410":
                status, text = 410, "channel_is_archived"
            elif mode == "bad400":
                status, text = 400, "invalid_payload"
            elif mode == "slow":
                time.sleep(float(parts[1]))
            elif mode == "hang":
                time.sleep(30)
            elif mode == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                self.close_connection = True
                return
            data = text.encode()
            # Record the answer before sending it: the sender may act on the reply (and a test
            # look at delivered()) before this thread would run another line after the write.
            with receiver.lock:
                record.answered = status
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                with receiver.lock:
                    record.answered = None  # the sender gave up (a read timeout): no answer was taken

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
